/**
 * evaluateMeasureService: "did it work?" for one declared measure. Reads the outcome incidents of the
 * study window from the store, assigns each to a treated, buffer or comparison area, builds the area
 * x month panel and runs the engine's estimators (interrupted time series, difference in
 * differences, synthetic control, weighted displacement difference) with their robustness checks and
 * plain-language conclusions. The answer is the usual JSON-safe analysis envelope, ready for the API.
 *
 * Areas: districts are areas of their own (so several treated districts give DiD several treated
 * clusters); a set of H3 cells or polygons is one area. An incident belongs to the first of treated,
 * buffer, comparison that contains it. Without declared comparisons, the other districts of the
 * treated areas' province(s) are candidates and the `matchComparisons` (default 5) closest on
 * pre-period level and trend are kept.
 */
import { BaseeratError, caveat, cellOf, type Caveat } from '@baseerat/engine';
import {
  buildMonthlyPanel, evaluatePanel, matchComparisonAreas, monthLabel, parseMeasure, EVALUATION_METHODS,
  type AreaRole, type AreaSet, type EvaluationMethod, type Measure, type PanelEvaluation,
} from '@baseerat/engine/evaluate/index';
import {
  classificationOf, coveredEnvelope, parseAnalysisTime, readColumns, resolveFilter,
  type AnalysisContext, type AnalysisEnvelope, type ResolvedFilter,
} from '../analysis/analysis-request.js';
import type { IncidentColumns } from '../store/index.js';

export interface EvaluateOptions {
  methods?: readonly EvaluationMethod[];
}

export interface EvaluateAnnotations {
  measure: { id: string; name: string; type: string; start: string; end: string | null; illustrative: boolean };
  window: { firstMonth: string; startMonth: string; lastMonth: string; preMonths: number; postMonths: number };
  areas: { name: string; role: AreaRole; kind: 'district' | 'h3' | 'polygon' }[];
  matching: { chosen: string[]; distances: Record<string, number> } | null;
  /** The first thing to read: one sentence per method that ran. */
  conclusions: string[];
}

export type EvaluateEnvelope = AnalysisEnvelope<'evaluate', { methods: EvaluationMethod[] }, PanelEvaluation, EvaluateAnnotations>;

interface AreaDef { name: string; role: AreaRole; kind: 'district' | 'h3' | 'polygon'; contains: (cols: IncidentColumns, i: number) => boolean }

function monthShift(label: string, k: number): string {
  const y = Number(label.slice(0, 4)), m = Number(label.slice(5)) - 1 + k;
  const yy = y + Math.floor(m / 12), mm = ((m % 12) + 12) % 12;
  return `${yy}-${String(mm + 1).padStart(2, '0')}`;
}

function monthsBetween(a: string, b: string): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5)) - Number(a.slice(5));
}

/** Ray casting on [lon, lat] rings; holes (rings after the first) exclude. */
function inPolygon(lon: number, lat: number, rings: readonly (readonly (readonly [number, number])[])[]): boolean {
  const inside = (ring: readonly (readonly [number, number])[]): boolean => {
    let c = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!, [xj, yj] = ring[j]!;
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) c = !c;
    }
    return c;
  };
  return rings.length > 0 && inside(rings[0]!) && !rings.slice(1).some(inside);
}

const h3Resolution = (cell: string): number => Number((BigInt(`0x${cell}`) >> 52n) & 0xfn);

