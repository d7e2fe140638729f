import type { DataSource } from 'typeorm';
import { dbStats } from './stats';

/**
 * A deadline on taking a connection from the MySQL pool, and what every new connection is told.
 *
 * mysql2 3.24's pool has a bounded wait queue (`queueLimit`) but no deadline: a request that finds
 * every connection busy waits in the queue for as long as the database takes, and a frozen server
 * (SIGSTOP, a stalled node) takes forever. The per-query timeout (DB_QUERY_TIMEOUT_MS) frees the
 * requests that hold a connection, but the ones queued behind them then wait for new connections
 * to a server that never answers. TypeORM 1.1 passes `acquireTimeout` through to mysql2, which
 * ignores it for pools. So the pool's getConnection is wrapped here: a caller that has no
 * connection after `acquireTimeoutMs` is answered with POOL_ACQUIRE_TIMEOUT (src/db/errors.ts:
 * "unavailable", a 503), and the connection it would have got, if it ever comes, goes straight
 * back to the pool. The abandoned entry stays in mysql2's queue until then, so during a long
 * freeze the queue fills and later callers are refused at once ("Queue limit reached.", also a 503).
 * And a connection whose query timed out is destroyed, not reused (destroyOnQueryTimeout).
 */

type Callback = (err: (Error & { code?: string }) | null, connection?: PooledConnection) => void;

interface PooledConnection {
  release(): void;
  query(...args: unknown[]): unknown;
  destroy(): void;
  [CONFIGURED]?: boolean;
}

interface MysqlPool {
  getConnection(cb: Callback): void;
}

const CONFIGURED = Symbol('gatehouse.sessionConfigured');

export interface PoolGuardOptions {
  /** A caller waiting longer than this for a connection gets POOL_ACQUIRE_TIMEOUT (0: no deadline, the CLI). */
  acquireTimeoutMs: number;
  /**
   * Statements run once on every connection before its first use (e.g. `SET SESSION
   * wsrep_sync_wait = 1` on a Galera node, src/db/cluster.ts). If one fails the connection is
   * destroyed, so the caller's statement fails (a 503) rather than running without it.
   */
  sessionSetup: readonly string[];
  /**
   * False while the node is known not to serve (a Galera node outside the primary component,
   * src/db/cluster.ts): callers are then refused at once with WSREP_NOT_READY (a 503).
   */
  nodeReady: () => boolean;
}

function poolError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

/**
 * mysql2 3.24 answers a query that outlives its `timeout` with PROTOCOL_SEQUENCE_TIMEOUT but leaves
 * it running on the connection; the connection then goes back to the pool with the stalled
 * statement still ahead of whatever is sent next, and the next request on it waits for the
 * database however long it takes (its own timeout only starts when its statement does). Such a
 * connection is destroyed instead: the pool replaces it, and the server rolls back its open
 * transaction when it sees the connection gone.
 */
function destroyOnQueryTimeout(connection: PooledConnection): void {
  const query = connection.query.bind(connection);
  connection.query = (...args: unknown[]): unknown => {
    const at = args.findIndex((a) => typeof a === 'function');
    if (at >= 0) {
      const cb = args[at] as (err: (Error & { code?: string }) | null, ...rest: unknown[]) => void;
      args[at] = (err: (Error & { code?: string }) | null, ...rest: unknown[]): void => {
        if (err?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
          connection.destroy();
        }
        cb(err, ...rest);
      };
    }
    return query(...args);
  };
}

/** Wraps the MySQL pool of ds (no-op on SQLite). */
export function guardPool(ds: DataSource, opts: PoolGuardOptions): void {
  const pool = (ds.driver as unknown as { pool?: MysqlPool }).pool;
  if (!pool) {
    return;
  }
  const stats = dbStats(ds);
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = (cb: Callback): void => {
    if (!opts.nodeReady()) {
      process.nextTick(() => cb(poolError('WSREP_NOT_READY', 'the database node is not in the primary component or not synced')));
      return;
    }
    let answered = false;
    const timer =
      opts.acquireTimeoutMs > 0
        ? setTimeout(() => {
            answered = true;
            stats.acquireTimeouts++;
            cb(poolError('POOL_ACQUIRE_TIMEOUT', `no database connection within ${opts.acquireTimeoutMs} ms`));
          }, opts.acquireTimeoutMs)
        : undefined;
    getConnection((err, connection) => {
      if (answered) {
        connection?.release();
        return;
      }
      answered = true;
      clearTimeout(timer);
      if (err) {
        if (err.message === 'Queue limit reached.') {
          stats.queueRejections++;
          err.code ??= 'POOL_QUEUE_LIMIT';
        }
        cb(err);
        return;
      }
      if (connection && !connection[CONFIGURED]) {
        connection[CONFIGURED] = true;
        destroyOnQueryTimeout(connection);
        // Queued on the connection before the caller's first statement, so it runs first.
        for (const sql of opts.sessionSetup) {
          connection.query(sql, (setupErr: Error | null) => {
            if (setupErr) {
              connection.destroy();
            }
          });
        }
      }
      cb(null, connection);
    });
  };
}
