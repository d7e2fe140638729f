import type { ThrowawayMariaDb } from '../support/mariadb';

export default async function globalTeardown(): Promise<void> {
  const db = (globalThis as { __MARIADB__?: ThrowawayMariaDb }).__MARIADB__;
  if (db) {
    await db.stop();
  }
}
