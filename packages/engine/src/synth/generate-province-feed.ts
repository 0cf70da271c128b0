/**
 * A seeded generator of realistic multi-agency incident feeds for Balochistan, with the truth.
 *
 * What it answers: "what would five agencies' feeds look like for this set of true incidents?" —
 * so that ingest, linking, monitoring and forecasting can be tested end to end against a known
 * answer. Pure: geography (a point sampler and a locate function), places and base rates come in
 * as arguments; randomness from the seed.
 *
 * The truth is a spatio-temporal Hawkes (self-exciting) process: background incidents drawn by
 * district base rate (terrorism and operations by UCDP history, crime and public order by
 * population), month-of-year and day-of-week seasonality and an hour-of-day profile; each incident
 * triggers Poisson(branching ratio) offspring, exponentially delayed (mean `aftershockMeanDays`) and
 * displaced by a normal of `aftershockKm` per axis (Mohler et al. 2011, JASA 106). Each agency then
 * reports an overlapping subset in its own format with its own noise (docs/synthetic-feed.md).
 *
 * Complexity: O(N log N) for N incidents (sorting), O(R) rows; 100,000 rows in about a second.
 */
import type { Classification } from '../domain/classification.js';
import { BaseeratError } from '../domain/errors.js';
import type { LocationPrecision, Report, ReportingMode, TimePrecision } from '../domain/incident.js';
import type { CategoryCode, CategoryGroup } from '../domain/taxonomy.js';
import { categoryGroup } from '../domain/taxonomy.js';
import type { Rng } from '../random/seeded-rng.js';
import { SeededRng, WeightedSampler, bernoulli, choice, exponential, normal, poisson, uniform, uniformInt } from '../random/seeded-rng.js';
import type { LabelTable } from './agency-labels.js';
import { CTD_LABELS, FC_LABELS, LEVIES_LABELS, POLICE_LABELS, RESCUE_LABELS, invertLabels } from './agency-labels.js';
import type { MappingFile } from './mapping-file.js';
import type { DistrictBaseRate } from './ucdp-balochistan-district-rates.js';
import { BALOCHISTAN_DISTRICT_BASE_RATES } from './ucdp-balochistan-district-rates.js';

/** Real polygons come from the server (shipped TopoJSON) or engine/geo's Geography; tests pass boxes. */
export interface DistrictGeometry {
  /** A uniform point inside the district. */
  samplePoint(district: string, rng: Rng): { lat: number; lon: number };
  /** The district containing a point, undefined outside the province. */
  locate(lat: number, lon: number): string | undefined;
}

export interface GazetteerPlace {
  name: string;
  lat: number;
  lon: number;
  district: string;
}

export const SYNTH_AGENCIES = ['police', 'levies', 'fc', 'ctd', 'rescue1122'] as const;
export type SynthAgency = (typeof SYNTH_AGENCIES)[number];

export interface ProvinceFeedOptions {
  seed: number | string;
  /** ISO UTC, inclusive. */
  start: string;
  /** ISO UTC, exclusive. */
  end: string;
  /** Expected number of true incidents (background / (1 - branching ratio)); default 30 a day. */
  incidents?: number;
  /** Share of data rows made malformed, per agency (default 0.01). */
  malformedShare?: number;
  /** Share of extra blank lines (default malformedShare / 4). */
  blankLineShare?: number;
  /** Offspring per incident (default 0.4). */
  branchingRatio?: number;
  aftershockMeanDays?: number;
  aftershockKm?: number;
  /** receivedAt of every source record (default `end`). */
  receivedAt?: string;
  geometry: DistrictGeometry;
  places?: readonly GazetteerPlace[];
  baseRates?: readonly DistrictBaseRate[];
  agencies?: readonly SynthAgency[];
}

export interface TrueIncident {
  id: string;
  occurredAt: string;
  lat: number;
  lon: number;
  district: string;
  category: CategoryCode;
  killed: number;
  injured: number;
  abducted: number;
  targetType?: string;
  perpetrator?: string;
  classification: Classification;
  /** The incident that triggered this one (Hawkes offspring), when any. */
  parentId?: string;
}

export type MalformedReason = 'bad-date' | 'coordinates-outside-pakistan' | 'unknown-category' | 'broken-quoting' | 'truncated-json' | 'blank-line';

export interface TruthReport {
  agency: SynthAgency;
  sourceId: string;
  incidentId: string;
  /** 1-based line in the agency's file (CSV: the header is line 1). */
  line: number;
}

export interface MalformedRow {
  agency: SynthAgency;
  line: number;
  reason: MalformedReason;
  /** False for blank lines: readers skip them, they are not records. */
  quarantine: boolean;
  sourceId?: string;
  incidentId?: string;
}

export interface FeedTruth {
  seed: number | string;
  start: string;
  end: string;
  incidents: TrueIncident[];
  reports: TruthReport[];
  malformed: MalformedRow[];
}

export interface AgencyFeed {
  agency: SynthAgency;
  fileName: string;
  /** Lines without terminators; a CSV's first line is its header. */
  lines: string[];
  mapping: MappingFile;
}

