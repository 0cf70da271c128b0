import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseeratError, consolidate, incidentIdFor, sourceKey, type Report } from '@baseerat/engine';
import pg from 'pg';
import { openStore, quarantineRecordId, type FieldCodec, type PostgresStore } from '../../src/store/index.js';
import { asSystem, currentDataScope, newRequestFrame, runInRequestFrame, setFrameScope, type DataScope } from '../../src/store/request-scope.js';
import { describeStoreConformance, pointsOfFullList, pointsReports, report } from './conformance.js';
import { APP_ROLE, createTestDatabase, type TestDatabase } from './pg-test-database.js';

// One database for the file; one schema per store, so that every test starts empty.
let db: TestDatabase;
let n = 0;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db?.drop(); });

const url = () => db.appUrl as `postgres://${string}`;
const fresh = (options: { codec?: FieldCodec } = {}) => openStore(url(), { schema: `s${n++}`, maxConnections: 2, ...options });
const single = (r: Report) => ({ id: incidentIdFor(sourceKey(r.source)), reports: [r], links: [] });
const batch = (reports: Report[]) => ({ newIncidents: reports.map(single), attachments: [], quarantine: [] });

describeStoreConformance('postgres (application role, RLS forced)', () => fresh());

describe('postgres row-level security', () => {
  let store: PostgresStore;
  let schema: string;
  const quetta = report({ sourceId: 'Q1', district: 'Quetta', province: 'Balochistan', narrative: 'quetta event' });
  const quettaSecret = report({ sourceId: 'Q2', district: 'Quetta', classification: 'SECRET' });
  const gwadar = report({ agency: 'levies', sourceId: 'G1', district: 'Gwadar', narrative: 'gwadar event' });
  const nowhere = report({ sourceId: 'N1', precision: 'unknown' });

  beforeAll(async () => {
    schema = `s${n++}`;
    store = await openStore(url(), { schema, maxConnections: 2 });
    await store.writeBatch({ ...batch([quetta, quettaSecret, gwadar, nowhere]), quarantine: [{ runId: 'r', agency: 'levies', origin: 'f.csv', line: 3, raw: 'x', reasons: [] }] });
    await store.recordRun({ id: 'run-1', startedAt: '2024-03-01T00:00:00.000Z', origin: 'f.csv', format: 'csv', agency: 'levies', rowsRead: 5, inserted: 4, attached: 0, duplicates: 0, quarantined: 1 });
  });
  afterAll(async () => { await store?.close(); });

  it('the application role has no BYPASSRLS and every table forces RLS', async () => {
    const role = await db.admin(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`, [APP_ROLE]);
    expect(role.rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
    const tables = await db.admin(
      `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
       WHERE s.nspname = $1 AND c.relkind = 'r' AND c.relname <> 'schema_migrations' ORDER BY c.relname`, [schema]);
    expect(tables.rows.map((r: { relname: string }) => r.relname)).toEqual(['incidents', 'ingest_runs', 'link_history', 'quarantine', 'reports']);
    for (const t of tables.rows as { relrowsecurity: boolean; relforcerowsecurity: boolean; owner: string }[]) {
      expect([t.relrowsecurity, t.relforcerowsecurity, t.owner]).toEqual([true, true, APP_ROLE]);
    }
  });

  it('a store scoped to one district sees only that district, whatever filter it is given', async () => {
    const officer = store.scoped({ districts: ['Quetta'], maxClassification: 'SECRET' });
    // no filter at all: the application "forgot" it
    expect((await officer.listIncidents({}, { offset: 0, limit: 100 })).items.map((i) => i.id).sort())
      .toEqual([single(quetta).id, single(quettaSecret).id].sort());
    expect(await officer.countIncidents({})).toBe(2);
    expect(await officer.countIncidents({ districts: ['Gwadar'] })).toBe(0);
    expect((await officer.readColumns({})).districtNames).toEqual(['Quetta']);
    expect(await officer.getIncident(single(gwadar).id)).toBeUndefined();
    expect(await officer.getIncident(single(nowhere).id)).toBeUndefined();
    expect(await officer.reportsOf(single(gwadar).id)).toEqual([]);
    expect(await officer.existingSourceKeys(['levies:G1', 'police:Q1'])).toEqual(new Set(['police:Q1']));
    const st = await officer.stats();
    expect([st.total, st.reports, st.quarantined, st.byDistrict]).toEqual([2, 2, 0, { Quetta: 2 }]);
    expect(await officer.listRuns()).toEqual([]);
    expect((await officer.listQuarantine({ offset: 0, limit: 10 })).total).toBe(0);
    expect((await officer.linkCandidates(0, Date.parse('2030-01-01'))).map((c) => c.incidentId).sort()).toEqual([single(quetta).id, single(quettaSecret).id].sort());
    // the full-scope store sees everything
    expect(await store.countIncidents({})).toBe(4);
  });

  it('clearance: a CONFIDENTIAL scope does not see SECRET incidents', async () => {
    const reader = store.scoped({ districts: 'all', maxClassification: 'CONFIDENTIAL' });
    expect((await reader.listIncidents({}, { offset: 0, limit: 100 })).items.map((i) => i.id).sort())
      .toEqual([single(quetta).id, single(gwadar).id, single(nowhere).id].sort());
    expect(await reader.getIncident(single(quettaSecret).id)).toBeUndefined();
  });

  it('a scoped store cannot write, and an empty scope sees nothing', async () => {
    const officer = store.scoped({ districts: ['Quetta'], maxClassification: 'SECRET' });
    const e = await officer.writeBatch(batch([report({ sourceId: 'Q9', district: 'Quetta' })])).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(BaseeratError);
    expect((e as BaseeratError).code).toBe('FORBIDDEN');
    expect(await store.existingSourceKeys(['police:Q9'])).toEqual(new Set());
    const none = store.scoped({ districts: [], maxClassification: 'SECRET' });
    expect(await none.countIncidents({})).toBe(0);
    expect(() => store.scoped({ districts: ['Quetta\u001fGwadar'], maxClassification: 'SECRET' })).toThrow(BaseeratError);
  });

  it('raw SQL as the application role: no settings, no rows; a session setting limits even an unfiltered SELECT', async () => {
    const c = new pg.Client({ connectionString: db.appUrl, options: `-c search_path=${schema}` });
    await c.connect();
    try {
      expect((await c.query(`SELECT count(*)::int AS n FROM incidents`)).rows[0]).toEqual({ n: 0 });
      expect((await c.query(`SELECT count(*)::int AS n FROM reports`)).rows[0]).toEqual({ n: 0 });
      await c.query(`BEGIN`);
      await c.query(`SELECT set_config('baseerat.districts', 'Gwadar', true), set_config('baseerat.clearance', '3', true)`);
      expect((await c.query(`SELECT district FROM incidents`)).rows).toEqual([{ district: 'Gwadar' }]);
      expect((await c.query(`SELECT agency, source_id FROM reports`)).rows).toEqual([{ agency: 'levies', source_id: 'G1' }]);
      // neither delete nor update reaches rows outside the scope, and writing needs the full scope
      expect((await c.query(`DELETE FROM incidents WHERE district = 'Quetta'`)).rowCount).toBe(0);
      await expect(c.query(`UPDATE incidents SET killed = 9`)).rejects.toThrow(/row-level security/);
      await c.query(`ROLLBACK`);
    } finally {
      await c.end();
    }
    // the administrator (superuser, RLS bypassed) sees the four rows: the zero above is the policy
    expect((await db.admin(`SELECT count(*)::int AS n FROM ${schema}.incidents`)).rows[0]).toEqual({ n: 4 });
  });

  describe('the request scope (store/request-scope.ts): no parameter, the current request decides', () => {
    const ids = (p: { items: { id: string }[] }) => p.items.map((i) => i.id).sort();
    const inFrame = <T>(scope: DataScope | undefined, fn: () => Promise<T>): Promise<T> => {
      const frame = newRequestFrame();
      return runInRequestFrame(frame, async () => {
        // as the API does: the frame exists first, the scope arrives later (authentication), after an await
        await Promise.resolve();
        if (scope !== undefined) setFrameScope(frame, scope);
        return fn();
      });
    };

    it('outside any request the store keeps its own scope', async () => {
      expect(currentDataScope()).toEqual({ kind: 'outside' });
      expect(await store.countIncidents({})).toBe(4);
    });

    it("inside a request, the full-scope store reads only the request's districts and clearance, whatever filter it is given", async () => {
      const seen = await inFrame({ districts: ['Quetta'], maxClassification: 'CONFIDENTIAL' }, async () => ({
        page: await store.listIncidents({}, { offset: 0, limit: 100 }),
        count: await store.countIncidents({ districts: ['Gwadar'] }),
        secret: await store.getIncident(single(quettaSecret).id),
        columns: (await store.readColumns({})).length,
        stats: await store.stats(),
        runs: await store.listRuns(),
        keys: await store.existingSourceKeys(['levies:G1', 'police:Q1', 'police:Q2']),
      }));
      expect(ids(seen.page)).toEqual([single(quetta).id]);
      expect([seen.count, seen.secret, seen.columns, seen.stats.total, seen.stats.quarantined, seen.runs]).toEqual([0, undefined, 1, 1, 0, []]);
      expect(seen.keys).toEqual(new Set(['police:Q1']));
    });

    it('fails closed: a request whose scope was never set sees nothing and cannot write', async () => {
      const seen = await inFrame(undefined, async () => [await store.countIncidents({}), (await store.stats()).quarantined, (await store.listRuns()).length]);
      expect(seen).toEqual([0, 0, 0]);
      const e = await inFrame(undefined, () => store.writeBatch(batch([report({ sourceId: 'R1', district: 'Quetta' })]))).then(() => undefined, (err: unknown) => err);
      expect((e as BaseeratError).code).toBe('FORBIDDEN');
      // nor can a request scoped to a district write: writing needs the full scope (routes that ingest use asSystem)
      const e2 = await inFrame({ districts: ['Quetta'], maxClassification: 'SECRET' }, () => store.writeBatch(batch([report({ sourceId: 'R1', district: 'Quetta' })])))
        .then(() => undefined, (err: unknown) => err);
      expect((e2 as BaseeratError).code).toBe('FORBIDDEN');
      expect(await store.existingSourceKeys(['police:R1'])).toEqual(new Set());
    });

    it('asSystem inside a request restores the store scope (what the ingest route does after its Cedar check)', async () => {
      const n = await inFrame(undefined, () => asSystem(() => store.countIncidents({})));
      expect(n).toBe(4);
    });

    it('a scoped view inside a request gets the intersection; a second scope only narrows', async () => {
      const officer = store.scoped({ districts: ['Quetta', 'Gwadar'], maxClassification: 'CONFIDENTIAL' });
      expect(await inFrame({ districts: 'all', maxClassification: 'SECRET' }, () => officer.countIncidents({}))).toBe(2);
      expect(await inFrame({ districts: ['Gwadar', 'Kech'], maxClassification: 'SECRET' }, () => officer.countIncidents({}))).toBe(1);
      const frame = newRequestFrame();
      setFrameScope(frame, { districts: ['Quetta'], maxClassification: 'SECRET' });
      setFrameScope(frame, { districts: 'all', maxClassification: 'SECRET' });
      expect(frame.scope).toEqual({ districts: ['Quetta'], maxClassification: 'SECRET' });
      expect(await runInRequestFrame(frame, () => store.countIncidents({}))).toBe(2);
    });

    it('concurrent requests do not see each other\'s scope (interleaved on one pool)', async () => {
      const scopes: DataScope[] = [
        { districts: ['Quetta'], maxClassification: 'SECRET' }, { districts: ['Gwadar'], maxClassification: 'SECRET' },
        { districts: 'all', maxClassification: 'RESTRICTED' }, { districts: [], maxClassification: 'SECRET' },
      ];
      const expected = [[single(quetta).id, single(quettaSecret).id].sort(), [single(gwadar).id], [single(quetta).id, single(gwadar).id, single(nowhere).id].sort(), []];
      const rounds = await Promise.all(Array.from({ length: 24 }, (_, k) => inFrame(scopes[k % 4]!, async () => {
        const out: string[][] = [];
        for (let j = 0; j < 3; j++) out.push(ids(await store.listIncidents({}, { offset: 0, limit: 100 })));
        return out;
      })));
      rounds.forEach((r, k) => { for (const x of r) expect(x).toEqual(expected[k % 4]); });
      expect(currentDataScope()).toEqual({ kind: 'outside' });
    });
  });
});

describe('postgres store specifics', () => {
  it('concurrent writers of overlapping batches store every report exactly once', async () => {
    const schema = `s${n++}`;
    const a = await openStore(url(), { schema, maxConnections: 2 });
    const b = await openStore(url(), { schema, maxConnections: 2 });
    try {
      const rs = Array.from({ length: 300 }, (_, i) => report({ sourceId: `C${i}`, district: 'Kech' }));
      // three writers race over overlapping slices, in small batches
      const slices = [rs.slice(0, 200), rs.slice(100, 300), rs.slice(50, 250)];
      const results = await Promise.all(slices.map(async (slice, w) => {
        const s = w === 1 ? b : a;
        let inserted = 0, duplicates = 0;
        for (let i = 0; i < slice.length; i += 25) {
          const res = await s.writeBatch(batch(slice.slice(i, i + 25)));
          inserted += res.inserted;
          duplicates += res.duplicates;
        }
        return { inserted, duplicates };
      }));
      expect(results.reduce((k, r) => k + r.inserted, 0)).toBe(300);
      expect(results.reduce((k, r) => k + r.duplicates, 0)).toBe(600 - 300);
      expect(await a.countIncidents({})).toBe(300);
      expect((await b.stats()).reports).toBe(300);
      // two writers attaching different reports to one incident: neither report is lost
      const target = single(rs[0]!).id;
      const x = report({ agency: 'fc', sourceId: 'X', receivedAt: '2024-03-01T12:00:00.000Z' });
      const y = report({ agency: 'levies', sourceId: 'Y', receivedAt: '2024-03-01T13:00:00.000Z' });
      await Promise.all([
        a.writeBatch({ newIncidents: [], attachments: [{ incidentId: target, reports: [x], links: [] }], quarantine: [] }),
        b.writeBatch({ newIncidents: [], attachments: [{ incidentId: target, reports: [y], links: [] }], quarantine: [] }),
      ]);
      expect(await a.getIncident(target)).toEqual(consolidate(target, [rs[0]!, x, y], []));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('encodes the sensitive columns through the codec, bound to their record; the stored text is the encoded one', async () => {
    const codec: FieldCodec = {
      encode: (p, field, id) => `enc:${field}:${id}:${p}`,
      decode: (s, field, id) => {
        const head = `enc:${field}:${id}:`;
        if (!s.startsWith(head)) throw new Error(`not encoded for ${field} ${id}: ${s}`);
        return s.slice(head.length);
      },
    };
    const schema = `s${n}`;
    const s = await fresh({ codec });
    try {
      const r = report({ sourceId: 'c1', narrative: 'secret words' });
      const q = { runId: 'r', agency: 'a', origin: 'o', line: 1, raw: 'bad', reasons: [] };
      await s.writeBatch({ ...batch([r]), quarantine: [q] });
      expect((await s.getIncident(single(r).id))?.narrative).toBe('secret words');
      expect((await s.reportsOf(single(r).id))[0]).toEqual(r);
      expect((await s.listQuarantine({ offset: 0, limit: 5 })).items[0]?.raw).toBe('bad');
      const k = sourceKey(r.source);
      const stored = await db.admin(`SELECT (SELECT narrative FROM ${schema}.incidents) AS inc, raw, narrative FROM ${schema}.reports`);
      expect(stored.rows).toEqual([{ inc: `enc:incidents.narrative:${single(r).id}:secret words`, raw: `enc:reports.raw:${k}:raw,c1`, narrative: `enc:reports.narrative:${k}:secret words` }]);
      const qs = await db.admin(`SELECT raw FROM ${schema}.quarantine`);
      expect(qs.rows).toEqual([{ raw: `enc:quarantine.raw:${quarantineRecordId(q)}:bad` }]);
    } finally {
      await s.close();
    }
  });

  it('any text round-trips through the array parameters (quotes, backslashes, braces, commas, NULL, any script) (property)', async () => {
    const s = await fresh();
    try {
      const tricky = fc.constantFrom('"', '\\', '{', '}', ',', 'NULL', 'null', "'", '\n', '\t', ' ', '\u00a0', '\u200f', 'کوئٹہ', '😀');
      const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), tricky), { maxLength: 8 }).map((parts) => parts.join(''));
      let i = 0;
      await fc.assert(fc.asyncProperty(text, text, text, async (narrative, perpetrator, sourceTail) => {
        const r = report({ agency: 'p"o,l{i}ce', sourceId: `S${i++}${sourceTail}`, narrative, perpetrator, targetType: narrative, district: perpetrator === '' ? 'Quetta' : perpetrator });
        const res = await s.writeBatch(batch([r]));
        expect(res.inserted).toBe(1);
        expect(await s.reportsOf(single(r).id)).toEqual([r]);
        expect(await s.getIncident(single(r).id)).toEqual(consolidate(single(r).id, [r], []));
        expect(await s.existingSourceKeys([sourceKey(r.source)])).toEqual(new Set([sourceKey(r.source)]));
      }), { seed: 20261127, numRuns: 40 });
    } finally {
      await s.close();
    }
  });

  it('U+0000, which PostgreSQL text cannot hold, becomes U+FFFD instead of failing the batch', async () => {
    const s = await fresh();
    try {
      const r = report({ sourceId: 'nul\u0000id', narrative: 'before\u0000after' });
      const q = { runId: 'r\u0000', agency: 'a', origin: 'o', line: 1, raw: 'bad\u0000line', reasons: [] };
      expect(await s.writeBatch({ ...batch([r]), quarantine: [q] })).toEqual({ inserted: 1, attached: 0, duplicates: 0, quarantined: 1 });
      const id = incidentIdFor('police:nul\u0000id');
      expect((await s.getIncident(id))?.narrative).toBe('before\uFFFDafter');
      expect((await s.reportsOf(id))[0]?.source.sourceId).toBe('nul\uFFFDid');
      expect((await s.listQuarantine({ offset: 0, limit: 5 })).items[0]?.raw).toBe('bad\uFFFDline');
      // the same batch again is all duplicates: keys are compared after the replacement
      expect(await s.writeBatch({ ...batch([r]), quarantine: [q] })).toEqual({ inserted: 0, attached: 0, duplicates: 1, quarantined: 0 });
      expect(await s.existingSourceKeys(['police:nul\u0000id'])).toEqual(new Set(['police:nul\u0000id']));
    } finally {
      await s.close();
    }
  });

  // the store-agnostic listPoints check is in the conformance suite; this one is PostgreSQL's request scope
  it('listPoints under a request scope: the points of the full list the scope allows', async () => {
    const s = await fresh();
    try {
      const rs = pointsReports();
      await s.writeBatch(batch(rs));
      const scoped = async (fn: () => Promise<unknown>) => {
        const frame = newRequestFrame();
        setFrameScope(frame, { districts: ['Gwadar'], maxClassification: 'RESTRICTED' });
        return runInRequestFrame(frame, fn);
      };
      expect(await scoped(() => s.listPoints({}, 500))).toEqual(await pointsOfFullList(s, { districts: ['Gwadar'], maxClassification: 'RESTRICTED' }, 500));
    } finally {
      await s.close();
    }
  });

  it('migrations are recorded once, also when several processes migrate at once', async () => {
    const schema = `s${n++}`;
    const stores = await Promise.all([0, 1, 2].map(() => openStore(url(), { schema, maxConnections: 1 })));
    await Promise.all(stores.map((s) => s.close()));
    expect((await db.admin(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)).rows).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it('a wrong URL is a CONFIG error naming the host, without the password', async () => {
    const e = await openStore('postgres://someone:hunter2@127.0.0.1:1/nowhere').then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(BaseeratError);
    expect((e as BaseeratError).code).toBe('CONFIG');
    expect((e as BaseeratError).message).toContain('someone:***@127.0.0.1:1');
    expect((e as BaseeratError).message).not.toContain('hunter2');
  });
});
