import type { EntityManager } from 'typeorm';
import { rawExecute } from './raw';

/** True on MySQL/MariaDB, false on SQLite. */
export function supportsRowLocks(manager: EntityManager): boolean {
  return manager.connection.options.type !== 'better-sqlite3';
}

/**
 * Claims one row for the rest of the transaction: every writer whose rule reads rows it does not
 * write (the last active admin, one assignment per member and role) claims the same row first, so
 * two of them can never both commit decisions made without seeing each other. The claim is a real
 * write (`claimCount = claimCount + 1`), not a read lock:
 *
 * - One MySQL/MariaDB server: the UPDATE holds the row's exclusive lock until the transaction
 *   ends, so claimants are serialised. Taken as the FIRST statement, the transaction's read view
 *   (created at its first plain read, REPEATABLE READ) then sees every change committed by earlier
 *   claimants.
 * - Galera: `SELECT ... FOR UPDATE` does not block or conflict across nodes, but a write does.
 *   Two claimants on different nodes both wrote the row, so the one certified second is aborted at
 *   COMMIT (a deadlock error) and withTransaction runs it again from the start, when it reads the
 *   first one's commit (causal reads, src/db/cluster.ts).
 * - SQLite: transactions are serialised per process (src/db/transaction.ts) and the file lock
 *   serialises processes; the write costs nothing.
 */
export async function claimRow(manager: EntityManager, table: 'orgs' | 'roles' | 'user_groups', id: number): Promise<void> {
  await rawExecute(manager, `UPDATE ${table} SET claimCount = claimCount + 1 WHERE id = :id`, { id });
}
