import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultHashingOptions, type HashingPoolOptions } from '../security/hashing-pool';

type DatabaseKind = 'sqlite' | 'mysql';

export interface DatabaseConfig {
  kind: DatabaseKind;
  /** The original URL (for mysql) or the file path (for sqlite; ':memory:' allowed). */
  url: string;
  sqlitePath?: string;
  /** For mysql: which server speaks the protocol (mariadb:// sets it; otherwise probed at start-up). */
  flavor?: 'mysql' | 'mariadb';
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  database: DatabaseConfig;
  /** 32-byte AES-256-GCM key for TOTP secrets at rest. */
  mfaEncryptionKey: Buffer;
  logLevel: string;
  /** Introspection and the Sandbox landing page. */
  graphqlIntrospection: boolean;
  corsOrigins: string[];
  sessionTtlSeconds: number;
  /** Reverse proxies in front of the server whose X-Forwarded-For is trusted (0 = none). */
  trustProxyHops: number;
  /** MySQL: a query (or a connection attempt) that takes longer fails instead of hanging. */
  dbQueryTimeoutMs: number;
  /** MySQL: a request waiting longer for a pool connection fails (503). Default: dbQueryTimeoutMs. */
  dbAcquireTimeoutMs: number;
  /** MySQL: how many requests may wait for a pool connection at once; more are refused at once (503). */
  dbQueueLimit: number;
  /** How many times a transaction aborted by a deadlock or Galera certification failure is run again (0 = never). */
  dbTxRetries: number;
  /** Galera: every read waits for the cluster's earlier commits (wsrep_sync_wait = 1). No-op elsewhere. */
  dbCausalReads: boolean;
  /** Galera: how often the node's primary-component state is checked, in ms (0 = never). */
  dbClusterCheckIntervalMs: number;
  /** SIGTERM: how long in-flight requests may take before their connections are cut. */
  shutdownGraceMs: number;
  /** Sync feeds list a change once it is this old (its transaction has surely committed). */
  roleFeedSettleMs: number;
  /** How often the server sweeps for expired MFA opt-outs to notify (0 = never; sign-in still does). */
  mfaOptOutSweepIntervalMs: number;
  /** Password hashing: worker threads, queue limits (total and per client), thread priority. */
  hashing: HashingPoolOptions;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const DEFAULT_DATABASE_URL = 'sqlite:./data/gatehouse.sqlite';

export function parseDatabaseUrl(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file) {
      throw new ConfigError([`DATABASE_URL "${url}": sqlite URL needs a file path, e.g. sqlite:./data/gatehouse.sqlite`]);
    }
    return { kind: 'sqlite', url, sqlitePath: file };
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    try {
      const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
      if (!u.hostname || u.pathname.length < 2) {
        throw new Error('missing host or database name');
      }
    } catch (e) {
      throw new ConfigError([`DATABASE_URL: not a valid mysql://user:pass@host:port/db URL (${(e as Error).message})`]);
    }
    return { kind: 'mysql', url: url.replace(/^mariadb:/, 'mysql:'), flavor: url.startsWith('mariadb:') ? 'mariadb' : undefined };
  }
  throw new ConfigError([`DATABASE_URL must start with sqlite: or mysql:// (got "${url.split(':')[0]}:...")`]);
}

function parseBool(name: string, value: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (value === undefined || value === '') {
    return fallback;
  }
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) {
    return true;
  }
  if (['0', 'false', 'no'].includes(value.toLowerCase())) {
    return false;
  }
  problems.push(`${name} must be true or false (got "${value}")`);
  return fallback;
}

function parseKey(raw: string, problems: string[]): Buffer | undefined {
  const trimmed = raw.trim();
  const asHex = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : undefined;
  const asB64 = asHex ?? Buffer.from(trimmed, 'base64');
  if (asB64.length !== 32) {
    problems.push('MFA_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64 (generate one: openssl rand -hex 32)');
    return undefined;
  }
  return asB64;
}

