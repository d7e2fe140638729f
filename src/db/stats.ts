import type { DataSource } from 'typeorm';

/**
 * Counters of what the database layer did to stay correct and responsive, per DataSource (one per
 * process in production; tests run several). /ready shows them (src/http/health.ts), so tests and
 * the benchmark read them over HTTP. They only ever grow.
 */
export interface DbStats {
  /** Transactions run again after a deadlock or Galera certification failure (src/db/transaction.ts). */
  txRetries: number;
  /** Transactions that still failed after the last allowed retry. */
  txRetriesExhausted: number;
  /** Callers that got no pool connection within the acquire deadline (src/db/pool-guard.ts). */
  acquireTimeouts: number;
  /** Callers refused at once because the pool's wait queue was full. */
  queueRejections: number;
}

const all = new WeakMap<DataSource, DbStats>();

/** The counters of ds (created at zero on first use). */
export function dbStats(ds: DataSource): DbStats {
  let s = all.get(ds);
  if (!s) {
    s = { txRetries: 0, txRetriesExhausted: 0, acquireTimeouts: 0, queueRejections: 0 };
    all.set(ds, s);
  }
  return s;
}