function areaDefs(set: AreaSet, role: AreaRole, ctx: AnalysisContext, label: string): AreaDef[] {
  if (set.districts !== undefined) {
    return set.districts.map((d) => {
      const m = ctx.geography.resolveDistrict(d);
      if (m === undefined) throw new BaseeratError('VALIDATION', `${label}.districts: ${JSON.stringify(d)} is not a known district`, { field: `${label}.districts` });
      const name = m.district;
      return { name, role, kind: 'district' as const, contains: (cols: IncidentColumns, i: number) => cols.districtNames[cols.district[i]!] === name };
    });
  }
  if (set.h3 !== undefined) {
    const byRes = new Map<number, Set<string>>();
    for (const c of set.h3) {
      const r = h3Resolution(c);
      if (!(r >= 0 && r <= 15)) throw new BaseeratError('VALIDATION', `${label}.h3: ${c} is not an H3 cell`, { field: `${label}.h3` });
      let s = byRes.get(r);
      if (s === undefined) byRes.set(r, (s = new Set()));
      s.add(c);
    }
    return [{
      name: `${label} (${set.h3.length} H3 cells)`, role, kind: 'h3',
      contains: (cols, i) => {
        const lat = cols.lat[i]!, lon = cols.lon[i]!;
        if (!Number.isFinite(lat) || !Number.isFinite(lon)) return false;
        for (const [r, s] of byRes) if (s.has(cellOf(lat, lon, r))) return true;
        return false;
      },
    }];
  }
  const polys = set.polygons ?? [];
  return [{
    name: `${label} (${polys.length} polygon${polys.length === 1 ? '' : 's'})`, role, kind: 'polygon',
    contains: (cols, i) => {
      const lat = cols.lat[i]!, lon = cols.lon[i]!;
      return Number.isFinite(lat) && Number.isFinite(lon) && polys.some((p) => inPolygon(lon, lat, p.coordinates as unknown as [number, number][][]));
    },
  }];
}

