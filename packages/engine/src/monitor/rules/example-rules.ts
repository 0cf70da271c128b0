/**
 * An example rule set for Balochistan, used by the replay test and the method page, and a starting
 * point for a real configuration. The zones are illustrative: their coordinates are approximate
 * (a few km) and were not supplied by any agency.
 *
 * Severities: critical pages at once, day or night (a suicide attack); high goes to the district
 * officer and the operations room at once; medium is shown on the dashboard and sent in the
 * morning digest; low is dashboard only. The routing (alert-lifecycle.ts) applies them.
 */
export const EXAMPLE_WATCH_ZONES = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: { type: 'Point', coordinates: [67.0, 30.19] }, properties: { id: 'quetta-city', name: 'Quetta city (10 km)', radius_km: 10 } },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [69.17, 28.64] }, properties: { id: 'sui-gas-field', name: 'Sui gas field (15 km)', radius_km: 15 } },
    {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: [[66.99, 30.18], [66.84, 29.8], [66.59, 29.03], [66.61, 27.8]] },
      properties: { id: 'n25-quetta-khuzdar', name: 'N25 Quetta-Kalat-Khuzdar (5 km)', buffer_km: 5 },
    },
  ],
} as const;

export const EXAMPLE_RULES = [
  { kind: 'category', id: 'suicide-attack', severity: 'critical', categories: ['TI.SUICIDE'] },
  { kind: 'category', id: 'attack-on-civilians', severity: 'high', targetTypes: ['Civilians', 'Polio team', 'Educational Institution', 'Religious Figures/Institutions'] },
  {
    kind: 'category', id: 'attack-in-watch-zone', severity: 'high',
    categories: ['TI.BOMB', 'TI.SUICIDE', 'TI.ASSAULT', 'TI.TARGETED', 'TI.INDIRECT', 'TI.KIDNAP', 'TI.INFRA.GAS', 'TI.INFRA.POWER', 'TI.INFRA.RAIL', 'TI.CLASH', 'TI.CIVILIANS', 'TI.NONSTATE'],
    zoneIds: ['quetta-city', 'sui-gas-field', 'n25-quetta-khuzdar'],
  },
  { kind: 'near-repeat', id: 'near-repeat-10km-14d', severity: 'high', distanceKm: 10, days: 14, minimumKilled: 5 },
  { kind: 'spike', id: 'spike-weekly-ears-c2', severity: 'medium', detector: { kind: 'ears', options: { method: 'C2', minSigma: 0.5 } }, periodDays: 7, lookbackPeriods: 60, minimumCount: 2 },
] as const;
