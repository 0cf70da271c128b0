/**
 * Report `i` of the benches' one-report incidents, shaped like a row of the police bench file
 * (bench/ingest/ingest.bench.ts): one a minute from 2015-01-01, in Quetta. Shared by
 * bench/ingest/row-encoding.bench.ts and bench/store/write-path.bench.ts.
 */
import type { Report } from '@baseerat/engine';

export function policeBenchReport(i: number): Report {
  const sourceId = `FIR-B-${String(i).padStart(8, '0')}`;
  return {
    occurredAt: new Date(Date.UTC(2015, 0, 1) + i * 60_000).toISOString(),
    timePrecision: 'exact',
    location: { lat: 30.18 + (i % 100) / 1e4, lon: 66.99, precision: 'exact', district: 'Quetta', province: 'Balochistan', h3: '8742d1a2bffffff' },
    category: 'TI.BOMB',
    severity: { killed: i % 3, injured: 0, abducted: 0 },
    classification: 'RESTRICTED',
    reportingMode: 'unknown',
    targetType: 'police',
    narrative: `bombing reported near Satellite Town ${i}`,
    source: {
      agency: 'police', sourceId, receivedAt: '2025-01-01T00:00:00.000Z', format: 'police',
      raw: `${sourceId},2015-01-01T05:00:00,30.18000,66.99000,Quetta,Bombing,0,0,0,police,"bombing reported near Satellite Town ${i}",RESTRICTED,`,
    },
  };
}
