import { describe, expect, it } from 'vitest';
import { ReportSchema, categoryGroup, sourceKey } from '../../src/domain/index.js';
import { SeededRng } from '../../src/random/index.js';
import { clustersFromPlan, linkBatch, scoreLinking } from '../../src/link/index.js';
import type { ProvinceFeedOptions } from '../../src/synth/index.js';
import { generateProvinceFeed, generateTrueIncidents, syntheticMappingFiles } from '../../src/synth/index.js';
import { boxGeometry } from './box-geometry.js';

const geometry = boxGeometry();
const base: ProvinceFeedOptions = { seed: 1, start: '2024-01-01T00:00:00Z', end: '2024-04-01T00:00:00Z', incidents: 1500, geometry, malformedShare: 0.03 };

describe('generateProvinceFeed', () => {
  const feed = generateProvinceFeed(base);

  it('is deterministic: the same seed gives the same lines, reports and truth; another seed differs', () => {
    const again = generateProvinceFeed(base);
    expect(again.feeds.map((f) => f.lines)).toEqual(feed.feeds.map((f) => f.lines));
    expect(again.truth).toEqual(feed.truth);
    expect(again.reports).toEqual(feed.reports);
    const other = generateProvinceFeed({ ...base, seed: 2 });
    expect(other.feeds[0]!.lines).not.toEqual(feed.feeds[0]!.lines);
  });

  it('truth incidents lie in their district, inside the window, sorted, with Hawkes parents earlier', () => {
    const inc = feed.truth.incidents;
    expect(inc.length).toBeGreaterThan(1200);
    expect(inc.length).toBeLessThan(1800);
    const ids = new Map(inc.map((i) => [i.id, i]));
    let prev = '';
    let offspring = 0;
    for (const i of inc) {
      expect(i.occurredAt >= '2024-01-01T00:00:00.000Z' && i.occurredAt < '2024-04-01T00:00:00.000Z').toBe(true);
      expect(i.occurredAt >= prev).toBe(true);
      prev = i.occurredAt;
      expect(geometry.locate(i.lat, i.lon)).toBe(i.district);
      if (i.parentId !== undefined) {
        offspring++;
        expect(ids.get(i.parentId)!.occurredAt < i.occurredAt).toBe(true);
      }
    }
    // branching ratio 0.4: about 40% of incidents are offspring (fewer: late offspring fall after the end)
    expect(offspring / inc.length).toBeGreaterThan(0.3);
    expect(offspring / inc.length).toBeLessThan(0.45);
  });

  it('seasonality and base rates show: more terrorism where UCDP saw more; Quetta leads crime', () => {
    const big = generateTrueIncidents({ ...base, end: '2025-01-01T00:00:00Z', incidents: 10_000, branchingRatio: 0 }, new SeededRng(5));
    const count = (pred: (d: string, g: string) => boolean) => big.filter((i) => pred(i.district, categoryGroup(i.category))).length;
    // UCDP: Dera Bugti 86 events vs Sherani 3
    expect(count((d, g) => d === 'Dera Bugti' && g === 'terrorism')).toBeGreaterThan(5 * count((d, g) => d === 'Sherani' && g === 'terrorism'));
    const crime = new Map<string, number>();
    for (const i of big) if (categoryGroup(i.category) === 'crime') crime.set(i.district, (crime.get(i.district) ?? 0) + 1);
    expect([...crime].sort((a, b) => b[1] - a[1])[0]![0]).toBe('Quetta');
    // June (factor 1.2) busier than January (0.8) per day
    const jun = big.filter((i) => i.occurredAt.startsWith('2024-06')).length / 30;
    const jan = big.filter((i) => i.occurredAt.startsWith('2024-01')).length / 31;
    expect(jun / jan).toBeGreaterThan(1.3);
  });

  it('every report is valid, its raw line is the file line the truth names, and ids are unique', () => {
    const lineOf = new Map(feed.feeds.map((f) => [f.agency, f.lines]));
    const byKey = new Map(feed.truth.reports.map((t) => [`${t.agency}:${t.sourceId}`, t]));
    expect(byKey.size).toBe(feed.reports.length);
    for (const r of feed.reports) {
      expect(ReportSchema.safeParse(r).success).toBe(true);
      const t = byKey.get(sourceKey(r.source))!;
      expect(lineOf.get(t.agency)![t.line - 1]).toBe(r.source.raw);
    }
  });

  it('malformed rows are what the truth says, and none of them became a report', () => {
    const maps = syntheticMappingFiles();
    const reported = new Set(feed.reports.map((r) => sourceKey(r.source)));
    const reasons = new Set<string>();
    for (const m of feed.truth.malformed) {
      reasons.add(m.reason);
      const f = feed.feeds.find((x) => x.agency === m.agency)!;
      const line = f.lines[m.line - 1]!;
      if (m.reason === 'blank-line') { expect(line).toBe(''); continue; }
      expect(reported.has(`${m.agency}:${m.sourceId}`)).toBe(false);
      expect(line.startsWith(f.mapping.reader === 'csv' ? `${m.sourceId},` : `{"report_id":"${m.sourceId}"`)).toBe(true);
      const field = maps[m.agency].fields.category!;
      if (m.reason === 'unknown-category') {
        const labels = Object.keys(field.map!);
        expect(labels.some((l) => line.includes(`,${l},`) || line.includes(`"${l}"`))).toBe(false);
      }
      if (m.reason === 'truncated-json') expect(() => JSON.parse(line)).toThrow();
      if (m.reason === 'broken-quoting') expect(line).toMatch(/"[^",]*"x/);
    }
    expect(reasons).toEqual(new Set(['blank-line', 'bad-date', 'coordinates-outside-pakistan', 'unknown-category', 'broken-quoting', 'truncated-json']));
    const rows = feed.feeds.reduce((s, f) => s + f.lines.length - (f.mapping.reader === 'csv' ? 1 : 0), 0);
    expect(feed.reports.length + feed.truth.malformed.length).toBe(rows);
  });

  it('every agency keeps to its habits: levies have no coordinates except gazetteer places, ctd only terrorism', () => {
    const incidents = new Map(feed.truth.incidents.map((i) => [i.id, i]));
    const truth = new Map(feed.truth.reports.map((t) => [`${t.agency}:${t.sourceId}`, t.incidentId]));
    for (const r of feed.reports) {
      if (r.source.agency === 'levies') expect(['district', 'near']).toContain(r.location.precision);
      if (r.source.agency === 'ctd') expect(categoryGroup(r.category)).toBe('terrorism');
      if (r.source.agency === 'rescue1122') {
        // only incidents with casualties reach the emergency line, and it records no abductions
        const t = incidents.get(truth.get(sourceKey(r.source))!)!;
        expect(t.killed + t.injured).toBeGreaterThan(0);
        expect(r.severity.abducted).toBe(0);
      }
    }
    expect(new Set(feed.reports.map((r) => r.source.agency))).toEqual(new Set(['police', 'levies', 'fc', 'ctd', 'rescue1122']));
  });

  it('linking the generated reports reaches pairwise precision and recall >= 0.95 (box districts)', () => {
    const plan = linkBatch(feed.reports, []);
    const truth = new Map(feed.truth.reports.map((t) => [`${t.agency}:${t.sourceId}`, t.incidentId]));
    const s = scoreLinking(clustersFromPlan(plan), truth);
    expect(s.truePairs).toBeGreaterThan(500);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
    expect(s.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('rejects bad options with the field named', () => {
    expect(() => generateProvinceFeed({ ...base, end: '2023-01-01T00:00:00Z' })).toThrow(/end/);
    expect(() => generateProvinceFeed({ ...base, malformedShare: 0.9 })).toThrow(/malformedShare/);
    expect(() => generateProvinceFeed({ ...base, branchingRatio: 1.2 })).toThrow(/branchingRatio/);
  });
});
