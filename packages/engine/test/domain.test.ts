import { describe, expect, it } from 'vitest';
import {
  CATEGORY_CODES, TAXONOMY, ReportSchema, dominates, highestClassification, categoryGroup,
} from '../src/domain/index.js';

describe('domain', () => {
  it('taxonomy codes are unique and every group is used', () => {
    expect(new Set(CATEGORY_CODES).size).toBe(TAXONOMY.length);
    expect(new Set(TAXONOMY.map((d) => d.group))).toEqual(new Set(['terrorism', 'crime', 'public_order', 'security_operations']));
    expect(categoryGroup('TI.SUICIDE')).toBe('terrorism');
  });

  it('clearance dominance and highest classification', () => {
    expect(dominates('SECRET', 'CONFIDENTIAL')).toBe(true);
    expect(dominates('RESTRICTED', 'CONFIDENTIAL')).toBe(false);
    expect(highestClassification(['RESTRICTED', 'SECRET', 'UNCLASSIFIED'])).toBe('SECRET');
    expect(highestClassification([])).toBe('UNCLASSIFIED');
  });

  it('report schema is strict and names the bad field', () => {
    const good = {
      occurredAt: '2024-03-01T10:15:00.000Z', timePrecision: 'exact',
      location: { lat: 30.18, lon: 66.99, precision: 'exact', district: 'Quetta' },
      category: 'TI.BOMB', severity: { killed: 2, injured: 5, abducted: 0 },
      classification: 'RESTRICTED', reportingMode: 'public',
      source: { agency: 'police', sourceId: 'P-1', receivedAt: '2024-03-01T11:00:00.000Z', format: 'csv', raw: 'x' },
    };
    expect(ReportSchema.safeParse(good).success).toBe(true);
    const bad = ReportSchema.safeParse({ ...good, category: 'NOPE', extra: 1 });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.') || i.code);
    expect(paths).toContain('category');
  });
});
