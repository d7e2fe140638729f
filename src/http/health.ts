import type { Express } from 'express';
import type { DataSource } from 'typeorm';
import { clusterState } from '../db/cluster';
import { dbStats } from '../db/stats';

/** Answers a database ping, or rejects after timeoutMs. */
async function pingDatabase(ds: DataSource, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database ping timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // A table, not `SELECT 1`: a Galera node that refuses application queries (not primary,
    // wsrep_reject_queries) still answers a query without tables. On Galera the read is causal,
    // so a node too far behind the cluster to catch up within the timeout is not ready either.
    await Promise.race([ds.query('SELECT 1 FROM migrations LIMIT 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /health: the process is up (no database). /ready: we are not draining, this node may serve (on
 * Galera: in the primary component and synced, src/db/cluster.ts) and the database answers within
 * 2 s. Every answer carries `db`: the counters of src/db/stats.ts (transaction retries, pool
 * deadlines) and the cluster state, for operators, tests and the benchmark.
 */
export function mountHealth(app: Express, ds: DataSource, isDraining: () => boolean): void {
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const cluster = clusterState(ds);
    const db = { ...dbStats(ds), cluster };
    if (isDraining()) {
      res.status(503).json({ status: 'draining', db });
      return;
    }
    if (!cluster.ready) {
      res.status(503).json({ status: 'database node not ready', db });
      return;
    }
    try {
      await pingDatabase(ds, 2000);
      res.json({ status: 'ready', db });
    } catch {
      res.status(503).json({ status: 'database unavailable', db });
    }
  });
}
