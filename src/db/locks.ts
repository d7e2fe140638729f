import type { EntityManager } from 'typeorm';
import { rawQuery } from './raw';

/** True on MySQL/MariaDB, false on SQLite. */
export function supportsRowLocks(manager: EntityManager): boolean {
  return manager.connection.options.type !== 'better-sqlite3';
}

/**
 * Locks one row until the transaction ends (MySQL `SELECT ... FOR UPDATE`). Taken as the FIRST
 * statement of a transaction it also means InnoDB's read view (created at the first plain read,
 * REPEATABLE READ) sees every change committed by earlier holders of the same lock. On SQLite
 * there is nothing to do: transactions are serialised per process (src/db/transaction.ts).
 */
export async function lockRow(manager: EntityManager, table: 'orgs' | 'roles' | 'user_groups', id: number): Promise<void> {
  if (supportsRowLocks(manager)) {
    await rawQuery(manager, `SELECT id FROM ${table} WHERE id = :id FOR UPDATE`, { id });
  }
}
