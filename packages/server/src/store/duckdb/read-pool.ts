/**
 * A small pool of read connections on one DuckDB instance, so that read-only store calls overlap
 * instead of queueing behind every other call on the store's single write connection.
 *
 * Each read runs in its own transaction on a pooled connection: DuckDB's MVCC gives it the state
 * committed when the transaction starts, so a read never sees half of a batch, and a read started
 * after a write resolved sees that write. Writes stay on the store's exclusive connection (DuckDB
 * serialises writers anyway). Connections are opened on demand, up to `size`; further reads wait
 * for one to be released, in arrival order. close() refuses new reads, waits for the running ones
 * and closes every connection (before the instance is closed).
 */
import { BaseeratError } from '@baseerat/engine';
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement, DuckDBValue } from '@duckdb/node-api';

export class ReadPool {
  private readonly idle: DuckDBConnection[] = [];
  private readonly opened: DuckDBConnection[] = [];
  private readonly waiting: ((conn: DuckDBConnection) => void)[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private opening = 0;
  private closed = false;
  /** Per connection, its prepared statements by SQL text (closed with the connection). */
  private readonly statements = new WeakMap<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();

  constructor(private readonly instance: DuckDBInstance, private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new BaseeratError('VALIDATION', `read pool size must be a positive integer, got ${size}`, { field: 'size' });
  }

  /** Runs `fn` in a read transaction on a pooled connection; the connection must not be used after `fn` settles. */
  read<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new BaseeratError('CONFLICT', 'the store is closed'));
    const run = (async () => {
      const conn = await this.acquire();
      try {
        await (await this.statement(conn, 'BEGIN TRANSACTION')).run();
        let out: T;
        try {
          out = await fn(conn);
        } catch (e) {
          await conn.run('ROLLBACK').catch(() => undefined);
          throw e;
        }
        await (await this.statement(conn, 'COMMIT')).run();
        return out;
      } finally {
        this.release(conn);
      }
    })();
    this.running.add(run);
    const forget = () => { this.running.delete(run); };
    run.then(forget, forget);
    return run;
  }

  /**
   * The rows of `sql` with positional parameters ($1, $2...) on `conn` (a connection `read` gave),
   * as a statement prepared on that connection once and reused: parsing and planning cost a point
   * read about as much as its scan (issue #7). For a fixed set of SQL texts only (each is kept for
   * the connection's lifetime), never SQL with values spliced in.
   */
  async preparedRows(conn: DuckDBConnection, sql: string, params: DuckDBValue[]): Promise<unknown[][]> {
    const statement = await this.statement(conn, sql);
    statement.bind(params);
    return (await statement.runAndReadAll()).getRowsJS() as unknown[][];
  }

  /** `sql` prepared on `conn`, once (BEGIN and COMMIT too: each read's pair cost 0.2 ms more of CPU as plain SQL). */
  private async statement(conn: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
    let mine = this.statements.get(conn);
    if (mine === undefined) this.statements.set(conn, mine = new Map());
    let statement = mine.get(sql);
    if (statement === undefined) mine.set(sql, statement = await conn.prepare(sql));
    return statement;
  }

  /** Connections opened so far (at most `size`). */
  get connectionCount(): number {
    return this.opened.length;
  }

  private async acquire(): Promise<DuckDBConnection> {
    const free = this.idle.pop();
    if (free !== undefined) return free;
    if (this.opened.length + this.opening < this.size) {
      this.opening++;
      try {
        const conn = await this.instance.connect();
        this.opened.push(conn);
        return conn;
      } finally {
        this.opening--;
      }
    }
    return new Promise<DuckDBConnection>((ok) => { this.waiting.push(ok); });
  }

  private release(conn: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(conn);
    else this.idle.push(conn);
  }

  /** Refuses new reads, waits for the running ones, closes every connection. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    for (const conn of this.opened) conn.closeSync();
    this.opened.length = 0;
    this.idle.length = 0;
  }
}
