import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { districtNeighboursFromTopology } from '../../src/forecast/counts/district-neighbours.js';
import { featuresFromTopology } from '../../src/geo/topology.js';

const topology = JSON.parse(readFileSync(new URL('../../../../data/reference/pakistan-districts-2023/geography.topojson.json', import.meta.url), 'utf8')) as unknown;

describe('district neighbours from shared TopoJSON boundaries', () => {
  const names = featuresFromTopology(topology).features.filter((f) => f.properties?.province === 'Balochistan').map((f) => f.properties!.name as string);
  const nb = districtNeighboursFromTopology(topology, names);
  it('are symmetric, never include the district itself, and every Balochistan district has at least one', () => {
    expect(names.length).toBe(34);
    nb.forEach((list, i) => {
      expect(list).not.toContain(i);
      expect(list.length).toBeGreaterThan(0);
      for (const j of list) expect(nb[j]).toContain(i);
    });
  });
  it('Quetta borders Pishin and Mastung, not Gwadar', () => {
    const q = nb[names.indexOf('Quetta')]!.map((j) => names[j]);
    expect(q).toContain('Pishin');
    expect(q).toContain('Mastung');
    expect(q).not.toContain('Gwadar');
  });
  it('names a district missing from the topology', () => {
    expect(() => districtNeighboursFromTopology(topology, ['Atlantis'])).toThrow(/Atlantis/);
  });
});
