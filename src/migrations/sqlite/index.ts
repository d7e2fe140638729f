import { Initial1795908186022Sqlite } from './1795908186022-Initial';
import { AccountMembershipSplitSqlite1796197784675 } from './1796197784675-AccountMembershipSplit';
import { ExactTimesSqlite1796199569641 } from './1796199569641-ExactTimes';
import { OptOutExpiryNoticeSqlite1796199569642 } from './1796199569642-OptOutExpiryNotice';
import { SearchPrefixesSqlite1796214000000 } from './1796214000000-SearchPrefixes';
import { RowClaimsSqlite1796216392788 } from './1796216392788-RowClaims';

/**
 * SQLite migrations, oldest first (written by npm run migration:generate). TypeORM orders
 * them by the last 13 characters of their name: every name ends in its timestamp.
 */
export const SQLITE_MIGRATIONS: Function[] = [
  Initial1795908186022Sqlite,
  AccountMembershipSplitSqlite1796197784675,
  ExactTimesSqlite1796199569641,
  OptOutExpiryNoticeSqlite1796199569642,
  SearchPrefixesSqlite1796214000000,
  RowClaimsSqlite1796216392788,
];
