import { ConfigError, loadConfig, parseDatabaseUrl } from '../../src/config/config';

const KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

describe('configuration', () => {
  it('defaults to embedded SQLite on 127.0.0.1:4000', () => {
    const c = loadConfig({ NODE_ENV: 'test', MFA_ENCRYPTION_KEY: KEY });
    expect(c.database).toMatchObject({ kind: 'sqlite', sqlitePath: './data/gatehouse.sqlite' });
    expect(c.port).toBe(4000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.mfaEncryptionKey.length).toBe(32);
    expect(c.trustProxyHops).toBe(0);
  });

  it('selects mysql2 for mysql:// URLs', () => {
    expect(parseDatabaseUrl('mysql://u:p@db:3306/gatehouse').kind).toBe('mysql');
  });

  it('reports every bad value at once, with its name', () => {
    try {
      loadConfig({ NODE_ENV: 'production', PORT: 'abc', DATABASE_URL: 'postgres://x', LOG_LEVEL: 'loud', TRUST_PROXY_HOPS: '-1' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'MFA_ENCRYPTION_KEY', 'TRUST_PROXY_HOPS']) {
        expect(msg).toContain(name);
      }
    }
  });

  it('production requires a 32-byte MFA_ENCRYPTION_KEY', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/MFA_ENCRYPTION_KEY is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', MFA_ENCRYPTION_KEY: 'short' })).toThrow(/32 bytes/);
    expect(loadConfig({ NODE_ENV: 'production', MFA_ENCRYPTION_KEY: KEY }).graphqlIntrospection).toBe(false);
  });

  it('reads the database query timeout and the shutdown grace period, and rejects bad ones by name', () => {
    const c = loadConfig({ NODE_ENV: 'test', MFA_ENCRYPTION_KEY: KEY, DB_QUERY_TIMEOUT_MS: '2500', SHUTDOWN_GRACE_MS: '0' });
    expect([c.dbQueryTimeoutMs, c.shutdownGraceMs]).toEqual([2500, 0]);
    const d = loadConfig({ NODE_ENV: 'test', MFA_ENCRYPTION_KEY: KEY });
    expect([d.dbQueryTimeoutMs, d.shutdownGraceMs]).toEqual([10_000, 10_000]);
    expect(() => loadConfig({ NODE_ENV: 'test', MFA_ENCRYPTION_KEY: KEY, DB_QUERY_TIMEOUT_MS: '5', SHUTDOWN_GRACE_MS: 'soon' })).toThrow(
      /DB_QUERY_TIMEOUT_MS[\s\S]*SHUTDOWN_GRACE_MS/,
    );
  });

  it('reads the database resilience settings (pool deadline, queue, retries, causal reads, cluster check) with their defaults', () => {
    const d = loadConfig({ NODE_ENV: 'test', MFA_ENCRYPTION_KEY: KEY, DB_QUERY_TIMEOUT_MS: '3000' });
    expect([d.dbAcquireTimeoutMs, d.dbQueueLimit, d.dbTxRetries, d.dbCausalReads, d.dbClusterCheckIntervalMs]).toEqual([
      3000,
      100,
      4,
      true,
      1000,
    ]);
    const c = loadConfig({
      NODE_ENV: 'test',
      MFA_ENCRYPTION_KEY: KEY,
      DB_ACQUIRE_TIMEOUT_MS: '500',
      DB_QUEUE_LIMIT: '7',
      DB_TX_RETRIES: '0',
      DB_CAUSAL_READS: 'off',
      DB_CLUSTER_CHECK_INTERVAL_MS: '0',
    });
    expect([c.dbAcquireTimeoutMs, c.dbQueueLimit, c.dbTxRetries, c.dbCausalReads, c.dbClusterCheckIntervalMs]).toEqual([
      500,
      7,
      0,
      false,
      0,
    ]);
    expect(loadConfig({ NODE_ENV: 'test', MFA_ENCRYPTION_KEY: KEY, DB_CAUSAL_READS: 'on' }).dbCausalReads).toBe(true);
    expect(() =>
      loadConfig({ NODE_ENV: 'test', MFA_ENCRYPTION_KEY: KEY, DB_TX_RETRIES: '-1', DB_QUEUE_LIMIT: '0', DB_CAUSAL_READS: 'maybe' }),
    ).toThrow(/DB_QUEUE_LIMIT[\s\S]*DB_TX_RETRIES[\s\S]*DB_CAUSAL_READS/);
  });
});
