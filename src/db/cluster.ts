import { createConnection, type Connection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';

/**
 * MariaDB Galera: what Gatehouse needs to know about the node it talks to (docs/operations.md,
 * "Consistency on a cluster").
 *
 * - Whether it is a Galera node at all (`wsrep_on`), probed once at start-up. On plain MariaDB,
 *   MySQL and SQLite everything here is a no-op.
 * - Whether the node may serve now: in the primary component, synced and ready. A node cut off
 *   from the majority keeps answering `SHOW STATUS` but refuses reads and writes (error 1047), and
 *   a node that is joining or donating may serve stale rows. A cheap status query every
 *   `intervalMs` on a connection of its own (not the pool, which may be saturated) keeps the
 *   verdict; while it says "not ready", requests are refused before they take a pool connection
 *   (src/db/pool-guard.ts) and /ready answers 503. Only positive evidence refuses: a status query
 *   that times out (a frozen node) leaves the verdict alone, as the requests' own deadlines cover
 *   that case.
 */

export interface ServerProbe {
  flavor: 'mysql' | 'mariadb';
  /** `wsrep_on` is ON: a Galera cluster node. */
  galera: boolean;
}

/** One look at the server (a connection of its own, before the pool exists). */
export async function probeServer(url: string): Promise<ServerProbe> {
  const conn = await createConnection({ uri: url, connectTimeout: 5000 });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    const version = String((rows as Array<{ v: string }>)[0].v);
    const [wsrep] = await conn.query("SHOW VARIABLES LIKE 'wsrep_on'");
    const on = (wsrep as Array<{ Value?: string }>)[0]?.Value;
    return { flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql', galera: String(on).toUpperCase() === 'ON' };
  } finally {
    await conn.end();
  }
}

export interface ClusterState {
  /** True when the node is a Galera node (false: nothing below applies). */
  galera: boolean;
  /** wsrep_sync_wait is set on every pool connection (DB_CAUSAL_READS and a Galera node). */
  causalReads: boolean;
  /** False only on positive evidence that the node may not serve (see above). */
  ready: boolean;
  /** Why not ready (wsrep status values only: /ready shows it publicly). */
  reason?: string;
  /** wsrep_ready, wsrep_cluster_status, wsrep_local_state_comment, wsrep_cluster_size as last read. */
  status?: Record<string, string>;
  /** When the last check answered (ISO time). */
  checkedAt?: string;
}

const STATUS_SQL =
  "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_cluster_status', 'wsrep_local_state_comment', 'wsrep_cluster_size')";

/** The verdict on a status reading: ready only when in the primary component, synced and ready. */
export function nodeVerdict(status: Record<string, string>): { ready: boolean; reason?: string } {
  if (status.wsrep_cluster_status !== 'Primary') {
    return { ready: false, reason: `not in the primary component (wsrep_cluster_status=${status.wsrep_cluster_status ?? 'unknown'})` };
  }
  if (status.wsrep_ready !== 'ON') {
    return { ready: false, reason: `node not ready (wsrep_ready=${status.wsrep_ready ?? 'unknown'})` };
  }
  if (status.wsrep_local_state_comment !== 'Synced') {
    return { ready: false, reason: `node not synced (wsrep_local_state_comment=${status.wsrep_local_state_comment ?? 'unknown'})` };
  }
  return { ready: true };
}

export class ClusterMonitor {
  readonly state: ClusterState;
  private conn: Connection | null = null;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly url: string,
    galera: boolean,
    causalReads: boolean,
    private readonly timeoutMs: number,
  ) {
    this.state = { galera, causalReads, ready: true };
  }

  /** Checks now and then every intervalMs (nothing on a non-Galera server). */
  start(intervalMs: number): void {
    if (!this.state.galera) {
      return;
    }
    void this.check();
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const c = this.conn;
    this.conn = null;
    await c?.end().catch(() => c.destroy());
  }

  /** One status reading; never throws. */
  async check(): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    try {
      this.conn ??= await createConnection({ uri: this.url, connectTimeout: this.timeoutMs });
      const [rows] = await this.conn.query({ sql: STATUS_SQL, timeout: this.timeoutMs });
      const status = Object.fromEntries((rows as Array<{ Variable_name: string; Value: string }>).map((r) => [r.Variable_name, r.Value]));
      const verdict = nodeVerdict(status);
      Object.assign(this.state, { ready: verdict.ready, reason: verdict.reason, status, checkedAt: new Date().toISOString() });
    } catch (e) {
      const err = e as { errno?: number };
      // 1047: the node refuses even this; anything else (refused, timed out) proves nothing.
      if (err.errno === 1047) {
        Object.assign(this.state, { ready: false, reason: 'node refuses queries (WSREP not ready)' });
      }
      const c = this.conn;
      this.conn = null;
      c?.destroy();
    } finally {
      this.running = false;
    }
  }
}

const monitors = new WeakMap<DataSource, ClusterMonitor>();

export function attachClusterMonitor(ds: DataSource, monitor: ClusterMonitor): void {
  monitors.set(ds, monitor);
}

/** The cluster state of ds (a non-Galera state for SQLite and plain servers). */
export function clusterState(ds: DataSource): ClusterState {
  return monitors.get(ds)?.state ?? { galera: false, causalReads: false, ready: true };
}
