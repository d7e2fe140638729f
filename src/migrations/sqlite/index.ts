import { Initial1795908186022Sqlite } from './1795908186022-Initial';
import { AccountMembershipSplitSqlite1796197784675 } from './1796197784675-AccountMembershipSplit';

/** SQLite migrations, oldest first (written by npm run migration:generate). */
export const SQLITE_MIGRATIONS: Function[] = [Initial1795908186022Sqlite, AccountMembershipSplitSqlite1796197784675];
