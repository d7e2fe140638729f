import { startThrowawayMariaDb, type ThrowawayMariaDb } from '../support/mariadb';

/**
 * Starts one throwaway mariadbd for the whole run (unless TEST_MYSQL_URL points at a server);
 * each test file then creates its own database on it. Workers inherit TEST_MYSQL_URL.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_MYSQL_URL) {
    return;
  }
  const db: ThrowawayMariaDb = await startThrowawayMariaDb();
  (globalThis as { __MARIADB__?: ThrowawayMariaDb }).__MARIADB__ = db;
  process.env.TEST_MYSQL_URL = db.url;
  process.stderr.write(`\n[mariadb] throwaway server at ${db.url.replace(/:[^:@]*@/, ':***@')}\n`);
}
