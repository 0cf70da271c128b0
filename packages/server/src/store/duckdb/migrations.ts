/**
 * Versioned schema of the DuckDB store. A migration is appended, never edited once released: the
 * version number is what `schema_migrations` records, so editing one would leave existing files
 * on a schema nobody can reproduce. Each migration runs in its own transaction.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
  /** Work that SQL statements alone cannot express (a loop), run after `statements` in the same transaction. */
  run?: (conn: DuckDBConnection) => Promise<void>;
}

/** Incidents copied per statement by migration 4: a bounded join, so that it runs within a small memory_limit. */
const MIGRATION_4_CHUNK = 100_000;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'incidents, reports, quarantine, ingest runs',
    statements: [
      `CREATE TABLE incidents (
        id VARCHAR PRIMARY KEY,
        occurred_at TIMESTAMP NOT NULL,
        time_precision VARCHAR NOT NULL,
        reported_at TIMESTAMP,
        lat DOUBLE,
        lon DOUBLE,
        location_precision VARCHAR NOT NULL,
        district VARCHAR,
        province VARCHAR,
        h3 VARCHAR,
        place_name VARCHAR,
        category VARCHAR NOT NULL,
        category_group VARCHAR NOT NULL,
        killed INTEGER NOT NULL,
        injured INTEGER NOT NULL,
        abducted INTEGER NOT NULL,
        target_type VARCHAR,
        perpetrator VARCHAR,
        narrative VARCHAR,
        classification VARCHAR NOT NULL,
        classification_rank TINYINT NOT NULL,
        reporting_mode VARCHAR NOT NULL,
        source_count INTEGER NOT NULL,
        links JSON NOT NULL
      )`,
      // No ART index on occurred_at or district: DuckDB answers range and low-selectivity filters
      // from the min-max index (zonemap) it keeps for every column block, and uses ART indexes only
      // for point look-ups and very selective (< 0.1 %) filters; an ART index here would only slow
      // every insert. See docs/store.md ("Indexes"). The PostgreSQL store declares B-tree indexes.
      `CREATE TABLE reports (
        seq BIGINT NOT NULL,
        agency VARCHAR NOT NULL,
        source_id VARCHAR NOT NULL,
        incident_id VARCHAR NOT NULL,
        received_at TIMESTAMP NOT NULL,
        format VARCHAR NOT NULL,
        raw VARCHAR NOT NULL,
        narrative VARCHAR,
        fields JSON NOT NULL,
        UNIQUE (agency, source_id)
      )`,
      // reportsOf / getIncident look up the reports of one incident: a point query.
      `CREATE INDEX reports_incident ON reports (incident_id)`,
      `CREATE TABLE quarantine (
        seq BIGINT NOT NULL,
        run_id VARCHAR NOT NULL,
        agency VARCHAR NOT NULL,
        origin VARCHAR NOT NULL,
        line INTEGER NOT NULL,
        raw VARCHAR NOT NULL,
        reasons JSON NOT NULL,
        UNIQUE (run_id, origin, line)
      )`,
      `CREATE TABLE ingest_runs (
        id VARCHAR PRIMARY KEY,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        origin VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        agency VARCHAR NOT NULL,
        rows_read BIGINT NOT NULL,
        inserted BIGINT NOT NULL,
        attached BIGINT NOT NULL,
        duplicates BIGINT NOT NULL,
        quarantined BIGINT NOT NULL
      )`,
      // What `unlink` took apart, so that no link is lost without trace.
      `CREATE TABLE link_history (
        seq BIGINT NOT NULL,
        action VARCHAR NOT NULL,
        incident_id VARCHAR NOT NULL,
        source_key VARCHAR NOT NULL,
        new_incident_id VARCHAR NOT NULL,
        remaining_incident_id VARCHAR NOT NULL,
        removed_links JSON NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    // DuckDB keeps every ART index (primary key, unique key, CREATE INDEX) whole in memory and counts
    // it against memory_limit; it cannot spill it. At 5,000,000 reports the three indexes of version 1
    // needed several hundred MB, and a 256 MB limit failed near 3,000,000 rows (docs/benchmarks.md,
    // "Ingest"). None of them is needed:
    // - incidents.id and reports (agency, source_id) are kept unique by the store itself: it is the
    //   file's only writer (DuckDB's file lock across processes, `openStore`/`openEmbedded`'s
    //   registry within one), its writes are serialised, and it checks every new id and source key
    //   against 52-bit hashes of all stored ones (loaded from the tables on first use, so a
    //   reopened store knows them) and confirms each hash hit by SQL before it writes. The ART key
    //   never protected more: a second writer has its own, empty, in-memory index.
    // - reports_incident served point look-ups (reportsOf, getIncident): a scan of one VARCHAR
    //   column, which DuckDB runs on all threads, answers those (docs/store.md, "Indexes").
    // DuckDB cannot drop a primary or unique key, so both tables are rebuilt: same columns, same order.
    name: 'no ART indexes on incidents and reports (store-enforced keys)',
    statements: [
      `CREATE TABLE incidents_v2 (
        id VARCHAR NOT NULL,
        occurred_at TIMESTAMP NOT NULL,
        time_precision VARCHAR NOT NULL,
        reported_at TIMESTAMP,
        lat DOUBLE,
        lon DOUBLE,
        location_precision VARCHAR NOT NULL,
        district VARCHAR,
        province VARCHAR,
        h3 VARCHAR,
        place_name VARCHAR,
        category VARCHAR NOT NULL,
        category_group VARCHAR NOT NULL,
        killed INTEGER NOT NULL,
        injured INTEGER NOT NULL,
        abducted INTEGER NOT NULL,
        target_type VARCHAR,
        perpetrator VARCHAR,
        narrative VARCHAR,
        classification VARCHAR NOT NULL,
        classification_rank TINYINT NOT NULL,
        reporting_mode VARCHAR NOT NULL,
        source_count INTEGER NOT NULL,
        links JSON NOT NULL
      )`,
      `INSERT INTO incidents_v2 SELECT * FROM incidents ORDER BY occurred_at, id`,
      `DROP TABLE incidents`,
      `ALTER TABLE incidents_v2 RENAME TO incidents`,
      `CREATE TABLE reports_v2 (
        seq BIGINT NOT NULL,
        agency VARCHAR NOT NULL,
        source_id VARCHAR NOT NULL,
        incident_id VARCHAR NOT NULL,
        received_at TIMESTAMP NOT NULL,
        format VARCHAR NOT NULL,
        raw VARCHAR NOT NULL,
        narrative VARCHAR,
        fields JSON NOT NULL
      )`,
      `INSERT INTO reports_v2 SELECT * FROM reports ORDER BY seq`,
      // drops reports_incident with the table
      `DROP TABLE reports`,
      `ALTER TABLE reports_v2 RENAME TO reports`,
    ],
  },
  {
    version: 3,
    // How a reports row keeps its two confidential texts (rows.ts `reportRow`/`decodeRecord`):
    // NULL (rows written before) = `raw` and `narrative` in their own columns, each encoded alone
    // (fields reports.raw, reports.narrative); 2 = `raw` holds the JSON pair [raw, narrative or
    // null] encoded once (field reports.record) and `narrative` is NULL. One encryption per report
    // instead of two; old rows keep decoding as they were written.
    name: 'reports.layout: raw record and narrative encoded as one value',
    statements: [`ALTER TABLE reports ADD COLUMN layout TINYINT`],
  },
  {
    version: 4,
    // Point look-ups without an ART index (version 2 dropped them for their memory). Incident ids
    // are hashes, so a look-up by id scanned the whole `id` column (5,000,000 incidents: 210 ms at
    // load 5, 1.8 s at load 21). Now every incidents row has `seq`, increasing in the order rows are
    // appended (a re-consolidated incident is deleted and appended again with a new seq), so the
    // table is physically sorted by seq and DuckDB's zonemaps skip every row group but one for
    // a seq range; the store keeps id hash -> seq block in memory (hash-set-52.ts IncidentSeqIndex) and confirms
    // with `AND id = $id`. `rep_lo`/`rep_hi` bound the `reports.seq` of the incident's reports
    // (reports are appended in seq order, so a range prunes too): reportsOf and the sources of
    // getIncident read `reports WHERE seq BETWEEN rep_lo AND rep_hi AND incident_id = $id`.
    // The table is rebuilt in its physical order: seq = rowid + 1, increasing in that order. One
    // INSERT ... SELECT with the report ranges joined and row_number() ran out of memory at a 128 MB
    // memory_limit on 1,000,000 incidents (bench/store/migration-v4.bench.ts), so the ranges are
    // first joined to the incidents' rowids alone (narrow rows, which DuckDB can spill) into a temp
    // table, and the rows are copied in rowid chunks of MIGRATION_4_CHUNK, each joined to its own
    // rowid range of that table (5,000,000 incidents: 15 s; joining each chunk by id to all the
    // ranges took 142 s).
    name: 'incidents.seq, rep_lo, rep_hi: point look-ups pruned by zonemaps',
    statements: [
      `CREATE TABLE incidents_v4 (
        id VARCHAR NOT NULL,
        occurred_at TIMESTAMP NOT NULL,
        time_precision VARCHAR NOT NULL,
        reported_at TIMESTAMP,
        lat DOUBLE,
        lon DOUBLE,
        location_precision VARCHAR NOT NULL,
        district VARCHAR,
        province VARCHAR,
        h3 VARCHAR,
        place_name VARCHAR,
        category VARCHAR NOT NULL,
        category_group VARCHAR NOT NULL,
        killed INTEGER NOT NULL,
        injured INTEGER NOT NULL,
        abducted INTEGER NOT NULL,
        target_type VARCHAR,
        perpetrator VARCHAR,
        narrative VARCHAR,
        classification VARCHAR NOT NULL,
        classification_rank TINYINT NOT NULL,
        reporting_mode VARCHAR NOT NULL,
        source_count INTEGER NOT NULL,
        links JSON NOT NULL,
        seq BIGINT NOT NULL,
        rep_lo BIGINT NOT NULL,
        rep_hi BIGINT NOT NULL
      )`,
      `CREATE OR REPLACE TEMP TABLE migration_4_ranges AS
       SELECT i.rowid AS rid, r.lo, r.hi FROM incidents i
       JOIN (SELECT incident_id, min(seq) AS lo, max(seq) AS hi FROM reports GROUP BY incident_id) r ON r.incident_id = i.id`,
    ],
    run: async (conn) => {
      const last = Number((await conn.runAndReadAll(`SELECT coalesce(max(rowid), -1)::DOUBLE FROM incidents`)).getRowsJS()[0]?.[0] ?? -1);
      for (let from = 0; from <= last; from += MIGRATION_4_CHUNK) {
        await conn.run(
          `INSERT INTO incidents_v4
           SELECT i.* EXCLUDE (rid), i.rid + 1, coalesce(r.lo, 0), coalesce(r.hi, 0)
           FROM (SELECT *, rowid AS rid FROM incidents WHERE rowid BETWEEN $from AND $to) i
           LEFT JOIN (SELECT * FROM migration_4_ranges WHERE rid BETWEEN $from AND $to) r ON r.rid = i.rid
           ORDER BY i.rid`,
          { from: BigInt(from), to: BigInt(from + MIGRATION_4_CHUNK - 1) },
        );
      }
      await conn.run(`DROP TABLE migration_4_ranges`);
      await conn.run(`DROP TABLE incidents`);
      await conn.run(`ALTER TABLE incidents_v4 RENAME TO incidents`);
    },
  },
  {
    version: 5,
    // Feed coverage: the time range of the records each run carried, so that analyses tell a month
    // without data from a month without incidents (port.ts IngestRun.coveredFrom). Runs recorded
    // before knew no range; the reports do not name their run, so each gets its agency's earliest
    // and latest incident: a gap inside one agency's history loaded before stays invisible, a gap
    // between agencies (UCDP to 2021, a feed for 2024) shows.
    name: 'ingest_runs.covered_from, covered_to: the time range each run carried',
    statements: [
      `ALTER TABLE ingest_runs ADD COLUMN covered_from TIMESTAMP`,
      `ALTER TABLE ingest_runs ADD COLUMN covered_to TIMESTAMP`,
      `UPDATE ingest_runs SET covered_from = c.lo, covered_to = c.hi
       FROM (SELECT r.agency, min(i.occurred_at) AS lo, max(i.occurred_at) AS hi
             FROM reports r JOIN incidents i ON i.id = r.incident_id GROUP BY r.agency) c
       WHERE c.agency = ingest_runs.agency`,
    ],
  },
];

/** Applies the migrations not yet recorded; returns the versions applied. Idempotent. */
export async function migrate(conn: DuckDBConnection, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await conn.run(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL)`);
  const done = new Set(
    (await conn.runAndReadAll(`SELECT version FROM schema_migrations`)).getRowsJS().map((r) => Number(r[0])),
  );
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const s of m.statements) await conn.run(s);
      await m.run?.(conn);
      await conn.run(`INSERT INTO schema_migrations (version, name) VALUES ($v, $n)`, { v: m.version, n: m.name });
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK');
      throw e;
    }
    applied.push(m.version);
  }
  return applied;
}
