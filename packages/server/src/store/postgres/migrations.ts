/**
 * Versioned schema of the PostgreSQL store, the counterpart of `../duckdb/migrations.ts` (same
 * tables, same columns, same meaning). A migration is appended, never edited once released.
 *
 * Row-level security is part of the schema: every table has RLS enabled *and forced* (so that the
 * owning role is subject to it too), with policies keyed on two per-transaction settings that the
 * store sets with `set_config(..., true)` (= `SET LOCAL`) at the start of every transaction:
 *
 * - `baseerat.districts`: `*` for every district, else the visible district names joined by the
 *   unit separator U+001F (a character no district name contains);
 * - `baseerat.clearance`: the highest visible classification rank (0 UNCLASSIFIED .. 3 SECRET).
 *
 * A session that sets neither sees nothing and can write nothing: the policies fail closed. Only the
 * full scope (every district, clearance 3) may write; a session scoped to every district may read
 * quarantine, ingest runs and link history, and no narrower session may.
 * Superusers and roles with BYPASSRLS skip all this, so the application must connect as a role
 * without BYPASSRLS (docs/operations.md, "PostgreSQL roles").
 */

export interface PostgresMigration {
  version: number;
  name: string;
  statements: readonly string[];
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'incidents, reports, quarantine, ingest runs, link history; row-level security',
    statements: [
      // ids and keys compare bytewise ("C"), as in DuckDB and JavaScript: the (occurred_at, id) order
      // and every page boundary are then the same on both stores whatever the database's locale.
      `CREATE TABLE incidents (
        id text COLLATE "C" PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        time_precision text NOT NULL,
        reported_at timestamptz,
        lat double precision,
        lon double precision,
        location_precision text NOT NULL,
        district text COLLATE "C",
        province text COLLATE "C",
        h3 text,
        place_name text,
        category text NOT NULL,
        category_group text NOT NULL,
        killed integer NOT NULL,
        injured integer NOT NULL,
        abducted integer NOT NULL,
        target_type text,
        perpetrator text COLLATE "C",
        narrative text,
        classification text NOT NULL,
        classification_rank smallint NOT NULL,
        reporting_mode text NOT NULL,
        source_count integer NOT NULL,
        links json NOT NULL
      )`,
      // B-tree indexes where DuckDB relies on zone maps: time ranges, district scope, bbox prefilter.
      `CREATE INDEX incidents_time ON incidents (occurred_at, id)`,
      `CREATE INDEX incidents_district ON incidents (district, occurred_at)`,
      `CREATE TABLE reports (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        agency text COLLATE "C" NOT NULL,
        source_id text COLLATE "C" NOT NULL,
        incident_id text COLLATE "C" NOT NULL,
        received_at timestamptz NOT NULL,
        format text NOT NULL,
        raw text NOT NULL,
        narrative text,
        fields json NOT NULL,
        CONSTRAINT reports_source_key UNIQUE (agency, source_id)
      )`,
      `CREATE INDEX reports_incident ON reports (incident_id, received_at, seq)`,
      `CREATE TABLE quarantine (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        run_id text COLLATE "C" NOT NULL,
        agency text NOT NULL,
        origin text COLLATE "C" NOT NULL,
        line integer NOT NULL,
        raw text NOT NULL,
        reasons json NOT NULL,
        CONSTRAINT quarantine_row_key UNIQUE (run_id, origin, line)
      )`,
      `CREATE INDEX quarantine_seq ON quarantine (seq)`,
      `CREATE TABLE ingest_runs (
        id text COLLATE "C" PRIMARY KEY,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        origin text NOT NULL,
        format text NOT NULL,
        agency text NOT NULL,
        rows_read bigint NOT NULL,
        inserted bigint NOT NULL,
        attached bigint NOT NULL,
        duplicates bigint NOT NULL,
        quarantined bigint NOT NULL
      )`,
      `CREATE TABLE link_history (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        action text NOT NULL,
        incident_id text NOT NULL,
        source_key text NOT NULL,
        new_incident_id text NOT NULL,
        remaining_incident_id text NOT NULL,
        removed_links json NOT NULL
      )`,
      // The two scope tests, as functions so that every policy reads the settings the same way.
      // Simple SQL functions: the planner inlines them into each policy's condition.
      `CREATE FUNCTION baseerat_all_districts() RETURNS boolean LANGUAGE sql STABLE AS
        $$ SELECT coalesce(current_setting('baseerat.districts', true), '') = '*' $$`,
      // Full scope (every district, every level): the system's own sessions (ingest, workers, migrations).
      `CREATE FUNCTION baseerat_full_scope() RETURNS boolean LANGUAGE sql STABLE AS
        $$ SELECT coalesce(current_setting('baseerat.districts', true), '') = '*'
             AND coalesce(nullif(current_setting('baseerat.clearance', true), '')::integer, -1) >= 3 $$`,
      `CREATE FUNCTION baseerat_may_see(district text, rank smallint) RETURNS boolean LANGUAGE sql STABLE AS
        $$ SELECT rank <= coalesce(nullif(current_setting('baseerat.clearance', true), '')::integer, -1)
             AND (coalesce(current_setting('baseerat.districts', true), '') = '*'
                  OR (district IS NOT NULL
                      AND district = ANY (string_to_array(nullif(current_setting('baseerat.districts', true), ''), chr(31))))) $$`,
      ...['incidents', 'reports', 'quarantine', 'ingest_runs', 'link_history'].flatMap((t) => [
        `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`,
        `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`,
      ]),
      `CREATE POLICY incidents_scope ON incidents USING (baseerat_may_see(district, classification_rank)) WITH CHECK (baseerat_full_scope())`,
      // A report is visible when its incident is (the sub-query is itself filtered by incidents_scope);
      // the full scope skips the look-up, which also keeps reports visible while an incident is rewritten.
      `CREATE POLICY reports_scope ON reports
        USING (baseerat_full_scope() OR EXISTS (SELECT 1 FROM incidents i WHERE i.id = reports.incident_id)) WITH CHECK (baseerat_full_scope())`,
      `CREATE POLICY quarantine_scope ON quarantine USING (baseerat_all_districts()) WITH CHECK (baseerat_full_scope())`,
      `CREATE POLICY ingest_runs_scope ON ingest_runs USING (baseerat_all_districts()) WITH CHECK (baseerat_full_scope())`,
      `CREATE POLICY link_history_scope ON link_history USING (baseerat_all_districts()) WITH CHECK (baseerat_full_scope())`,
    ],
  },
  {
    version: 2,
    // Feed coverage, as DuckDB migration 5: the time range of the records each run carried; runs
    // recorded before get their agency's earliest and latest incident (reports do not name their run).
    name: 'ingest_runs.covered_from, covered_to: the time range each run carried',
    statements: [
      `ALTER TABLE ingest_runs ADD COLUMN covered_from timestamptz, ADD COLUMN covered_to timestamptz`,
      `UPDATE ingest_runs SET covered_from = c.lo, covered_to = c.hi
       FROM (SELECT r.agency, min(i.occurred_at) AS lo, max(i.occurred_at) AS hi
             FROM reports r JOIN incidents i ON i.id = r.incident_id GROUP BY r.agency) c
       WHERE c.agency = ingest_runs.agency`,
    ],
  },
];
