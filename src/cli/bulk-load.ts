import type { DataSource } from 'typeorm';
import { createConnection } from 'mysql2/promise';

/**
 * Bulk loading for the seed (seed.ts): dedicated connections, lanes that run multi-row INSERTs
 * while the caller builds the next ones, and batches of VALUES tuples.
 */

/**
 * A connection that runs INSERT statements one after another while the caller builds the next
 * ones, committing every `commitEvery` statements. Errors surface at the next `settle`.
 */
export class Lane {
  private queue: Promise<void> = Promise.resolve();
  /** Completion of each queued statement, oldest first (they run in order). */
  private pending: Array<Promise<void>> = [];
  private sinceCommit = 0;
  private error: unknown = null;

  constructor(
    private readonly exec: Exec,
    private readonly commitEvery: number,
  ) {}

  push(sql: string): void {
    const done = this.queue.then(async () => {
      try {
        if (this.error) {
          return;
        }
        if (this.sinceCommit === 0) {
          await this.exec('BEGIN');
        }
        await this.exec(sql);
        if (++this.sinceCommit >= this.commitEvery) {
          await this.exec('COMMIT');
          this.sinceCommit = 0;
        }
      } catch (e) {
        this.error ??= e;
      } finally {
        void this.pending.shift();
      }
    });
    this.pending.push(done);
    this.queue = done;
  }

  /** Waits until at most `max` statements are queued (back-pressure), then rethrows a failure. */
  async settle(max = 0): Promise<void> {
    while (this.pending.length > max) {
      await this.pending[0];
    }
    if (this.error) {
      throw this.error;
    }
  }

  async finish(): Promise<void> {
    await this.settle(0);
    if (this.sinceCommit > 0) {
      await this.exec('COMMIT');
      this.sinceCommit = 0;
    }
  }
}

/** Collects VALUES tuples for one table and hands full statements to a lane. */
export class Batch {
  private tuples: string[] = [];
  count = 0;

  constructor(
    private readonly lane: Lane,
    private readonly head: string,
    private readonly size: number,
  ) {}

  add(tuple: string): void {
    this.tuples.push(tuple);
    this.count++;
    if (this.tuples.length >= this.size) {
      this.flush();
    }
  }

  flush(): void {
    if (this.tuples.length) {
      this.lane.push(`${this.head} VALUES ${this.tuples.join(',')}`);
      this.tuples = [];
    }
  }
}

/** Runs one SQL text (no parameters) on a bulk connection. */
export type Exec = (sql: string) => Promise<unknown>;

/**
 * Connections for the load. MySQL: `n` dedicated mysql2 connections with unique and foreign-key
 * checks off and no client-side placeholder scan (the statements carry literals only; scanning
 * megabytes of SQL for `?` cost more than building it). SQLite: the DataSource's one connection
 * with `synchronous=OFF` and an in-memory journal until `close`, which restores both.
 */
export async function openBulkConnections(ds: DataSource, n: number): Promise<{ exec: Exec[]; close(): Promise<void> }> {
  if (ds.options.type === 'better-sqlite3') {
    const db = (ds.driver as unknown as { databaseConnection: { exec(sql: string): void } }).databaseConnection;
    const [{ synchronous }] = (await ds.query('PRAGMA synchronous')) as Array<{ synchronous: number }>;
    const [{ journal_mode: journal }] = (await ds.query('PRAGMA journal_mode')) as Array<{ journal_mode: string }>;
    await ds.query('PRAGMA synchronous = OFF');
    await ds.query('PRAGMA journal_mode = MEMORY');
    return {
      exec: [async (sql) => db.exec(sql)],
      close: async () => {
        await ds.query(`PRAGMA journal_mode = ${journal}`);
        await ds.query(`PRAGMA synchronous = ${synchronous}`);
      },
    };
  }
  const o = ds.options as { host?: string; port?: number; username?: string; password?: string; database?: string };
  const conns = await Promise.all(
    Array.from({ length: n }, () =>
      createConnection({
        host: o.host,
        port: o.port,
        user: o.username,
        password: o.password,
        database: o.database,
        charset: 'utf8mb4_unicode_ci',
        timezone: 'Z',
        queryFormat: (sql: string) => sql,
      }),
    ),
  );
  for (const c of conns) {
    await c.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
  }
  return { exec: conns.map((c) => (sql: string) => c.query(sql)), close: async () => void (await Promise.all(conns.map((c) => c.end()))) };
}

/** The highest id of a table (0 when empty): a seed appends after it with explicit ids. */
export async function maxId(ds: DataSource, table: string): Promise<number> {
  const rows = (await ds.query(`SELECT COALESCE(MAX(id), 0) AS m FROM ${table}`)) as Array<{ m: number | string }>;
  return Number(rows[0].m);
}
