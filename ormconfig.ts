import 'reflect-metadata';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig, DatabaseConfig } from './src/config/config';
import { ClusterMonitor, attachClusterMonitor, probeServer } from './src/db/cluster';
import { guardPool } from './src/db/pool-guard';
import { configureTransactionRetries } from './src/db/transaction';
import { ENTITIES } from './src/entities';
import { isExactTimeColumn } from './src/entities/exact-time';
import { Instant, instantFromDb, instantToDb } from './src/db/instant';
import { MYSQL_MIGRATIONS } from './src/migrations/mysql';
import { SQLITE_MIGRATIONS } from './src/migrations/sqlite';

export interface DataSourceTuning {
  /** Only tests may synchronize; everything else runs migrations. */
  synchronize?: boolean;
  /** Max pool size for MySQL. */
  poolSize?: number;
  /**
   * MySQL: fail a query (and a connection attempt) after this many ms instead of waiting for a
   * database that does not answer. The server sets it; the CLI (bulk seeding) does not.
   */
  queryTimeoutMs?: number;
  /**
   * MySQL: a caller gets no pool connection after this many ms fails (a 503) instead of queueing
   * behind a database that does not answer (src/db/pool-guard.ts). Defaults to queryTimeoutMs.
   */
  acquireTimeoutMs?: number;
  /** MySQL: callers that may wait for a pool connection at once; beyond it, refused at once (mysql2 queueLimit). */
  queueLimit?: number;
  /** Runs of a transaction aborted by a deadlock or certification failure after the first (src/db/transaction.ts). Default 4. */
  txRetries?: number;
  /** Galera: every pool connection reads causally (wsrep_sync_wait = 1; src/db/cluster.ts). Default true. */
  causalReads?: boolean;
  /** Galera: how often the node's primary-component state is checked (ms; 0 = never). Default 1000. */
  clusterCheckIntervalMs?: number;
  /** Log every SQL statement through this function (tests count statements with it; the benchmark EXPLAINs them). */
  onQuery?: (sql: string, parameters?: unknown[]) => void;
}

