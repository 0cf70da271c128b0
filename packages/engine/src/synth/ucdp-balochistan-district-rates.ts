/**
 * Base rates of the synthetic province feed, per 2023 Balochistan district, from real public data.
 *
 * `ucdpEvents`: UCDP GED events 1989-2021 with adm_1 = "Balochistan province" and where_prec 1-4
 * (687 of 692; one fell outside the 2023 polygons), placed in the 2023 district boundaries by point
 * in polygon — computed once by `npx tsx packages/server/src/generate/compute-ucdp-district-rates.ts`
 * over `data/reference/ucdp-ged-pakistan/` and `data/reference/pakistan-districts-2023/`.
 * `population2023`: Pakistan Bureau of Statistics, Census 2023 (`statistics.json`).
 *
 * The generator draws terrorism and security operations in proportion to `ucdpEvents + 1` (add-one
 * smoothing: a district with no event in 33 years is quiet, not impossible) and crime and public
 * order in proportion to population. Sources: UCDP GED (CC BY 4.0, Sundberg and Melander 2013), PBS.
 */
export interface DistrictBaseRate {
  district: string;
  ucdpEvents: number;
  population2023: number;
}

/** 1989-01-25 .. 2021-12-31. */
export const UCDP_BALOCHISTAN_YEARS = 33;

export const BALOCHISTAN_DISTRICT_BASE_RATES: readonly DistrictBaseRate[] = [
  { district: "Awaran", ucdpEvents: 21, population2023: 178958 },
  { district: "Barkhan", ucdpEvents: 3, population2023: 210249 },
  { district: "Chagai", ucdpEvents: 13, population2023: 269192 },
  { district: "Chaman", ucdpEvents: 7, population2023: 466218 },
  { district: "Dera Bugti", ucdpEvents: 86, population2023: 355274 },
  { district: "Duki", ucdpEvents: 3, population2023: 205044 },
  { district: "Gwadar", ucdpEvents: 40, population2023: 305160 },
  { district: "Harnai", ucdpEvents: 16, population2023: 127571 },
  { district: "Jaffarabad", ucdpEvents: 8, population2023: 594558 },
  { district: "Jhal Magsi", ucdpEvents: 3, population2023: 203368 },
  { district: "Kachhi (Bolan)", ucdpEvents: 16, population2023: 442612 },
  { district: "Kalat", ucdpEvents: 16, population2023: 272506 },
  { district: "Kech", ucdpEvents: 66, population2023: 1060931 },
  { district: "Kharan", ucdpEvents: 27, population2023: 260352 },
  { district: "Khuzdar", ucdpEvents: 27, population2023: 997214 },
  { district: "Killa Abdullah", ucdpEvents: 0, population2023: 361971 },
  { district: "Killa Saifullah", ucdpEvents: 1, population2023: 380200 },
  { district: "Kohlu", ucdpEvents: 39, population2023: 260220 },
  { district: "Lasbela", ucdpEvents: 12, population2023: 680977 },
  { district: "Loralai", ucdpEvents: 7, population2023: 272432 },
  { district: "Mastung", ucdpEvents: 23, population2023: 313271 },
  { district: "Musa Khel", ucdpEvents: 1, population2023: 182275 },
  { district: "Nasirabad", ucdpEvents: 21, population2023: 563377 },
  { district: "Nushki", ucdpEvents: 6, population2023: 207834 },
  { district: "Panjgur", ucdpEvents: 23, population2023: 509781 },
  { district: "Pishin", ucdpEvents: 3, population2023: 835482 },
  { district: "Quetta", ucdpEvents: 175, population2023: 2595492 },
  { district: "Sherani", ucdpEvents: 3, population2023: 191687 },
  { district: "Sibi", ucdpEvents: 5, population2023: 224148 },
  { district: "Sohbatpur", ucdpEvents: 2, population2023: 240106 },
  { district: "Surab", ucdpEvents: 0, population2023: 278092 },
  { district: "Washuk", ucdpEvents: 3, population2023: 302623 },
  { district: "Zhob", ucdpEvents: 7, population2023: 355692 },
  { district: "Ziarat", ucdpEvents: 4, population2023: 189535 },
];
