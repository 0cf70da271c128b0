/**
 * Small fakes for ingest tests, so they do not wait on the real Geography, DuckDB store or linker:
 * a geocoder of two square districts, an in-memory store implementing the part of the Store port
 * the pipeline calls, and two linkers (every report its own incident; a simple same-category,
 * same-district, within-hours linker).
 */
import {
  fnv1a64, incidentIdFor, sourceKey,
  type AreaMatch, type Geocoder, type LinkCandidate, type LinkPlan, type LinkRules, type PlaceMatch, type Report,
} from '@baseerat/engine';
import type { FeedRange, IngestBatch, IngestRun, Page, QuarantineRecord, Store, WriteResult } from '../../src/store/port.js';

interface Square { district: string; province: string; minLat: number; maxLat: number; minLon: number; maxLon: number }

/** Quetta: lat 30.0-30.5, lon 66.8-67.3; Gwadar: lat 25.0-25.5, lon 62.0-62.5 (both Balochistan). */
export const SQUARES: Square[] = [
  { district: 'Quetta', province: 'Balochistan', minLat: 30.0, maxLat: 30.5, minLon: 66.8, maxLon: 67.3 },
  { district: 'Gwadar', province: 'Balochistan', minLat: 25.0, maxLat: 25.5, minLon: 62.0, maxLon: 62.5 },
];

export class FakeGeocoder implements Geocoder {
  calls = 0;
  private readonly aliases = new Map<string, string>([['quetta', 'Quetta'], ['kwatah', 'Quetta'], ['gwadar', 'Gwadar'], ['gawadar', 'Gwadar'], ['turbat', 'Kech'], ['kech', 'Kech']]);
  private readonly places = new Map<string, PlaceMatch>([
    ['hanna urak', { name: 'Hanna Urak', lat: 30.25, lon: 67.1, district: 'Quetta', province: 'Balochistan' }],
    ['pasni', { name: 'Pasni', lat: 25.26, lon: 62.45, district: 'Gwadar', province: 'Balochistan' }],
  ]);
  locate(lat: number, lon: number): AreaMatch | undefined {
    this.calls++;
    const s = SQUARES.find((q) => lat >= q.minLat && lat <= q.maxLat && lon >= q.minLon && lon <= q.maxLon);
    return s === undefined ? undefined : { district: s.district, province: s.province };
  }
  resolveDistrict(name: string): AreaMatch | undefined {
    const d = this.aliases.get(name.trim().toLowerCase());
    return d === undefined ? undefined : { district: d, province: 'Balochistan' };
  }
  findPlace(name: string): PlaceMatch | undefined {
    return this.places.get(name.trim().toLowerCase());
  }
  cell(lat: number, lon: number): string {
    // 15 hex digits like an H3 index; a grid of 0.01 degree cells is enough for tests
    return `87${fnv1a64(`${Math.floor(lat * 100)},${Math.floor(lon * 100)}`).slice(0, 13)}`;
  }
}

/** In-memory Store: the calls the pipeline makes, with the port's semantics (idempotent on agency:sourceId). */
export class FakeStore implements Store {
  readonly reports = new Map<string, { incidentId: string; report: Report }>();
  readonly incidents = new Map<string, Report[]>();
  readonly quarantine: QuarantineRecord[] = [];
  readonly runs: IngestRun[] = [];
  readonly candidateQueries: Array<[number, number]> = [];
  writes = 0;