/**
 * In development the key is generated once and kept beside the SQLite file, so a restart can
 * still decrypt the secrets it wrote. Production never gets here: the key is required there.
 */
function developmentKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'mfa-encryption.key');
  if (existsSync(file)) {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
  return key;
}

/** Reads and validates the whole configuration; every bad value is reported at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be development, production or test (got "${nodeEnv}")`);
  }
  const appEnv = (['development', 'production', 'test'].includes(nodeEnv) ? nodeEnv : 'development') as AppConfig['env'];

  let database: DatabaseConfig = { kind: 'sqlite', url: DEFAULT_DATABASE_URL, sqlitePath: './data/gatehouse.sqlite' };
  try {
    database = parseDatabaseUrl(env.DATABASE_URL || DEFAULT_DATABASE_URL);
  } catch (e) {
    problems.push(...(e instanceof ConfigError ? e.problems : [String(e)]));
  }

  const port = Number(env.PORT ?? '4000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be an integer 0..65535 (got "${env.PORT}")`);
  }
  const host = env.HOST || '127.0.0.1';

  const logLevel = env.LOG_LEVEL || (appEnv === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }

  let key: Buffer | undefined;
  if (env.MFA_ENCRYPTION_KEY) {
    key = parseKey(env.MFA_ENCRYPTION_KEY, problems);
  } else if (appEnv === 'production') {
    problems.push('MFA_ENCRYPTION_KEY is required when NODE_ENV=production (generate one: openssl rand -hex 32)');
  }

  const introspection = parseBool('GRAPHQL_INTROSPECTION', env.GRAPHQL_INTROSPECTION, appEnv !== 'production', problems);
  const ttl = Number(env.SESSION_TTL_SECONDS ?? String(8 * 3600));
  if (!Number.isInteger(ttl) || ttl < 60) {
    problems.push(`SESSION_TTL_SECONDS must be an integer >= 60 (got "${env.SESSION_TTL_SECONDS}")`);
  }
  const dbQueryTimeoutMs = Number(env.DB_QUERY_TIMEOUT_MS ?? '10000');
  if (!Number.isInteger(dbQueryTimeoutMs) || dbQueryTimeoutMs < 100) {
    problems.push(`DB_QUERY_TIMEOUT_MS must be an integer >= 100 (got "${env.DB_QUERY_TIMEOUT_MS}")`);
  }
  const dbAcquireTimeoutMs = Number(env.DB_ACQUIRE_TIMEOUT_MS || String(dbQueryTimeoutMs));
  if (!Number.isInteger(dbAcquireTimeoutMs) || dbAcquireTimeoutMs < 100) {
    problems.push(`DB_ACQUIRE_TIMEOUT_MS must be an integer >= 100 (got "${env.DB_ACQUIRE_TIMEOUT_MS}")`);
  }
  const dbQueueLimit = Number(env.DB_QUEUE_LIMIT || '100');
  if (!Number.isInteger(dbQueueLimit) || dbQueueLimit < 1 || dbQueueLimit > 100_000) {
    problems.push(`DB_QUEUE_LIMIT must be an integer 1..100000 (got "${env.DB_QUEUE_LIMIT}")`);
  }
  const dbTxRetries = Number(env.DB_TX_RETRIES || '4');
  if (!Number.isInteger(dbTxRetries) || dbTxRetries < 0 || dbTxRetries > 20) {
    problems.push(`DB_TX_RETRIES must be an integer 0..20 (got "${env.DB_TX_RETRIES}")`);
  }
  const causal = (env.DB_CAUSAL_READS ?? '').toLowerCase();
  const dbCausalReads =
    causal === 'on' ? true : causal === 'off' ? false : parseBool('DB_CAUSAL_READS', env.DB_CAUSAL_READS, true, problems);
  const dbClusterCheckIntervalMs = Number(env.DB_CLUSTER_CHECK_INTERVAL_MS || '1000');
  if (
    !Number.isInteger(dbClusterCheckIntervalMs) ||
    (dbClusterCheckIntervalMs !== 0 && (dbClusterCheckIntervalMs < 100 || dbClusterCheckIntervalMs > 600_000))
  ) {
    problems.push(`DB_CLUSTER_CHECK_INTERVAL_MS must be 0 (off) or an integer 100..600000 (got "${env.DB_CLUSTER_CHECK_INTERVAL_MS}")`);
  }
  const shutdownGraceMs = Number(env.SHUTDOWN_GRACE_MS ?? '10000');
  if (!Number.isInteger(shutdownGraceMs) || shutdownGraceMs < 0) {
    problems.push(`SHUTDOWN_GRACE_MS must be an integer >= 0 (got "${env.SHUTDOWN_GRACE_MS}")`);
  }
  const roleFeedSettleMs = Number(env.ROLE_FEED_SETTLE_MS ?? '2000');
  if (!Number.isInteger(roleFeedSettleMs) || roleFeedSettleMs < 0 || roleFeedSettleMs > 600_000) {
    problems.push(`ROLE_FEED_SETTLE_MS must be an integer 0..600000 (got "${env.ROLE_FEED_SETTLE_MS}")`);
  }
  const mfaOptOutSweepIntervalMs = Number(env.MFA_OPT_OUT_SWEEP_INTERVAL_MS ?? '60000');
  if (
    !Number.isInteger(mfaOptOutSweepIntervalMs) ||
    (mfaOptOutSweepIntervalMs !== 0 && (mfaOptOutSweepIntervalMs < 1000 || mfaOptOutSweepIntervalMs > 86_400_000))
  ) {
    problems.push(
      `MFA_OPT_OUT_SWEEP_INTERVAL_MS must be 0 (off) or an integer 1000..86400000 (got "${env.MFA_OPT_OUT_SWEEP_INTERVAL_MS}")`,
    );
  }
  // How many reverse proxies (load balancers) sit in front: their X-Forwarded-For hops are
  // trusted for the client address in logs and audit rows. 0 = none (a client could forge it).
  const trustProxyHops = Number(env.TRUST_PROXY_HOPS ?? '0');
  if (!Number.isInteger(trustProxyHops) || trustProxyHops < 0 || trustProxyHops > 10) {
    problems.push(`TRUST_PROXY_HOPS must be an integer 0..10 (got "${env.TRUST_PROXY_HOPS}")`);
  }
  const hashing = defaultHashingOptions();
  const hashingVars: Array<[keyof HashingPoolOptions, string, number, number]> = [
    ['workers', 'HASH_WORKERS', 1, 64],
    ['maxQueued', 'HASH_QUEUE_LIMIT', 0, 100_000],
    ['maxQueuedPerLane', 'HASH_QUEUE_PER_CLIENT', 0, 100_000],
    ['nice', 'HASH_NICE', -20, 19],
  ];
  for (const [field, name, min, max] of hashingVars) {
    if (env[name] !== undefined && env[name] !== '') {
      const v = Number(env[name]);
      if (!Number.isInteger(v) || v < min || v > max) {
        problems.push(`${name} must be an integer ${min}..${max} (got "${env[name]}")`);
      } else {
        hashing[field] = v;
      }
    }
  }
  const corsOrigins = (env.CORS_ORIGINS ?? (appEnv === 'production' ? '' : 'https://studio.apollographql.com'))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  if (!key) {
    const dataDir = database.kind === 'sqlite' && database.sqlitePath !== ':memory:' ? path.dirname(database.sqlitePath!) : './data';
    key = developmentKey(dataDir);
  }
  return {
    env: appEnv,
    host,
    port,
    database,
    mfaEncryptionKey: key,
    logLevel,
    graphqlIntrospection: introspection,
    corsOrigins,
    sessionTtlSeconds: ttl,
    dbQueryTimeoutMs,
    dbAcquireTimeoutMs,
    dbQueueLimit,
    dbTxRetries,
    dbCausalReads,
    dbClusterCheckIntervalMs,
    shutdownGraceMs,
    trustProxyHops,
    roleFeedSettleMs,
    mfaOptOutSweepIntervalMs,
    hashing,
  };
}