export interface ProvinceFeed {
  feeds: AgencyFeed[];
  /** The Report each well-formed row represents, as ingest should read it (no h3: ingest adds it). */
  reports: Report[];
  truth: FeedTruth;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Pakistan Standard Time, UTC+5 with no daylight saving since 2009. */
const PKT_OFFSET = 5 * HOUR;
const KM_PER_DEG_LAT = 111.32;

const GROUP_MIX: Record<CategoryGroup, number> = { terrorism: 0.2, crime: 0.55, public_order: 0.12, security_operations: 0.13 };
const CODE_MIX: Record<CategoryGroup, [CategoryCode, number][]> = {
  terrorism: [['TI.BOMB', 22], ['TI.SUICIDE', 3], ['TI.ASSAULT', 20], ['TI.TARGETED', 15], ['TI.INDIRECT', 8], ['TI.KIDNAP', 4],
    ['TI.INFRA.GAS', 5], ['TI.INFRA.POWER', 5], ['TI.INFRA.RAIL', 2], ['TI.INFRA.TELECOM', 3], ['TI.XBORDER', 2], ['TI.CLASH', 7],
    ['TI.NONSTATE', 1], ['TI.CIVILIANS', 2], ['TI.OTHER', 1]],
  crime: [['CR.MURDER', 12], ['CR.ROBBERY', 15], ['CR.HIGHWAY', 6], ['CR.BURGLARY', 12], ['CR.THEFT', 20], ['CR.VEHICLE_THEFT', 10],
    ['CR.EXTORTION', 3], ['CR.KFR', 3], ['CR.SMUG.FUEL', 8], ['CR.SMUG.NARC', 6], ['CR.SMUG.WEAP', 2], ['CR.OTHER', 3]],
  public_order: [['PO.PROTEST', 50], ['PO.BLOCKADE', 25], ['PO.STRIKE', 15], ['PO.RIOT', 10]],
  security_operations: [['SO.IBO', 30], ['SO.ARREST', 35], ['SO.RECOVERY', 25], ['SO.CHECKPOINT', 10]],
};
/** Insurgent violence peaks in spring and summer; January = index 0. */
const MONTH_FACTOR = [0.8, 0.8, 0.95, 1.05, 1.15, 1.2, 1.15, 1.1, 1.05, 1.0, 0.9, 0.85];
/** Sunday = index 0 (Date.getUTCDay); Friday is quieter. */
const WEEKDAY_FACTOR = [1.0, 1.05, 1.05, 1.05, 1.0, 0.8, 1.0];
const HOUR_PROFILE: Record<CategoryGroup, number[]> = {
  terrorism: [2, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 8, 7, 7, 6, 6, 6, 6, 5, 5, 4, 4, 3, 2],
  crime: [4, 3, 2, 2, 1, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 7, 8, 9, 10, 10, 9, 7, 5],
  public_order: [0, 0, 0, 0, 0, 0, 1, 3, 6, 10, 12, 12, 11, 10, 9, 7, 5, 3, 2, 1, 1, 0, 0, 0],
  security_operations: [6, 6, 6, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 6, 6],
};
/** [mean killed, mean injured, minimum killed, mean abducted] by code; absent codes: crime-like. */
const SEVERITY: Partial<Record<CategoryCode, [number, number, number, number]>> = {
  'TI.BOMB': [1.2, 3, 0, 0], 'TI.SUICIDE': [6, 12, 1, 0], 'TI.ASSAULT': [2, 2.5, 0, 0], 'TI.TARGETED': [0.3, 0.5, 1, 0],
  'TI.INDIRECT': [0.3, 1.5, 0, 0], 'TI.KIDNAP': [0, 0, 0, 2], 'TI.XBORDER': [0.4, 1, 0, 0], 'TI.CLASH': [2, 2, 0, 0],
  'TI.NONSTATE': [1, 1, 0, 0], 'TI.CIVILIANS': [1.5, 2, 0, 0], 'CR.MURDER': [0.2, 0.3, 1, 0], 'CR.ROBBERY': [0.03, 0.3, 0, 0],
  'CR.HIGHWAY': [0.1, 0.4, 0, 0], 'CR.KFR': [0, 0, 0, 1], 'PO.RIOT': [0.1, 3, 0, 0], 'PO.PROTEST': [0, 0.2, 0, 0],
  'SO.IBO': [1, 0.5, 0, 0], 'SO.CHECKPOINT': [0.3, 0.8, 0, 0],
};
const PERPETRATORS: [string, number][] = [['BLA', 35], ['BLF', 20], ['TTP', 15], ['ISKP', 5], ['BRAS', 5]];
const TARGETS: Record<CategoryGroup, string[]> = {
  terrorism: ['security forces', 'police', 'levies', 'civilians', 'government officials', 'infrastructure', 'workers', 'religious gathering'],
  crime: ['civilians', 'traders', 'transporters', 'households', 'government property'],
  public_order: ['road users', 'government offices', 'markets'],
  security_operations: ['militant hideout', 'smugglers', 'suspects'],
};
/** Districts largely policed by Police ("A areas"); elsewhere Levies hold most of the ground. */
const POLICE_SHARE: Record<string, number> = {
  Quetta: 0.95, Gwadar: 0.6, Kech: 0.5, Khuzdar: 0.5, Lasbela: 0.55, Jaffarabad: 0.55, Nasirabad: 0.5, Sibi: 0.5, Loralai: 0.4, Zhob: 0.4, Pishin: 0.4, Chaman: 0.5,
};
const RESCUE_DISTRICTS = new Set(['Quetta', 'Gwadar', 'Kech', 'Khuzdar', 'Lasbela', 'Sibi', 'Jaffarabad', 'Nasirabad', 'Loralai', 'Zhob', 'Chaman', 'Pishin']);

/** One agency's observation of one true incident, before rendering. */
interface Observation {
  agency: SynthAgency;
  incident: TrueIncident;
  sourceId: string;
  occurred: number;
  timePrecision: TimePrecision;
  precision: LocationPrecision;
  lat: number | undefined;
  lon: number | undefined;
  district: string;
  placeName: string | undefined;
  category: CategoryCode;
  killed: number;
  injured: number;
  abducted: number;
  targetType: string | undefined;
  perpetrator: string | undefined;
  narrative: string | undefined;
  classification: Classification;
  reported: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** Wall-clock fields of an instant in Pakistan time. */
function pkt(ms: number) {
  const d = new Date(ms + PKT_OFFSET);
  return { y: d.getUTCFullYear(), M: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()), H: pad(d.getUTCHours()), m: pad(d.getUTCMinutes()), s: pad(d.getUTCSeconds()) };
}
const fmtLocalIso = (ms: number) => { const t = pkt(ms); return `${t.y}-${t.M}-${t.d}T${t.H}:${t.m}:${t.s}`; };
const fmtDmy = (ms: number, sep = '/') => { const t = pkt(ms); return `${t.d}${sep}${t.M}${sep}${t.y}`; };
const fmtHm = (ms: number) => { const t = pkt(ms); return `${t.H}:${t.m}`; };
/** Start of the Pakistan-time day containing `ms`, as UTC epoch ms. */
const startOfLocalDay = (ms: number) => Math.floor((ms + PKT_OFFSET) / DAY) * DAY - PKT_OFFSET;
const round5 = (x: number) => Math.round(x * 1e5) / 1e5;

/** CSV field quoting per RFC 4180. */
function csvField(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

interface AgencySpec {
  fileName: string;
  labels: LabelTable;
  mapping: MappingFile;
  /** CSV header columns; undefined for NDJSON. */
  header: string[] | undefined;
  /** Row values in header order (CSV) or the object (NDJSON). */
  render(o: Observation): (string | number | undefined)[] | Record<string, string | number>;
  dateColumn: string;
  categoryColumn: string;
  hasCoordinates: boolean;
  badDates: string[];
}

function mappingFiles(): Record<SynthAgency, AgencySpec> {
  const province = { value: 'Balochistan' };
  return {
    police: {
      fileName: 'police.csv', labels: POLICE_LABELS, hasCoordinates: true, dateColumn: 'occurred_at', categoryColumn: 'category',
      badDates: ['2024-13-45T25:61:00', 'not recorded', '45/45/2024'],
      header: ['fir_no', 'occurred_at', 'lat', 'lon', 'district', 'category', 'killed', 'injured', 'abducted', 'target', 'narrative', 'class', 'reported_at'],
      render: (o) => [o.sourceId, fmtLocalIso(o.occurred), o.lat, o.lon, o.district, POLICE_LABELS[o.category], o.killed, o.injured, o.abducted,
        o.targetType, o.narrative, o.classification, `${fmtLocalIso(o.reported)}+05:00`],
      mapping: {
        agency: 'police', reader: 'csv', delimiter: ',', timezone: 'Asia/Karachi', classification: 'RESTRICTED', reportingMode: 'public',
        fields: {
          sourceId: { column: 'fir_no' }, occurredAt: { column: 'occurred_at', format: "yyyy-MM-dd'T'HH:mm:ss" },
          lat: { column: 'lat' }, lon: { column: 'lon' }, district: { column: 'district' }, province,
          category: { column: 'category', map: invertLabels(POLICE_LABELS) },
          killed: { column: 'killed', default: 0 }, injured: { column: 'injured', default: 0 }, abducted: { column: 'abducted', default: 0 },
          targetType: { column: 'target' }, narrative: { column: 'narrative' }, classification: { column: 'class' },
          reportedAt: { column: 'reported_at', format: "yyyy-MM-dd'T'HH:mm:ssXXX" },
        },
      },
    },
    levies: {
      fileName: 'levies.csv', labels: LEVIES_LABELS, hasCoordinates: false, dateColumn: 'date', categoryColumn: 'type',
      badDates: ['31/02/2O24', '2024-03-01', '??/??/????'],
      header: ['ref_no', 'date', 'time', 'place', 'district', 'type', 'killed', 'injured', 'abducted', 'details', 'class', 'reported'],
      render: (o) => [o.sourceId, fmtDmy(o.occurred), o.timePrecision === 'exact' ? fmtHm(o.occurred) : '', o.placeName, o.district,
        LEVIES_LABELS[o.category], o.killed, o.injured, o.abducted, o.narrative, o.classification === 'CONFIDENTIAL' ? 'C' : 'R', fmtDmy(o.reported)],
      mapping: {
        agency: 'levies', reader: 'csv', delimiter: ',', timezone: 'Asia/Karachi', classification: 'RESTRICTED', reportingMode: 'public',
        fields: {
          sourceId: { column: 'ref_no' }, occurredAt: { column: 'date', format: 'dd/MM/yyyy', timeColumn: 'time', timeFormat: 'HH:mm' },
          place: { column: 'place' }, district: { column: 'district' }, province,
          category: { column: 'type', map: invertLabels(LEVIES_LABELS) },
          killed: { column: 'killed', default: 0 }, injured: { column: 'injured', default: 0 }, abducted: { column: 'abducted', default: 0 },
          narrative: { column: 'details' }, classification: { column: 'class', map: { R: 'RESTRICTED', C: 'CONFIDENTIAL' } },
          reportedAt: { column: 'reported', format: 'dd/MM/yyyy' },
        },
      },
    },
    fc: {
      fileName: 'fc.ndjson', labels: FC_LABELS, hasCoordinates: true, dateColumn: 'time_utc', categoryColumn: 'incident_type',
      badDates: ['2024-02-30T99:00:00Z', 'NIL', '1700000000'],
      header: undefined,
      render: (o) => {
        const obj: Record<string, string | number> = {
          report_id: o.sourceId, time_utc: new Date(o.occurred).toISOString(), lat: o.lat!, lon: o.lon!, incident_type: FC_LABELS[o.category]!,
          killed: o.killed, wounded: o.injured, abducted: o.abducted, classification: o.classification, reported_utc: new Date(o.reported).toISOString(),
        };
        if (o.targetType !== undefined) obj['target'] = o.targetType;
        return obj;
      },
      mapping: {
        agency: 'fc', reader: 'ndjson', timezone: 'UTC', classification: 'CONFIDENTIAL', reportingMode: 'discovered',
        fields: {
          sourceId: { column: 'report_id' }, occurredAt: { column: 'time_utc', format: 'iso' }, lat: { column: 'lat' }, lon: { column: 'lon' }, province,
          category: { column: 'incident_type', map: invertLabels(FC_LABELS) },
          killed: { column: 'killed', default: 0 }, injured: { column: 'wounded', default: 0 }, abducted: { column: 'abducted', default: 0 },
          targetType: { column: 'target' }, classification: { column: 'classification' }, reportedAt: { column: 'reported_utc', format: 'iso' },
        },
      },
    },
    ctd: {
      fileName: 'ctd.csv', labels: CTD_LABELS, hasCoordinates: true, dateColumn: 'occurred', categoryColumn: 'offence',
      badDates: ['2024-02-31 26:00', 'pending', '01-01-24'],
      header: ['case_id', 'occurred', 'lat', 'lon', 'district', 'offence', 'claimed_by', 'killed', 'injured', 'abducted', 'target', 'class', 'registered'],
      render: (o) => {
        const t = pkt(o.occurred), r = pkt(o.reported);
        return [o.sourceId, `${t.y}-${t.M}-${t.d} ${t.H}:${t.m}`, o.lat, o.lon, o.district, CTD_LABELS[o.category], o.perpetrator, o.killed, o.injured,
          o.abducted, o.targetType, o.classification, `${r.y}-${r.M}-${r.d} ${r.H}:${r.m}`];
      },
      mapping: {
        agency: 'ctd', reader: 'csv', delimiter: ',', timezone: 'Asia/Karachi', classification: 'CONFIDENTIAL', reportingMode: 'unknown',
        fields: {
          sourceId: { column: 'case_id' }, occurredAt: { column: 'occurred', format: 'yyyy-MM-dd HH:mm' }, lat: { column: 'lat' }, lon: { column: 'lon' },
          district: { column: 'district' }, province, category: { column: 'offence', map: invertLabels(CTD_LABELS) },
          perpetrator: { column: 'claimed_by' },
          killed: { column: 'killed', default: 0 }, injured: { column: 'injured', default: 0 }, abducted: { column: 'abducted', default: 0 },
          targetType: { column: 'target' }, classification: { column: 'class' }, reportedAt: { column: 'registered', format: 'yyyy-MM-dd HH:mm' },
        },
      },
    },
    rescue1122: {
      fileName: 'rescue1122.csv', labels: RESCUE_LABELS, hasCoordinates: true, dateColumn: 'call_time', categoryColumn: 'emergency',
      badDates: ['32-13-2024 10:00:00', '--', '2024/03/01 10:00'],
      header: ['call_id', 'call_time', 'emergency', 'lat', 'lon', 'district', 'deaths', 'injured', 'remarks'],
      render: (o) => [o.sourceId, `${fmtDmy(o.occurred, '-')} ${fmtLocalIso(o.occurred).slice(11)}`, RESCUE_LABELS[o.category], o.lat, o.lon, o.district,
        o.killed, o.injured, o.narrative],
      mapping: {
        agency: 'rescue1122', reader: 'csv', delimiter: ',', timezone: 'Asia/Karachi', classification: 'UNCLASSIFIED', reportingMode: 'public',
        fields: {
          sourceId: { column: 'call_id' }, occurredAt: { column: 'call_time', format: 'dd-MM-yyyy HH:mm:ss' }, lat: { column: 'lat' }, lon: { column: 'lon' },
          district: { column: 'district' }, province, category: { column: 'emergency', map: invertLabels(RESCUE_LABELS) },
          killed: { column: 'deaths', default: 0 }, injured: { column: 'injured', default: 0 }, abducted: { value: 0 },
          narrative: { column: 'remarks' }, reportedAt: { column: 'call_time', format: 'dd-MM-yyyy HH:mm:ss' },
        },
      },
    },
  };
}

/** The mapping file of each synthetic agency (also written next to the feeds). */
export function syntheticMappingFiles(): Record<SynthAgency, MappingFile> {
  const specs = mappingFiles();
  return Object.fromEntries(SYNTH_AGENCIES.map((a) => [a, specs[a].mapping])) as Record<SynthAgency, MappingFile>;
}

function checkOptions(o: ProvinceFeedOptions): { start: number; end: number } {
  const start = Date.parse(o.start), end = Date.parse(o.end);
  if (!Number.isFinite(start)) throw new BaseeratError('VALIDATION', `start must be an ISO date, got ${JSON.stringify(o.start)}`, { field: 'start' });
  if (!Number.isFinite(end) || end <= start) throw new BaseeratError('VALIDATION', `end must be an ISO date after start, got ${JSON.stringify(o.end)}`, { field: 'end' });
  const share = o.malformedShare ?? 0.01;
  if (!(share >= 0 && share < 0.5)) throw new BaseeratError('VALIDATION', `malformedShare must be in [0, 0.5), got ${share}`, { field: 'malformedShare' });
  const b = o.branchingRatio ?? 0.4;
  if (!(b >= 0 && b < 0.95)) throw new BaseeratError('VALIDATION', `branchingRatio must be in [0, 0.95), got ${b}`, { field: 'branchingRatio' });
  if (o.incidents !== undefined && !(o.incidents >= 0)) throw new BaseeratError('VALIDATION', `incidents must be >= 0, got ${o.incidents}`, { field: 'incidents' });
  return { start, end };
}

/** The true incidents: background by base rate and seasonality, plus Hawkes offspring. Sorted by time. */
export function generateTrueIncidents(options: ProvinceFeedOptions, rng: Rng): TrueIncident[] {
  const { start, end } = checkOptions(options);
  const rates = options.baseRates ?? BALOCHISTAN_DISTRICT_BASE_RATES;
  if (rates.length === 0) throw new BaseeratError('VALIDATION', 'baseRates must not be empty', { field: 'baseRates' });
  const b = options.branchingRatio ?? 0.4;
  const days = (end - start) / DAY;
  const expected = options.incidents ?? Math.round(30 * days);
  const background = poisson(rng, expected * (1 - b));
  const meanDelay = (options.aftershockMeanDays ?? 2) * DAY;
  const spreadKm = options.aftershockKm ?? 3;

  const groups = Object.keys(GROUP_MIX) as CategoryGroup[];
  const groupSampler = new WeightedSampler(groups.map((g) => GROUP_MIX[g]));
  const codeSamplers = Object.fromEntries(groups.map((g) => [g, new WeightedSampler(CODE_MIX[g].map((x) => x[1]))])) as Record<CategoryGroup, WeightedSampler>;
  const hourSamplers = Object.fromEntries(groups.map((g) => [g, new WeightedSampler(HOUR_PROFILE[g])])) as Record<CategoryGroup, WeightedSampler>;
  const insurgencyDistricts = new WeightedSampler(rates.map((r) => r.ucdpEvents + 1));
  const populationDistricts = new WeightedSampler(rates.map((r) => r.population2023));
  const perpSampler = new WeightedSampler([...PERPETRATORS.map((p) => p[1]), 20]);
  // Day weights: seasonality on whole local days overlapping [start, end).
  const firstDay = startOfLocalDay(start);
  const nDays = Math.ceil((end - firstDay) / DAY);
  const dayWeights: number[] = [];
  for (let i = 0; i < nDays; i++) {
    const d = new Date(firstDay + i * DAY + PKT_OFFSET);
    dayWeights.push(MONTH_FACTOR[d.getUTCMonth()]! * WEEKDAY_FACTOR[d.getUTCDay()]!);
  }
  const daySampler = new WeightedSampler(dayWeights);

  const codeOf = (g: CategoryGroup) => CODE_MIX[g][codeSamplers[g].sample(rng)]![0];
  const attributes = (code: CategoryCode) => {
    const g = categoryGroup(code);
    const [mk, mi, minK, ma] = SEVERITY[code] ?? [0.02, 0.1, 0, 0];
    const killed = minK + poisson(rng, mk);
    const injured = poisson(rng, mi);
    const abducted = ma > 0 ? 1 + poisson(rng, ma - 1 > 0 ? ma - 1 : 0.3) : 0;
    const perpIdx = g === 'terrorism' ? perpSampler.sample(rng) : PERPETRATORS.length;
    const classification: Classification = g === 'terrorism' ? (bernoulli(rng, 0.15) ? 'SECRET' : 'CONFIDENTIAL')
      : g === 'security_operations' ? 'CONFIDENTIAL' : bernoulli(rng, 0.1) ? 'CONFIDENTIAL' : 'RESTRICTED';
    return { killed, injured, abducted, perpetrator: PERPETRATORS[perpIdx]?.[0], targetType: bernoulli(rng, 0.85) ? choice(rng, TARGETS[g]) : undefined, classification };
  };

  interface Raw { t: number; lat: number; lon: number; district: string; code: CategoryCode; parent: number; a: ReturnType<typeof attributes> }
  const raw: Raw[] = [];
  // Days overlap the window's edges: draw again outside it (bounded, for windows shorter than a day).
  for (let made = 0, tries = 0; made < background && tries < 100 * background + 1000; tries++) {
    const g = groups[groupSampler.sample(rng)]!;
    const code = codeOf(g);
    const dIdx = g === 'terrorism' || g === 'security_operations' ? insurgencyDistricts.sample(rng) : populationDistricts.sample(rng);
    const district = rates[dIdx]!.district;
    const t = firstDay + daySampler.sample(rng) * DAY + hourSamplers[g].sample(rng) * HOUR + Math.floor(rng.next() * 60) * 60_000;
    if (t < start || t >= end) continue;
    made++;
    const p = options.geometry.samplePoint(district, rng);
    raw.push({ t, lat: p.lat, lon: p.lon, district, code, parent: -1, a: attributes(code) });
  }
  // Offspring, generation by generation (the queue grows while we walk it).
  const cap = 20 * (background + 10);
  for (let i = 0; i < raw.length && raw.length < cap; i++) {
    const parent = raw[i]!;
    const k = poisson(rng, b);
    for (let j = 0; j < k; j++) {
      const t = parent.t + Math.max(30 * 60_000, Math.round(exponential(rng, meanDelay) / 60_000) * 60_000);
      let lat = parent.lat, lon = parent.lon, district: string | undefined;
      for (let tries = 0; tries < 8; tries++) {
        const la = parent.lat + normal(rng, 0, spreadKm) / KM_PER_DEG_LAT;
        const lo = parent.lon + normal(rng, 0, spreadKm) / (KM_PER_DEG_LAT * Math.cos((parent.lat * Math.PI) / 180));
        district = options.geometry.locate(la, lo);
        if (district !== undefined) { lat = la; lon = lo; break; }
      }
      // Retaliation and follow-up mostly stay in the parent's group.
      const g = bernoulli(rng, 0.7) ? categoryGroup(parent.code) : groups[groupSampler.sample(rng)]!;
      const code = codeOf(g);
      raw.push({ t, lat, lon, district: district ?? parent.district, code, parent: i, a: attributes(code) });
    }
  }
  // Keep the window, sort by time, and give ids in time order (parent ids resolved after).
  const kept = raw.map((r, i) => ({ r, i })).filter((x) => x.r.t < end).sort((x, y) => x.r.t - y.r.t || x.i - y.i);
  const idOf = new Map<number, string>();
  kept.forEach((x, n) => idOf.set(x.i, `T${pad(n + 1, 7)}`));
  return kept.map((x) => {
    const r = x.r;
    const inc: TrueIncident = {
      id: idOf.get(x.i)!, occurredAt: new Date(r.t).toISOString(), lat: round5(r.lat), lon: round5(r.lon), district: r.district, category: r.code,
      killed: r.a.killed, injured: r.a.injured, abducted: r.a.abducted, classification: r.a.classification,
    };
    if (r.a.targetType !== undefined) inc.targetType = r.a.targetType;
    if (r.a.perpetrator !== undefined) inc.perpetrator = r.a.perpetrator;
    const parentId = idOf.get(r.parent);
    if (parentId !== undefined) inc.parentId = parentId;
    return inc;
  });
}

/** Which agencies see an incident: coverage probabilities by agency, group, district and casualties. */
function coverage(agency: SynthAgency, inc: TrueIncident): number {
  const g = categoryGroup(inc.category);
  const aArea = POLICE_SHARE[inc.district] ?? 0.25;
  switch (agency) {
    case 'police': return aArea * (g === 'crime' ? 0.9 : g === 'public_order' ? 0.85 : g === 'terrorism' ? 0.8 : 0.5) + (1 - aArea) * 0.1;
    case 'levies': return (1 - aArea) * (g === 'security_operations' ? 0.4 : 0.8) + aArea * 0.05;
    case 'fc': return FC_LABELS[inc.category] === undefined ? 0 : (g === 'terrorism' ? 0.65 : g === 'security_operations' ? 0.8 : g === 'crime' ? 0.7 : 0.3) * (inc.district === 'Quetta' ? 0.5 : 1);
    case 'ctd': return g === 'terrorism' ? 0.75 : 0;
    case 'rescue1122': return RESCUE_DISTRICTS.has(inc.district) && inc.killed + inc.injured > 0 ? 0.85 : 0;
  }
}

/** A different code of the same group that this agency can name. */
function confuseCategory(rng: Rng, code: CategoryCode, labels: LabelTable): CategoryCode {
  const g = categoryGroup(code);
  const others = CODE_MIX[g].map((x) => x[0]).filter((c) => c !== code && labels[c] !== undefined);
  return others.length === 0 ? code : choice(rng, others);
}

function undercount(rng: Rng, n: number, p: number): number {
  if (n === 0 || !bernoulli(rng, p)) return n;
  return n - uniformInt(rng, 1, Math.max(1, Math.ceil(n * 0.4)));
}

function jitterKm(rng: Rng, lat: number, lon: number, sdKm: number, maxKm: number): [number, number] {
  let dx = normal(rng, 0, sdKm), dy = normal(rng, 0, sdKm);
  const r = Math.hypot(dx, dy);
  if (r > maxKm) { dx *= maxKm / r; dy *= maxKm / r; }
  return [round5(lat + dy / KM_PER_DEG_LAT), round5(lon + dx / (KM_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180)))];
}

const clampHours = (ms: number, h: number) => Math.max(-h * HOUR, Math.min(h * HOUR, ms));

const minute = (ms: number) => Math.round(ms / 60_000) * 60_000;

function narrativeOf(what: string, district: string, killed: number, injured: number): string {
  return `${what} reported at ${district}${killed + injured > 0 ? `, ${killed} killed, ${injured} injured` : ''}`;
}

/** The gazetteer place nearest to a point in its district, within `maxKm`. */
function nearestPlace(places: readonly GazetteerPlace[] | undefined, lat: number, lon: number, maxKm: number): GazetteerPlace | undefined {
  if (places === undefined) return undefined;
  const cosLat = Math.cos((lat * Math.PI) / 180);
  let best: GazetteerPlace | undefined, bestD = maxKm;
  for (const p of places) {
    const d = Math.hypot(p.lat - lat, (p.lon - lon) * cosLat) * KM_PER_DEG_LAT;
    if (d <= bestD) { best = p; bestD = d; }
  }
  return best;
}

function observe(agency: SynthAgency, inc: TrueIncident, rng: Rng, spec: AgencySpec, geometry: DistrictGeometry, placesByDistrict: Map<string, GazetteerPlace[]>): Omit<Observation, 'sourceId'> {
  const t = Date.parse(inc.occurredAt);
  const swapP = agency === 'levies' ? 0.06 : agency === 'rescue1122' ? 0.08 : 0.04;
  const category = bernoulli(rng, swapP) ? confuseCategory(rng, inc.category, spec.labels) : inc.category;
  const killed = undercount(rng, inc.killed, 0.3), injured = undercount(rng, inc.injured, 0.4);
  const o: Omit<Observation, 'sourceId'> = {
    agency, incident: inc, category, district: inc.district, placeName: undefined,
    killed, injured, abducted: agency === 'rescue1122' ? 0 : inc.abducted,
    targetType: agency === 'levies' || agency === 'rescue1122' ? undefined : inc.targetType,
    perpetrator: agency === 'ctd' ? inc.perpetrator ?? (bernoulli(rng, 0.5) ? 'Unclaimed' : undefined) : undefined,
    occurred: t, timePrecision: 'exact', lat: undefined, lon: undefined, precision: 'exact', reported: t, classification: 'UNCLASSIFIED',
    narrative: agency === 'fc' || agency === 'ctd' ? undefined : narrativeOf(spec.labels[category] ?? category, inc.district, killed, injured),
  };
  switch (agency) {
    case 'police':
      o.occurred = minute(t + clampHours(normal(rng, 0, 0.5 * HOUR), 2.5));
      [o.lat, o.lon] = jitterKm(rng, inc.lat, inc.lon, 0.15, 1);
      o.reported = minute(o.occurred + uniform(rng, 0.5, 12) * HOUR);
      o.classification = bernoulli(rng, 0.15) ? 'CONFIDENTIAL' : 'RESTRICTED';
      break;
    case 'levies': {
      const known = bernoulli(rng, 0.4);
      const noisy = minute(t + clampHours(normal(rng, 0, HOUR), 2.5));
      o.occurred = known ? noisy : startOfLocalDay(t);
      o.timePrecision = known ? 'exact' : 'day';
      // A place name from the gazetteer when one lies close: ingest places it `near` (within 25 km).
      const near = nearestPlace(placesByDistrict.get(inc.district), inc.lat, inc.lon, 20);
      if (near !== undefined && bernoulli(rng, 0.7)) {
        o.placeName = near.name; o.lat = near.lat; o.lon = near.lon; o.precision = 'near';
      } else o.precision = 'district';
      // Levies registers reach the district office one to three days late.
      o.reported = startOfLocalDay(t + uniformInt(rng, 1, 3) * DAY);
      o.classification = bernoulli(rng, 0.2) ? 'CONFIDENTIAL' : 'RESTRICTED';
      break;
    }
    case 'fc': {
      o.occurred = minute(t + clampHours(normal(rng, 0, 0.33 * HOUR), 2));
      // FC sends no district: ingest locates the point, so the jittered point must stay in the province.
      let district: string | undefined;
      for (let tries = 0; tries < 8 && district === undefined; tries++) {
        const r = uniform(rng, 0.5, 1), a = uniform(rng, 0, 2 * Math.PI);
        o.lat = round5(inc.lat + (r * Math.sin(a)) / KM_PER_DEG_LAT);
        o.lon = round5(inc.lon + (r * Math.cos(a)) / (KM_PER_DEG_LAT * Math.cos((inc.lat * Math.PI) / 180)));
        district = geometry.locate(o.lat, o.lon);
      }
      if (district === undefined) { o.lat = inc.lat; o.lon = inc.lon; district = inc.district; }
      o.district = district;
      o.reported = minute(o.occurred + uniform(rng, 0.2, 6) * HOUR);
      o.classification = bernoulli(rng, 0.1) ? 'SECRET' : 'CONFIDENTIAL';
      break;
    }
    case 'ctd':
      o.occurred = minute(t + clampHours(normal(rng, 0, 0.75 * HOUR), 2.5));
      [o.lat, o.lon] = jitterKm(rng, inc.lat, inc.lon, 0.3, 1);
      o.reported = minute(o.occurred + uniform(rng, 2, 72) * HOUR);
      o.classification = bernoulli(rng, 0.3) ? 'SECRET' : 'CONFIDENTIAL';
      break;
    case 'rescue1122':
      o.occurred = Math.round((t + uniform(rng, 2, 20) * 60_000) / 1000) * 1000;
      [o.lat, o.lon] = jitterKm(rng, inc.lat, inc.lon, 0.05, 0.3);
      o.reported = o.occurred;
      o.classification = 'UNCLASSIFIED';
      break;
  }
  return o;
}

function sourceIdFor(agency: SynthAgency, seq: number, o: Omit<Observation, 'sourceId'>): string {
  const y = pkt(o.occurred).y;
  switch (agency) {
    case 'police': return `FIR-${y}-${pad(seq, 6)}`;
    case 'levies': return `LV/${o.district.slice(0, 3).toUpperCase()}/${y}/${pad(seq, 5)}`;
    case 'fc': return `FC-${pad(seq, 7)}`;
    case 'ctd': return `CTD-${y}-${pad(seq, 5)}`;
    case 'rescue1122': return `R1122-${pad(seq, 7)}`;
  }
}

function toReport(o: Observation, raw: string, receivedAt: string, mapping: MappingFile): Report {
  const location: Report['location'] = { precision: o.precision, district: o.district, province: 'Balochistan' };
  if (o.lat !== undefined && o.lon !== undefined) { location.lat = o.lat; location.lon = o.lon; }
  if (o.placeName !== undefined) location.placeName = o.placeName;
  const report: Report = {
    occurredAt: new Date(o.occurred).toISOString(), timePrecision: o.timePrecision, reportedAt: new Date(o.reported).toISOString(),
    location, category: o.category, severity: { killed: o.killed, injured: o.injured, abducted: o.abducted },
    classification: o.classification, reportingMode: mapping.reportingMode as ReportingMode,
    source: { agency: o.agency, sourceId: o.sourceId, receivedAt, format: `mapping:${o.agency}`, raw },
  };
  if (o.targetType !== undefined) report.targetType = o.targetType;
  if (o.perpetrator !== undefined) report.perpetrator = o.perpetrator;
  if (o.narrative !== undefined) report.narrative = o.narrative;
  return report;
}

/** Render a row; `corrupt` names the malformation to apply, if any. */
function renderLine(spec: AgencySpec, o: Observation, rng: Rng, corrupt: MalformedReason | undefined): string {
  const rendered = spec.render(o);
  if (Array.isArray(rendered)) {
    const header = spec.header!;
    const values = rendered.map((v) => (v === undefined ? '' : String(v)));
    const set = (col: string, v: string) => { values[header.indexOf(col)] = v; };
    if (corrupt === 'bad-date') set(spec.dateColumn, choice(rng, spec.badDates));
    if (corrupt === 'unknown-category') set(spec.categoryColumn, choice(rng, ['Misc. (see remarks)', 'UNKNOWN', 'Waqia']));
    if (corrupt === 'coordinates-outside-pakistan') {
      // Swapped axes is the commonest real mistake; (0, 0) the second.
      if (bernoulli(rng, 0.7)) { set('lat', String(o.lon)); set('lon', String(o.lat)); } else { set('lat', '0'); set('lon', '0'); }
    }
    const fields = values.map(csvField);
    if (corrupt === 'broken-quoting') {
      // A closing quote followed by more text: a record-level error, the next line still parses.
      const i = header.indexOf('district');
      fields[i] = `"${values[i]}"x`;
    }
    return fields.join(spec.mapping.delimiter ?? ',');
  }
  const obj = { ...rendered };
  if (corrupt === 'bad-date') obj[spec.dateColumn] = choice(rng, spec.badDates);
  if (corrupt === 'unknown-category') obj[spec.categoryColumn] = 'MISC';
  if (corrupt === 'coordinates-outside-pakistan') { obj['lat'] = o.lon!; obj['lon'] = o.lat!; }
  const line = JSON.stringify(obj);
  return corrupt === 'truncated-json' ? line.slice(0, Math.max(1, Math.floor(line.length * uniform(rng, 0.3, 0.9)))) : line;
}

/** Generate the true incidents, every agency's feed and mapping, the Reports and the truth. */
export function generateProvinceFeed(options: ProvinceFeedOptions): ProvinceFeed {
  const { end } = checkOptions(options);
  const root = new SeededRng(options.seed);
  const incidents = generateTrueIncidents(options, root.fork('truth'));
  const specs = mappingFiles();
  const receivedAt = options.receivedAt ?? new Date(end).toISOString();
  const malformedShare = options.malformedShare ?? 0.01;
  const blankShare = options.blankLineShare ?? malformedShare / 4;
  const placesByDistrict = new Map<string, GazetteerPlace[]>();
  for (const p of options.places ?? []) {
    const l = placesByDistrict.get(p.district);
    if (l === undefined) placesByDistrict.set(p.district, [p]); else l.push(p);
  }

  const feeds: AgencyFeed[] = [];
  const reports: Report[] = [];
  const truth: FeedTruth = { seed: options.seed, start: options.start, end: options.end, incidents, reports: [], malformed: [] };
  for (const agency of options.agencies ?? SYNTH_AGENCIES) {
    const spec = specs[agency];
    // Each agency has its own stream, so adding an agency does not change the others' rows.
    const rng = root.fork(`agency:${agency}`);
    const obs: Omit<Observation, 'sourceId'>[] = [];
    for (const inc of incidents) if (bernoulli(rng, coverage(agency, inc))) obs.push(observe(agency, inc, rng, spec, options.geometry, placesByDistrict));
    // Source ids follow the agency's register order (occurrence); the file is in reporting order.
    obs.sort((a, b) => a.occurred - b.occurred || (a.incident.id < b.incident.id ? -1 : 1));
    const full = obs as Observation[];
    for (let i = 0; i < full.length; i++) full[i]!.sourceId = sourceIdFor(agency, i + 1, full[i]!);
    full.sort((a, b) => a.reported - b.reported || (a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0));
    const reasons: MalformedReason[] = spec.header === undefined
      ? ['bad-date', 'coordinates-outside-pakistan', 'unknown-category', 'truncated-json']
      : spec.hasCoordinates ? ['bad-date', 'coordinates-outside-pakistan', 'unknown-category', 'broken-quoting'] : ['bad-date', 'unknown-category', 'broken-quoting'];
    const lines: string[] = spec.header === undefined ? [] : [spec.header.join(',')];
    for (const o of full) {
      while (bernoulli(rng, blankShare)) {
        lines.push('');
        truth.malformed.push({ agency, line: lines.length, reason: 'blank-line', quarantine: false });
      }
      const corrupt = bernoulli(rng, malformedShare) ? choice(rng, reasons) : undefined;
      const line = renderLine(spec, o, rng, corrupt);
      lines.push(line);
      if (corrupt !== undefined) {
        truth.malformed.push({ agency, line: lines.length, reason: corrupt, quarantine: true, sourceId: o.sourceId, incidentId: o.incident.id });
      } else {
        reports.push(toReport(o, line, receivedAt, spec.mapping));
        truth.reports.push({ agency, sourceId: o.sourceId, incidentId: o.incident.id, line: lines.length });
      }
    }
    feeds.push({ agency, fileName: spec.fileName, lines, mapping: spec.mapping });
  }
  return { feeds, reports, truth };
}
