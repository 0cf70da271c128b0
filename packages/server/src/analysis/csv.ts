/**
 * CSV text of result tables (RFC 4180: comma, CRLF, quotes doubled), for spreadsheets. Null and
 * undefined are empty cells; numbers are written in full precision, never with thousands separators.
 */
import type { AggregateEnvelope } from './aggregate-service.js';
import type { EmergingEnvelope } from './emerging-hotspots-service.js';
import type { HotspotsEnvelope } from './hotspots-service.js';
import type { NearRepeatEnvelope } from './near-repeat-service.js';
import type { TrendsEnvelope } from './trends-service.js';
import type { SeasonalityEnvelope } from './seasonality-service.js';
import type { ActorsEnvelope } from './actors-service.js';

export type Cell = string | number | boolean | null | undefined;

function field(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [headers, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

export function aggregateCsv(env: AggregateEnvelope): string {
  return toCsv(['area', 'period', 'group', 'count', 'killed', 'injured', 'abducted', 'harm', 'countPer100k', 'harmPer100k'],
    env.result.rows.map((r) => [r.area, r.period, r.group, r.count, r.killed, r.injured, r.abducted, r.harm, r.countPer100k, r.harmPer100k]));
}

export function hotspotsCsv(env: HotspotsEnvelope): string {
  return toCsv(['cell', 'district', 'count', 'value', 'giZ', 'giP', 'giPFdr', 'giBin', 'giBinFdr', 'moranI', 'moranP', 'moranPPermutation', 'lisaCluster'],
    env.result.cells.map((c) => [c.id, env.annotations.districtOfCell[c.id], c.count, c.value, c.giZ, c.giP, c.giPFdr, c.giBin, c.giBinFdr, c.moranI, c.moranP, c.moranPPermutation, c.lisaCluster]));
}

export function emergingCsv(env: EmergingEnvelope): string {
  return toCsv(['cell', 'district', 'category', 'tau', 'trendP', 'totalCount', ...env.annotations.steps.map((s) => `z ${s}`)],
    env.result.cells.map((c) => [c.id, env.annotations.districtOfCell[c.id], c.category, c.tau, c.trendP, c.totalCount, ...c.z]));
}

export function nearRepeatCsv(env: NearRepeatEnvelope): string {
  const r = env.result;
  const rows: Cell[][] = [];
  r.spaceLabels.forEach((s, i) => r.timeLabels.forEach((t, j) => {
    rows.push([s, t, r.observed[i]?.[j], r.expected[i]?.[j], r.ratio[i]?.[j], r.pValue[i]?.[j], r.pAdjusted[i]?.[j]]);
  }));
  return toCsv(['space band', 'time band', 'observed pairs', 'expected pairs', 'ratio', 'p', 'pAdjusted'], rows);
}

export function trendsCsv(env: TrendsEnvelope): string {
  return toCsv(['district', 'current', 'previous', 'rateRatio', 'percentChange', 'p', 'pAdjusted', 'significantAfterAdjustment', 'summary'],
    env.result.byDistrict.areas.map((a) => [a.area, a.current.count, a.baseline.count, a.rateRatio, a.percentChange, a.pValue, a.pAdjusted, a.significantAfterAdjustment, a.summary]));
}

export function seasonalityCsv(env: SeasonalityEnvelope): string {
  const rows: Cell[][] = [];
  for (const k of ['hour', 'weekday', 'month', 'hijriMonth'] as const) {
    const p = env.result[k];
    p.labels.forEach((l, i) => rows.push([k, l, p.observed[i], p.exposureDays[i], p.expected[i], p.ratio[i], p.residuals[i]]));
  }
  return toCsv(['profile', 'label', 'observed', 'exposureDays', 'expected', 'ratio', 'residual'], rows);
}

export function actorsCsv(env: ActorsEnvelope): string {
  return toCsv(['actor', 'incidents', 'share', 'killed', 'injured', 'abducted', 'killedPerIncident', 'lower', 'upper', 'previous', 'rateRatio', 'pAdjusted', 'topDistricts', 'topTactics'],
    env.result.actors.map((a) => [a.actor, a.incidents, a.share, a.killed, a.injured, a.abducted, a.lethality?.perIncident, a.lethality?.lower, a.lethality?.upper,
      a.change.baseline.count, a.change.rateRatio, a.change.pAdjusted,
      a.districts.slice(0, 3).map((d) => `${d.name} ${d.count}`).join('; '), a.tactics.slice(0, 3).map((d) => `${d.name} ${d.count}`).join('; ')]));
}