/** The TypeORM DataSource for either engine. One set of migrations per dialect. */
function buildDataSourceOptions(db: DatabaseConfig, tuning: DataSourceTuning = {}): DataSourceOptions {
  // A custom logger always: TypeORM's default prints slow queries (any longer than the query
  // timeout) to the console; the failures themselves reach the server log as request errors.
  const logger = {
    logQuery: (q: string, parameters?: unknown[]) => tuning.onQuery?.(q, parameters),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  const common = {
    entities: ENTITIES,
    synchronize: tuning.synchronize ?? false,
    migrationsRun: false,
    logging: tuning.onQuery ? (['query'] as const) : false,
    logger,
  };
  if (db.kind === 'sqlite') {
    const file = db.sqlitePath!;
    if (file !== ':memory:') {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    }
    return {
      ...common,
      logging: tuning.onQuery ? ['query'] : false,
      type: 'better-sqlite3',
      database: file,
      migrations: SQLITE_MIGRATIONS,
      enableWAL: file !== ':memory:',
      // Wait for a lock held by another connection (the CLI beside a running server) rather than failing at once.
      timeout: 5000,
    };
  }
  const u = new URL(db.url);
  return {
    ...common,
    logging: tuning.onQuery ? ['query'] : false,
    type: db.flavor ?? 'mysql',
    host: u.hostname,
    port: Number(u.port || 3306),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
    migrations: MYSQL_MIGRATIONS,
    charset: 'utf8mb4_unicode_ci',
    // Store and read every DATETIME as UTC, whatever the server's time zone.
    timezone: 'Z',
    poolSize: tuning.poolSize ?? 10,
    connectTimeout: Math.min(5000, tuning.queryTimeoutMs ?? 5000),
    // TypeORM passes maxQueryExecutionTime to mysql2 as the per-query timeout; on expiry the
    // connection is destroyed (src/db/pool-guard.ts; the server then rolls its transaction back)
    // and the pool makes a new one.
    ...(tuning.queryTimeoutMs ? { enableQueryTimeout: true, maxQueryExecutionTime: tuning.queryTimeoutMs } : {}),
    extra: {
      connectionLimit: tuning.poolSize ?? 10,
      enableKeepAlive: true,
      maxIdle: tuning.poolSize ?? 10,
      typeCast: exactDatetimes,
      // A bounded wait queue: beyond it a caller is refused at once (a 503), not queued for ever.
      ...(tuning.queueLimit ? { queueLimit: tuning.queueLimit } : {}),
    },
  };
}

/**
 * mysql2 turns DATETIME(6) into a Date, dropping the microseconds: read those columns from their
 * text instead, as Instants (src/db/instant.ts). A DATETIME(6) is 26 characters long; DATETIME(0)
 * (19) and every other type are left to mysql2.
 */
function exactDatetimes(field: { type: string; length: number; string: () => string | null }, next: () => unknown): unknown {
  if (field.type === 'DATETIME' && field.length === 26) {
    return instantFromDb(field.string());
  }
  return next();
}

type Hydrate = (value: unknown, column: { type: unknown; precision?: number | null }) => unknown;

/**
 * Exact times through TypeORM's entity reads and writes, on both drivers: ExactTimeColumn columns
 * are hydrated as Instants (TypeORM would build a millisecond Date, and on SQLite read six fraction
 * digits in local time) and written with all six digits; every other DATETIME stays a plain Date.
 */
function hydrateExactTimes(ds: DataSource): void {
  const exact = new Set<unknown>(ds.entityMetadatas.flatMap((m) => m.columns).filter((c) => isExactTimeColumn(c)));
  if (ds.options.type === 'better-sqlite3') {
    // SQLite has no DATETIME(6): the exactness is in the text, and the column keeps the type it
    // was created with (no table rebuild just to rename its type).
    for (const c of exact) {
      (c as { precision?: number }).precision = undefined;
    }
  }
  const driver = ds.driver as unknown as { prepareHydratedValue: Hydrate; preparePersistentValue: Hydrate };
  const hydrate = driver.prepareHydratedValue.bind(driver);
  const persist = driver.preparePersistentValue.bind(driver);
  driver.prepareHydratedValue = (value, column) => {
    if (exact.has(column)) {
      return instantFromDb(value);
    }
    const v = hydrate(value, column);
    return v instanceof Instant ? new Date(v.getTime()) : v;
  };
  driver.preparePersistentValue = (value, column) =>
    exact.has(column) && value instanceof Date ? instantToDb(value) : persist(value, column);
}

function createDataSource(db: DatabaseConfig, tuning: DataSourceTuning = {}): DataSource {
  return new DataSource(buildDataSourceOptions(db, tuning));
}

/** Creates and initialises the DataSource (probing MySQL vs MariaDB first). Does not run migrations. */
export async function openDataSource(db: DatabaseConfig, tuning: DataSourceTuning = {}): Promise<DataSource> {
  if (db.kind !== 'mysql') {
    const ds = createDataSource(db, tuning);
    await ds.initialize();
    hydrateExactTimes(ds);
    if (tuning.txRetries !== undefined) {
      configureTransactionRetries(ds, tuning.txRetries);
    }
    return ds;
  }
  // MariaDB and MySQL share the mysql2 driver, but TypeORM must know which one it talks to:
  // MariaDB reports the default of a nullable column as the string 'NULL', and with type 'mysql'
  // TypeORM then sees a schema difference that is not there. The same probe tells a Galera node.
  const probe = await probeServer(db.url);
  const ds = createDataSource({ ...db, flavor: db.flavor ?? probe.flavor }, tuning);
  await ds.initialize();
  hydrateExactTimes(ds);
  const causal = probe.galera && (tuning.causalReads ?? true);
  const timeoutMs = tuning.queryTimeoutMs ?? 5000;
  const monitor = new ClusterMonitor(db.url, probe.galera, causal, Math.min(timeoutMs, 2000));
  attachClusterMonitor(ds, monitor);
  guardPool(ds, {
    acquireTimeoutMs: tuning.acquireTimeoutMs ?? tuning.queryTimeoutMs ?? 0,
    sessionSetup: causal ? ['SET SESSION wsrep_sync_wait = 1'] : [],
    nodeReady: () => monitor.state.ready,
  });
  monitor.start(tuning.clusterCheckIntervalMs ?? 1000);
  if (tuning.txRetries !== undefined) {
    configureTransactionRetries(ds, tuning.txRetries);
  }
  const destroy = ds.destroy.bind(ds);
  ds.destroy = async () => {
    await monitor.stop();
    await destroy();
  };
  return ds;
}

/** The pool settings of the server (and of tests that start one) from its configuration. */
export function serverDataSourceTuning(config: AppConfig): DataSourceTuning {
  return {
    queryTimeoutMs: config.dbQueryTimeoutMs,
    acquireTimeoutMs: config.dbAcquireTimeoutMs,
    queueLimit: config.dbQueueLimit,
    causalReads: config.dbCausalReads,
    txRetries: config.dbTxRetries,
    clusterCheckIntervalMs: config.dbClusterCheckIntervalMs,
  };
}
