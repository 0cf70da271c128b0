import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadStudyArea, studyAreaContains } from '../../src/forecast/study-area.js';
import { parsePolygonShapefile, readPolygonShapefile } from '../../src/forecast/shapefile-polygons.js';
import { readNijFile } from '../../src/forecast/portland-nij-file.js';

const SHP = 'data/reference/portland-nij/Portland_Police_Districts/Portland_Police_Districts.shp';
interface Ref { records: number; areaSqFt: number; bbox: number[]; probes: { x: number[]; y: number[]; inside: boolean[] }; burglaryInside: number }
const ref = JSON.parse(readFileSync(new URL('./fixtures/forecast-study-area.json', import.meta.url), 'utf8')) as Ref;

describe('police-district study area (reference: R sf)', () => {
  const sa = loadStudyArea(SHP);
  it('reads the 60 polygons and their total area', () => {
    const r = readPolygonShapefile(SHP);
    expect(r.ok && r.value.length).toBe(ref.records);
    expect(Math.abs(sa.area / ref.areaSqFt - 1)).toBeLessThan(1e-9);
    [sa.bbox.minX, sa.bbox.minY, sa.bbox.maxX, sa.bbox.maxY].forEach((v, i) => expect(Math.abs(v - ref.bbox[i]!)).toBeLessThan(1e-6));
  });
  it('point in polygon agrees with sf on 200 random probes and on every burglary call', () => {
    const got = ref.probes.x.map((x, i) => studyAreaContains(sa, x, ref.probes.y[i]!));
    expect(got).toEqual(ref.probes.inside);
    const f = readNijFile('data/reference/portland-nij/portland_cfs_burglary_2012-03_2017-02.csv');
    let inside = 0;
    for (let i = 0; i < f.t.length; i++) if (studyAreaContains(sa, f.x[i]!, f.y[i]!)) inside++;
    expect(inside).toBe(ref.burglaryInside);
  });
  it('a malformed file gives an error, not an exception', () => {
    expect(parsePolygonShapefile(new Uint8Array(50)).ok).toBe(false);
    const buf = new Uint8Array(readFileSync(SHP)).slice(0, 400);
    const r = parsePolygonShapefile(buf);
    expect(r.ok).toBe(false);
  });
});
