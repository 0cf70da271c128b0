import { describe, expect, it } from 'vitest';
import { builtinAdapters } from '../../../src/ingest/adapters/index.js';

describe('builtinAdapters registry', () => {
  it('has the four public datasets and the original NIJ layout, each a CSV adapter with a default agency', () => {
    expect(Object.keys(builtinAdapters).sort()).toEqual(['acled', 'gtd', 'portland-nij', 'portland-nij-2016', 'ucdp']);
    expect(Object.fromEntries(Object.entries(builtinAdapters).map(([k, a]) => [k, [a.name, a.reader, a.defaultAgency]]))).toEqual({
      ucdp: ['ucdp-ged', 'csv', 'ucdp'],
      gtd: ['gtd', 'csv', 'gtd'],
      acled: ['acled', 'csv', 'acled'],
      'portland-nij': ['portland-nij', 'csv', 'portland-police'],
      'portland-nij-2016': ['portland-nij-2016', 'csv', 'portland-police'],
    });
    expect(builtinAdapters.ucdp!.csv).toEqual({ skipRowsAfterHeader: 1 });
    expect(builtinAdapters['portland-nij-2016']!.csv).toEqual({ delimiter: ';', trim: true });
  });
});
