import type { DataSource, EntityManager } from 'typeorm';
import type { RequestContext } from '../context';
import { isDeadlock } from './errors';
import { dbStats } from './stats';

/**
 * SQLite (better-sqlite3) gives TypeORM a single connection: two interleaved transactions would
 * nest as savepoints of each other. Transactions are therefore serialised per process on SQLite.
 */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
const sqliteLocks = new WeakMap<DataSource, Mutex>();

/** DB_TX_RETRIES when the DataSource was not configured (the CLI): the server's default. */
const DEFAULT_RETRIES = 4;
const retriesOf = new WeakMap<DataSource, number>();

/** Sets how many times a transaction of ds aborted by a deadlock is run again (config DB_TX_RETRIES; 0 = never). */
export function configureTransactionRetries(ds: DataSource, retries: number): void {
  retriesOf.set(ds, retries);
}

/**
 * Full jitter on an exponential ceiling: attempt 1 waits 0-20 ms, 2: 0-40 ms, ... at most 0-320 ms.
 * Two transactions that conflicted on the same rows (two nodes of a cluster, two processes) are
 * unlikely to meet again at once.
 */
function backoffMs(attempt: number): number {
  return Math.random() * Math.min(320, 20 * 2 ** (attempt - 1));
}

/**
 * Runs fn in one database transaction (or joins the one ctx is already in). The change and its
 * audit row must both be written through the ctx passed to fn.
 *
 * A transaction aborted by a deadlock, a lock wait timeout or (on Galera) a certification failure
 * — a conflict with a transaction committed first on another node, reported as a deadlock at
 * COMMIT — was rolled back whole by the server. It is run again **from the start**: fn is called
 * anew, with a fresh transaction and nothing carried over from the aborted attempt (a fresh
 * ctx.loaders memo too), so every read and every invariant check is redone against the current
 * rows. Up to DB_TX_RETRIES times, with jittered backoff; each retry is logged (warn) and
 * counted (dbStats(ds).txRetries, shown by /ready). Hence the rule for fn: its only effects are
 * statements through tx.manager (the outbox and the attempt counters are rows; nothing is sent,
 * cached or counted in memory inside it). A joined transaction (ctx.inTransaction) is never retried
 * here: only the outermost withTransaction can start it again.
 */
export async function withTransaction<T>(ctx: RequestContext, fn: (tx: RequestContext) => Promise<T>): Promise<T> {
  if (ctx.inTransaction) {
    return fn(ctx);
  }
  const ds = ctx.manager.connection;
  const run = (): Promise<T> =>
    ds.transaction((manager: EntityManager) => fn({ ...ctx, manager, inTransaction: true, loaders: undefined }));
  let once = run;
  if (ds.options.type === 'better-sqlite3') {
    let lock = sqliteLocks.get(ds);
    if (!lock) {
      lock = new Mutex();
      sqliteLocks.set(ds, lock);
    }
    const serialised = lock;
    once = () => serialised.run(run);
  }
  const retries = retriesOf.get(ds) ?? DEFAULT_RETRIES;
  for (let attempt = 1; ; attempt++) {
    try {
      return await once();
    } catch (e) {
      if (!isDeadlock(e)) {
        throw e;
      }
      const stats = dbStats(ds);
      if (attempt > retries) {
        if (retries > 0) {
          stats.txRetriesExhausted++;
        }
        ctx.log.warn(
          { requestId: ctx.requestId, attempts: attempt, err: e },
          'transaction aborted by a deadlock or certification conflict; no retry left',
        );
        throw e;
      }
      stats.txRetries++;
      ctx.log.warn(
        { requestId: ctx.requestId, attempt, retries, errno: (e as { errno?: number }).errno },
        'transaction aborted by a deadlock or certification conflict; running it again from the start',
      );
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
  }
}
