import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportSchema, sourceKey } from '@baseerat/engine';
import { clustersFromPlan, linkBatch, scoreLinking } from '@baseerat/engine/link/index';
import { shippedGeometry, shippedPlaces, writeSyntheticFeed } from '../../src/generate/index.js';
import { readLine } from './mapping-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'baseerat-feed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const geometry = shippedGeometry();
const places = shippedPlaces(geometry);

describe('writeSyntheticFeed (shipped 2023 polygons and gazetteer)', () => {
  const result = writeSyntheticFeed(dir, { seed: 3, start: '2024-03-01T00:00:00Z', end: '2024-05-01T00:00:00Z', ratePerDay: 30, malformedShare: 0.02 });
  const { feed } = result;

  it('writes each feed, its mapping file and the truth, and they read back identical', () => {
    for (const f of feed.feeds) {
      expect(readFileSync(join(dir, f.fileName), 'utf8')).toBe(f.lines.join('\n') + '\n');
      expect(JSON.parse(readFileSync(join(dir, 'mappings', `${f.agency}.json`), 'utf8'))).toEqual(f.mapping);
    }
    expect(JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(feed.truth)));
    expect(result.files).toHaveLength(11);
    expect(result.reports + result.malformed).toBe(result.rows);
  });

  it('places every incident inside its real district polygon, and levies name real gazetteer places', () => {
    for (const i of feed.truth.incidents) expect(geometry.locate(i.lat, i.lon)).toBe(i.district);
    const names = new Set(places.map((p) => p.name));
    const levies = feed.reports.filter((r) => r.source.agency === 'levies' && r.location.placeName !== undefined);
    expect(levies.length).toBeGreaterThan(50);
    for (const r of levies) expect(names.has(r.location.placeName!)).toBe(true);
  });

  it('reading each row with its mapping file gives exactly the Report the generator emitted; malformed rows fail', () => {
    const expected = new Map(feed.reports.map((r) => [sourceKey(r.source), r]));
    const malformed = new Map(feed.truth.malformed.map((m) => [`${m.agency}:${m.line}`, m]));
    const ctx = { geometry, places, receivedAt: feed.reports[0]!.source.receivedAt };
    let read = 0, rejected = 0;
    for (const f of feed.feeds) {
      const header = f.mapping.reader === 'csv' ? f.lines[0]!.split(',') : undefined;
      f.lines.forEach((line, i) => {
        if (header !== undefined && i === 0) return;
        const m = malformed.get(`${f.agency}:${i + 1}`);
        if (line === '') { expect(m?.reason).toBe('blank-line'); return; }
        const res = readLine(f.mapping, header, line, ctx);
        if (m !== undefined) {
          expect(res.ok, `${f.agency} line ${i + 1} (${m.reason}) should be rejected`).toBe(false);
          rejected++;
          return;
        }
        expect(res.ok, `${f.agency} line ${i + 1}: ${res.ok ? '' : res.why}`).toBe(true);
        if (!res.ok) return;
        expect(ReportSchema.safeParse(res.report).success).toBe(true);
        expect(res.report).toEqual(expected.get(sourceKey(res.report.source)));
        read++;
      });
    }
    expect(read).toBe(feed.reports.length);
    expect(rejected).toBe(feed.truth.malformed.filter((m) => m.quarantine).length);
  });

  it('end to end: rows -> Reports -> linkBatch reaches pairwise precision and recall >= 0.95', () => {
    const plan = linkBatch(feed.reports, []);
    const truth = new Map(feed.truth.reports.map((t) => [`${t.agency}:${t.sourceId}`, t.incidentId]));
    const s = scoreLinking(clustersFromPlan(plan), truth);
    expect(s.truePairs).toBeGreaterThan(1000);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
    expect(s.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('rejects a bad window or both incidents and rate', () => {
    expect(() => writeSyntheticFeed(dir, { seed: 1, start: '2024-05-01T00:00:00Z', end: '2024-03-01T00:00:00Z' })).toThrow(/start/);
    expect(() => writeSyntheticFeed(dir, { seed: 1, start: '2024-03-01T00:00:00Z', end: '2024-05-01T00:00:00Z', incidents: 10, ratePerDay: 3 })).toThrow(/incidents/);
  });
});
