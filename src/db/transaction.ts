import type { DataSource, EntityManager } from 'typeorm';
import type { RequestContext } from '../context';
import { isDeadlock } from './errors';

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

/**
 * Runs fn in one database transaction (or joins the one ctx is already in). The change and its
 * audit row must both be written through the ctx passed to fn. A MySQL deadlock is retried once.
 */
export async function withTransaction<T>(ctx: RequestContext, fn: (tx: RequestContext) => Promise<T>): Promise<T> {
  if (ctx.inTransaction) {
    return fn(ctx);
  }
  const ds = ctx.manager.connection;
  const run = (): Promise<T> => ds.transaction((manager: EntityManager) => fn({ ...ctx, manager, inTransaction: true }));
  if (ds.options.type === 'better-sqlite3') {
    let lock = sqliteLocks.get(ds);
    if (!lock) {
      lock = new Mutex();
      sqliteLocks.set(ds, lock);
    }
    return lock.run(run);
  }
  try {
    return await run();
  } catch (e) {
    if (!isDeadlock(e)) {
      throw e;
    }
    ctx.log.warn({ requestId: ctx.requestId }, 'deadlock detected; retrying the transaction once');
    return run();
  }
}
