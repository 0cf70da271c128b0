/**
 * The release service on real data: UCDP GED events in Balochistan ingested through the real
 * pipeline into a ':memory:' store, an in-memory audit trail, releases written to a temporary
 * directory. Seeded generators here are for reproducible tests only (the manifest says so).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORY_CODES, SeededRng, categoryGroup } from '@baseerat/engine';
import { geometricNoiseSummary } from '@baseerat/engine/privacy/index';
import {
  approveRelease, buildAggregateRelease, CryptoRng, epsilonSpent, parsePartners, partnerBudgets, placeDirectory, runRelease,
  type PartnersFile, type ReleaseDeps,
} from '../../src/release/index.js';
import { checkMicrodataCsv } from '../../src/release-check/index.js';
import { AuditLog, InMemoryAuditStore, decodeAuditEntry } from '../../src/security/audit-log.js';
import type { IncidentColumns, Store } from '../../src/store/index.js';
import { partnersFixture, ucdpBalochistanStore } from './helpers.js';

interface ManifestView {
  releaseId: string;
  privacy: {
    epsilon: number; randomness: string;
    levels: { level: string; epsilon: number; expectedAbsoluteErrorBeforePostProcessing: number }[];
    suppression: { rowsSuppressed: number };
    excludedBeforeSuppression: { timeTooCoarse: number; noPlace: number };
  };
  budget: Record<string, number>;
  files: { name: string; sha256: string }[];
}

let store: Store;
let cols: IncidentColumns;
const places = placeDirectory();
const balochistan = places.filter((p) => p.name === 'Balochistan');
const outRoot = mkdtempSync(join(tmpdir(), 'baseerat-releases-'));
const now = new Date('2026-11-27T09:00:00Z');
const admin = { id: 'u-admin-1', from: 'cli@test' };

beforeAll(async () => {
  store = await ucdpBalochistanStore();
  cols = await store.readColumns({ provinces: ['Balochistan'] });
});
afterAll(async () => { await store?.close(); });

function deps(partners: PartnersFile = partnersFixture(), audit = new AuditLog(new InMemoryAuditStore())): ReleaseDeps {
  return { store, audit, partners, places, now, rng: new SeededRng('release-test') };
}

describe('aggregate release on UCDP Balochistan', () => {
  it('writes data, manifest, dictionary, licence and citation; records the approval; spends the budget', async () => {
    const d = deps();
    const out = join(outRoot, 'agg-1');
    const s = await approveRelease(d, {
      partner: 'uob-criminology', kind: 'aggregate', epsilon: 1, period: { from: '2018-01-01', to: '2022-01-01' }, out, approvedBy: admin,
      groupings: { levels: ['province', 'district'], time: 'month', category: 'group' },
    });
    expect(readdirSync(out).sort()).toEqual(['CITATION', 'LICENSE', 'data-dictionary.md', 'data.csv', 'manifest.json']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ManifestView;
    expect(manifest.releaseId).toBe(s.releaseId);
    expect(manifest.privacy.epsilon).toBe(1);
    expect(manifest.privacy.levels.map((l) => [l.level, l.epsilon])).toEqual([['province', 0.5], ['district', 0.5]]);
    expect(manifest.privacy.levels[1]!.expectedAbsoluteErrorBeforePostProcessing).toBeCloseTo(geometricNoiseSummary(0.5).expectedAbsoluteError, 3);
    expect(manifest.privacy.randomness).toMatch(/NOT suitable/);
    expect(manifest.budget).toMatchObject({ total: 2, spentBefore: 0, spentByThisRelease: 1, spentAfter: 1, remaining: 1 });
    for (const f of manifest.files) {
      expect(createHash('sha256').update(readFileSync(join(out, f.name))).digest('hex'), f.name).toBe(f.sha256);
    }
    // 34 districts + 1 "(district unknown)" + the province, 48 months, 4 groups
    const lines = readFileSync(join(out, 'data.csv'), 'utf8').trim().split('\n');
    expect(balochistan[0]!.districts.length).toBe(34);
    expect(lines.length - 1).toBe(36 * 48 * 4);
    expect(readFileSync(join(out, 'CITATION'), 'utf8')).toContain(s.releaseId);
    expect(readFileSync(join(out, 'LICENSE'), 'utf8')).toMatch(/No re-identification/);
    const entries = (await d.audit.store.read(0, 10)).map((r) => decodeAuditEntry(r.entry));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'release.approve', outcome: 'success', actor: 'u-admin-1', target: s.releaseId, details: { partner: 'uob-criminology', epsilon: 1, budgetBefore: 0, budgetAfter: 1 } });
    expect(await epsilonSpent(d.audit.store, 'uob-criminology')).toBe(1);
    expect((await partnerBudgets(d))[0]).toMatchObject({ epsilonSpent: 1, epsilonRemaining: 1 });
  });

  it('refuses a release that would exceed the budget: nothing written, nothing spent, the refusal audited', async () => {
    const d = deps();
    await approveRelease(d, { partner: 'uob-criminology', kind: 'aggregate', epsilon: 1.5, period: { from: '2020-01-01', to: '2021-01-01' }, out: join(outRoot, 'b-1'), approvedBy: admin });
    const out = join(outRoot, 'b-2');
    await expect(approveRelease(d, { partner: 'uob-criminology', kind: 'aggregate', epsilon: 0.6, period: { from: '2020-01-01', to: '2021-01-01' }, out, approvedBy: admin }))
      .rejects.toThrow(/exceed the budget.*1\.5 of 2/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(outRoot).some((n) => n.endsWith('.partial'))).toBe(false);
    expect(await epsilonSpent(d.audit.store, 'uob-criminology')).toBe(1.5);
    const last = decodeAuditEntry((await d.audit.store.read(1, 2))[0]!.entry);
    expect(last).toMatchObject({ action: 'release.approve', outcome: 'denied', details: { epsilonRequested: 0.6 } });
    // exactly the remainder still fits
    await approveRelease(d, { partner: 'uob-criminology', kind: 'aggregate', epsilon: 0.5, period: { from: '2020-01-01', to: '2021-01-01' }, out: join(outRoot, 'b-3'), approvedBy: admin });
    expect(await epsilonSpent(d.audit.store, 'uob-criminology')).toBe(2);
  });

  it('refuses a kind the partner has not agreed to, an expired agreement, another province, and epsilon <= 0', async () => {
    const base = { partner: 'uob-criminology', period: { from: '2020-01-01', to: '2021-01-01' }, approvedBy: admin } as const;
    await expect(approveRelease(deps(partnersFixture({ kinds: ['aggregate'] })), { ...base, kind: 'microdata', out: join(outRoot, 'r-1') })).rejects.toThrow(/may not receive microdata/);
    const expired = partnersFixture({ agreement: { reference: 'X', signed: '2024-01-01', expires: '2025-12-31' } });
    await expect(approveRelease(deps(expired), { ...base, kind: 'aggregate', epsilon: 0.1, out: join(outRoot, 'r-2') })).rejects.toThrow(/expired/);
    await expect(approveRelease(deps(partnersFixture({ provinces: ['Balochistan'] })), { ...base, kind: 'aggregate', epsilon: 0.1, provinces: ['Sindh'], out: join(outRoot, 'r-3') })).rejects.toThrow(/Sindh/);
    await expect(approveRelease(deps(), { ...base, kind: 'aggregate', epsilon: 0, out: join(outRoot, 'r-4') })).rejects.toThrow(/epsilon/);
    await expect(approveRelease(deps(), { ...base, kind: 'aggregate', epsilon: 0.1, out: join(outRoot, 'r-4'), period: { from: '2021-01-01', to: '2020-01-01' } })).rejects.toThrow(/period.to/);
  });
});

describe('a release the independent checker refuses', () => {
  it('leaves no files, spends no budget, and audits the failure with the checker\'s reason', async () => {
    const d: ReleaseDeps = { ...deps(), independentCheck: () => ({ ok: false, problems: ['class ["2020","Kech"] has 9 rows (k = 10)'] }) };
    const out = join(outRoot, 'refused-by-checker');
    await expect(approveRelease(d, { partner: 'uob-criminology', kind: 'aggregate', epsilon: 0.5, period: { from: '2020-01-01', to: '2021-01-01' }, out, approvedBy: admin }))
      .rejects.toThrow(/independent checker.*9 rows/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(outRoot).some((n) => n.endsWith('.partial'))).toBe(false);
    expect(await epsilonSpent(d.audit.store, 'uob-criminology')).toBe(0);
    expect(decodeAuditEntry((await d.audit.store.read(0, 1))[0]!.entry)).toMatchObject({ action: 'release.approve', outcome: 'failure', details: { epsilonRequested: 0.5 } });
  });
});

describe('measured error of released counts on UCDP Balochistan agrees with the mechanism', () => {
  // One level (districts), all ε on it, months 2008-2021 x 4 groups: 35 x 168 x 4 = 23,520 cells per draw.
  for (const epsilon of [1, 0.5, 0.1]) {
    it(`ε ${epsilon}: mean |noisy - true| over 3 draws within 4 standard errors of 2α/(1-α²)`, () => {
      // True counts counted here from the columns, independently of the builder.
      const known = new Set(balochistan[0]!.districts);
      const exact = new Map<string, number>();
      for (let i = 0; i < cols.length; i++) {
        const t = cols.time[i]!;
        if (cols.timePrecision[i]! > 2 || t < Date.parse('2008-01-01T00:00:00+05:00') || t >= Date.parse('2022-01-01T00:00:00+05:00')) continue;
        const d = cols.district[i]! >= 0 ? cols.districtNames[cols.district[i]!]! : '';
        const key = `${known.has(d) ? d : '(district unknown)'}|${new Date(t + 5 * 3600e3).toISOString().slice(0, 7)}|${categoryGroup(CATEGORY_CODES[cols.category[i]!]!)}`;
        exact.set(key, (exact.get(key) ?? 0) + 1);
      }
      expect([...exact.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(300);
      let abs = 0, n = 0;
      for (let draw = 0; draw < 3; draw++) {
        const b = buildAggregateRelease(cols, balochistan, { from: '2008-01-01', to: '2022-01-01' }, { levels: ['district'] }, epsilon, new SeededRng(`mae-${epsilon}-${draw}`));
        for (const r of b.release.rows) { abs += Math.abs(r.noisy - (exact.get(`${r.district}|${r.period}|${r.category}`) ?? 0)); n++; }
      }
      const t = geometricNoiseSummary(epsilon);
      const sdAbs = Math.sqrt(t.variance - t.expectedAbsoluteError ** 2);
      expect(Math.abs(abs / n - t.expectedAbsoluteError)).toBeLessThan((4 * sdAbs) / Math.sqrt(n));
    });
  }
});

describe('microdata release on UCDP Balochistan', () => {
  it('k-anonymous and l-diverse by the independent checker, no sensitive columns, budget untouched', async () => {
    const d = deps();
    const out = join(outRoot, 'micro-1');
    const s = await approveRelease(d, {
      partner: 'uob-criminology', kind: 'microdata', period: { from: '1989-01-01', to: '2022-01-01' }, out, approvedBy: admin,
      microdata: { time: 'year', place: 'district', sensitive: 'category' },
    });
    const text = readFileSync(join(out, 'data.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('period,province,district,casualty_band,category');
    const v = checkMicrodataCsv(text, { quasiIdentifiers: ['period', 'province', 'district', 'casualty_band'], sensitive: 'category', k: 10, l: 2 });
    expect(v.ok).toBe(true);
    expect(v.smallestClass).toBeGreaterThanOrEqual(10);
    expect(s.rows).toBe(v.rows);
    expect(s.rows).toBeGreaterThan(0);
    const m = s.manifest as unknown as ManifestView;
    expect(m.privacy.suppression.rowsSuppressed + s.rows + m.privacy.excludedBeforeSuppression.timeTooCoarse + m.privacy.excludedBeforeSuppression.noPlace).toBe(cols.length);
    expect(await epsilonSpent(d.audit.store, 'uob-criminology')).toBe(0);
    expect(decodeAuditEntry((await d.audit.store.read(0, 1))[0]!.entry)).toMatchObject({ outcome: 'success', details: { kind: 'microdata', epsilon: 0 } });
  });
  it('province-only microdata at year: no district column, classes re-checked', async () => {
    const s = await approveRelease(deps(), {
      partner: 'uob-criminology', kind: 'microdata', period: { from: '1989-01-01', to: '2022-01-01' }, out: join(outRoot, 'micro-2'), approvedBy: admin,
      microdata: { time: 'year', place: 'province' },
    });
    const text = readFileSync(join(outRoot, 'micro-2', 'data.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('period,province,casualty_band,category');
    expect(checkMicrodataCsv(text, { quasiIdentifiers: ['period', 'province', 'casualty_band'], sensitive: 'category', k: 10, l: 2 }).ok).toBe(true);
    expect(s.rows).toBeGreaterThan(100);
  });
  it('refuses epsilon on a microdata release (it is not DP)', async () => {
    await expect(approveRelease(deps(), { partner: 'uob-criminology', kind: 'microdata', epsilon: 1, period: { from: '2020-01-01', to: '2021-01-01' }, out: join(outRoot, 'm-2'), approvedBy: admin })).rejects.toThrow(/not differentially private/);
  });
});

describe('runRelease, partners file, CryptoRng', () => {
  it('runRelease with an open store and a parsed partners file, default randomness from node:crypto', async () => {
    const audit = new AuditLog(new InMemoryAuditStore());
    const s = await runRelease({ db: store, audit, partners: partnersFixture(), partner: 'uob-criminology', kind: 'aggregate', epsilon: 0.5, period: { from: '2021-01-01', to: '2022-01-01' }, out: join(outRoot, 'run-1'), approvedBy: admin, now });
    expect((s.manifest.privacy as { randomness: string }).randomness).toMatch(/node:crypto/);
  });
  it('the partners file is strict: unknown keys, duplicate ids and a budget <= 0 are refused with the field named', () => {
    const good = partnersFixture();
    expect(parsePartners(good).ok).toBe(true);
    const unknown = parsePartners({ partners: [{ ...good.partners[0], surprise: 1 }] });
    expect(unknown.ok).toBe(false);
    const dup = parsePartners({ partners: [good.partners[0], good.partners[0]] });
    expect(!dup.ok && dup.error.some((e) => /twice/.test(e.message))).toBe(true);
    const zero = parsePartners({ partners: [{ ...good.partners[0], epsilonBudget: 0 }] });
    expect(!zero.ok && zero.error[0]!.field).toBe('partners.0.epsilonBudget');
  });
  it('CryptoRng draws in [0, 1) with mean near 1/2', () => {
    const r = new CryptoRng();
    let s = 0;
    let outside = 0;
    for (let i = 0; i < 20_000; i++) { const x = r.next(); if (!(x >= 0 && x < 1)) outside++; s += x; }
    expect(outside).toBe(0);
    // sd of the mean is 1/sqrt(12 * 20000) = 0.002
    expect(Math.abs(s / 20_000 - 0.5)).toBeLessThan(0.01);
  });
});