  async migrate(): Promise<void> {}
  async existingSourceKeys(keys: readonly string[]): Promise<Set<string>> {
    return new Set(keys.filter((k) => this.reports.has(k)));
  }
  async writeBatch(batch: IngestBatch): Promise<WriteResult> {
    this.writes++;
    let inserted = 0, attached = 0, duplicates = 0;
    for (const n of batch.newIncidents) {
      const fresh = n.reports.filter((r) => !this.reports.has(sourceKey(r.source)));
      duplicates += n.reports.length - fresh.length;
      if (fresh.length === 0) continue;
      inserted++;
      this.incidents.set(n.id, [...(this.incidents.get(n.id) ?? []), ...fresh]);
      for (const r of fresh) this.reports.set(sourceKey(r.source), { incidentId: n.id, report: r });
    }
    for (const a of batch.attachments) {
      for (const r of a.reports) {
        if (this.reports.has(sourceKey(r.source))) { duplicates++; continue; }
        attached++;
        this.incidents.get(a.incidentId)?.push(r);
        this.reports.set(sourceKey(r.source), { incidentId: a.incidentId, report: r });
      }
    }
    this.quarantine.push(...batch.quarantine);
    return { inserted, attached, duplicates, quarantined: batch.quarantine.length };
  }
  // as the real stores (conformance: "updates a run by id"): a run recorded again replaces itself
  async recordRun(run: IngestRun): Promise<void> {
    const i = this.runs.findIndex((r) => r.id === run.id);
    if (i >= 0) this.runs[i] = run; else this.runs.push(run);
  }
  async listRuns(): Promise<IngestRun[]> { return [...this.runs]; }
  async listCoverage(): Promise<FeedRange[]> {
    return this.runs.flatMap((r) => (r.coveredFrom === undefined || r.coveredTo === undefined ? [] : [{ agency: r.agency, coveredFrom: r.coveredFrom, coveredTo: r.coveredTo }]))
      .sort((a, b) => (a.coveredFrom < b.coveredFrom ? -1 : a.coveredFrom > b.coveredFrom ? 1 : 0));
  }
  async linkCandidates(fromMs: number, toMs: number): Promise<LinkCandidate[]> {
    this.candidateQueries.push([fromMs, toMs]);
    const out: LinkCandidate[] = [];
    for (const [id, reports] of this.incidents) {
      const r = reports[0]!;
      const t = Date.parse(r.occurredAt);
      if (t < fromMs || t > toMs) continue;
      out.push({
        incidentId: id, time: t, timePrecision: r.timePrecision, lat: r.location.lat ?? Number.NaN, lon: r.location.lon ?? Number.NaN,
        locationPrecision: r.location.precision, district: r.location.district, category: r.category,
        agencies: [...new Set(reports.map((x) => x.source.agency))],
      });
    }
    return out;
  }
  async listQuarantine(page: { offset: number; limit: number }, runId?: string): Promise<Page<QuarantineRecord>> {
    const all = this.quarantine.filter((q) => runId === undefined || q.runId === runId);
    return { items: all.slice(page.offset, page.offset + page.limit), total: all.length, offset: page.offset, limit: page.limit };
  }
  async close(): Promise<void> {}
  reportsOf(): never { throw new Error('FakeStore.reportsOf: not used by ingest'); }
  unlink(): never { throw new Error('FakeStore.unlink: not used by ingest'); }
  getIncident(): never { throw new Error('FakeStore.getIncident: not used by ingest'); }
  listIncidents(): never { throw new Error('FakeStore.listIncidents: not used by ingest'); }
  readColumns(): never { throw new Error('FakeStore.readColumns: not used by ingest'); }
  countIncidents(): never { throw new Error('FakeStore.countIncidents: not used by ingest'); }
  listPoints(): never { throw new Error('FakeStore.listPoints: not used by ingest'); }
  stats(): never { throw new Error('FakeStore.stats: not used by ingest'); }
}

/** Every report becomes its own incident. */
export function trivialLinker(reports: Report[], _c: LinkCandidate[], _r: LinkRules): LinkPlan {
  return { newIncidents: reports.map((r) => ({ id: incidentIdFor(sourceKey(r.source)), reports: [r], links: [] })), attachments: [] };
}

/**
 * Joins a report to a stored candidate or an earlier report of the batch with the same category and
 * district, from another agency, within `maxHours`. Not the real rules (engine/link): enough to see
 * the pipeline pass candidates and attachments through.
 */
export function simpleLinker(reports: Report[], candidates: LinkCandidate[], rules: LinkRules): LinkPlan {
  const plan: LinkPlan = { newIncidents: [], attachments: [] };
  const pool = candidates.map((c) => ({ id: c.incidentId, time: c.time, district: c.district, category: c.category as string, agencies: new Set(c.agencies), stored: true }));
  for (const r of reports) {
    const t = Date.parse(r.occurredAt);
    const hit = pool.find((p) => p.category === r.category && p.district === r.location.district && Math.abs(p.time - t) <= rules.maxHours * 3_600_000 && !p.agencies.has(r.source.agency));
    const link = (id: string) => ({ a: id, b: sourceKey(r.source), rule: 'test', hoursApart: hit === undefined ? 0 : Math.abs(hit.time - t) / 3_600_000 });
    if (hit === undefined) {
      const id = incidentIdFor(sourceKey(r.source));
      plan.newIncidents.push({ id, reports: [r], links: [] });
      pool.push({ id, time: t, district: r.location.district, category: r.category, agencies: new Set([r.source.agency]), stored: false });
    } else if (hit.stored) {
      let a = plan.attachments.find((x) => x.incidentId === hit.id);
      if (a === undefined) { a = { incidentId: hit.id, reports: [], links: [] }; plan.attachments.push(a); }
      a.reports.push(r); a.links.push(link(hit.id));
      hit.agencies.add(r.source.agency);
    } else {
      const n = plan.newIncidents.find((x) => x.id === hit.id)!;
      n.reports.push(r); n.links.push(link(hit.id));
      hit.agencies.add(r.source.agency);
    }
  }
  return plan;
}