export async function evaluateMeasureService(ctx: AnalysisContext, measureInput: unknown, options: EvaluateOptions = {}): Promise<EvaluateEnvelope> {
  const parsed = parseMeasure(measureInput);
  if (!parsed.ok) {
    const first = parsed.error[0];
    throw new BaseeratError('VALIDATION', `measure: ${parsed.error.map((e) => `${e.field}: ${e.message}`).join('; ')}`, { field: first === undefined ? 'measure' : `measure.${first.field}` });
  }
  const measure: Measure = parsed.value;
  const methods = [...(options.methods ?? EVALUATION_METHODS)];
  const caveats: Caveat[] = [];
  if (measure.illustrative === true) caveats.push(caveat('ILLUSTRATIVE', 'this measure is declared as illustrative: it is not a real intervention'));

  const startMs = parseAnalysisTime(measure.start, 'measure.start');
  const startMonth = monthLabel(startMs);
  const preMonths = measure.preMonths ?? 36;
  const firstMonth = monthShift(startMonth, -preMonths);
  let lastMonth = monthShift(startMonth, (measure.postMonths ?? 12) - 1);
  if (measure.end !== undefined) {
    const endMonth = monthLabel(parseAnalysisTime(measure.end, 'measure.end'));
    if (endMonth < lastMonth) lastMonth = endMonth;
  }
  const outcome: ResolvedFilter = resolveFilter({
    ...(measure.outcome?.categories === undefined ? {} : { categories: measure.outcome.categories }),
    ...(measure.outcome?.groups === undefined ? {} : { groups: measure.outcome.groups }),
  }, ctx.geography);
  const fromMs = parseAnalysisTime(firstMonth, 'window.from');
  const toMs = parseAnalysisTime(monthShift(lastMonth, 1), 'window.to');
  const cols = await readColumns(ctx, outcome, { fromMs, toMs });
  // A post period that runs past the data would read as a fall to zero.
  let latest = -Infinity;
  for (let i = 0; i < cols.length; i++) if (cols.time[i]! > latest) latest = cols.time[i]!;
  if (Number.isFinite(latest) && monthLabel(latest) < lastMonth) {
    const dataEnd = monthLabel(latest);
    if (dataEnd < startMonth) throw new BaseeratError('INSUFFICIENT_DATA', `the store has no incident after the measure started (${startMonth}); latest ${dataEnd}`, { field: 'measure.start' });
    caveats.push(caveat('POST_PERIOD_CUT', `the data end in ${dataEnd}: the post period is cut there`));
    lastMonth = dataEnd;
  }

  const defs: AreaDef[] = [...areaDefs(measure.treated, 'treated', ctx, 'treated')];
  if (measure.buffer !== undefined) defs.push(...areaDefs(measure.buffer, 'buffer', ctx, 'buffer'));
  let matchingNeeded = false;
  if (measure.comparison !== undefined) {
    defs.push(...areaDefs(measure.comparison, 'comparison', ctx, 'comparison'));
  } else {
    // Candidates: the other districts of the province(s) of the treated and buffer districts or incidents.
    const provinces = new Set<string>();
    const used = new Set(defs.filter((d) => d.kind === 'district').map((d) => d.name));
    for (const d of defs) {
      if (d.kind === 'district') provinces.add(ctx.geography.districts.find((s) => s.name === d.name)?.province ?? '');
    }
    for (let i = 0; i < cols.length; i++) if (defs.some((d) => d.role === 'treated' && d.contains(cols, i))) provinces.add(cols.provinceNames[cols.province[i]!] ?? '');
    provinces.delete('');
    for (const s of ctx.geography.districts) {
      if (!provinces.has(s.province) || used.has(s.name)) continue;
      const name = s.name;
      defs.push({ name, role: 'comparison', kind: 'district', contains: (c, i) => c.districtNames[c.district[i]!] === name });
    }
    matchingNeeded = true;
  }
  const area = new Int32Array(cols.length).fill(-1);
  for (let i = 0; i < cols.length; i++) {
    for (const role of ['treated', 'buffer', 'comparison'] as const) {
      const k = defs.findIndex((d) => d.role === role && d.contains(cols, i));
      if (k >= 0) { area[i] = k; break; }
    }
  }
  let panel = buildMonthlyPanel({ time: cols.time, area, areas: defs.map((d) => ({ name: d.name, role: d.role })), firstMonth, lastMonth, startMonth });
  let matching: EvaluateAnnotations['matching'] = null;
  if (matchingNeeded) {
    // Districts without any pre-period incident cannot be matched on level or trend.
    panel = { ...panel, areas: panel.areas.filter((a) => a.role !== 'comparison' || a.counts.subarray(0, panel.startIndex).some((c) => c > 0)) };
    const m = matchComparisonAreas(panel, measure.matchComparisons ?? 5);
    panel = m.panel;
    matching = { chosen: m.chosen, distances: m.distances };
    caveats.push(caveat('MATCHED_COMPARISONS', `no comparison areas were declared: ${m.chosen.length} district(s) of the same province were chosen by pre-period level and trend (${m.chosen.join(', ')})`));
  }
  const keep = new Set(panel.areas.map((a) => a.name));
  const result = evaluatePanel(panel, { methods });
  const postMonths = monthsBetween(startMonth, lastMonth) + 1;
  const read = (i: number) => area[i]! >= 0 && keep.has(defs[area[i]!]!.name);
  return coveredEnvelope(ctx, 'evaluate', {
    window: { fromMs, toMs: parseAnalysisTime(monthShift(lastMonth, 1), 'window.to') },
    classification: classificationOf(cols, read),
    filter: { ...outcome, fromMs, toMs },
    incidentsRead: cols.length,
    parameters: { methods },
    result,
    annotations: {
      measure: { id: measure.id, name: measure.name, type: measure.type, start: measure.start, end: measure.end ?? null, illustrative: measure.illustrative === true },
      window: { firstMonth, startMonth, lastMonth, preMonths, postMonths },
      areas: defs.filter((d) => keep.has(d.name)).map((d) => ({ name: d.name, role: d.role, kind: d.kind })),
      matching,
      conclusions: result.conclusions,
    } satisfies EvaluateAnnotations,
    caveats,
  });
}
