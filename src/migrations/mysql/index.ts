import { Initial1795908186022Mysql } from './1795908186022-Initial';
import { AccountMembershipSplitMysql1796197784675 } from './1796197784675-AccountMembershipSplit';
import { ExactTimesMysql1796199569641 } from './1796199569641-ExactTimes';
import { OptOutExpiryNoticeMysql1796199569642 } from './1796199569642-OptOutExpiryNotice';
import { SearchPrefixesMysql1796214000000 } from './1796214000000-SearchPrefixes';
import { RowClaimsMysql1796216392788 } from './1796216392788-RowClaims';

/**
 * MySQL / MariaDB migrations, oldest first (written by npm run migration:generate). TypeORM orders
 * them by the last 13 characters of their name: every name ends in its timestamp.
 */
export const MYSQL_MIGRATIONS: Function[] = [
  Initial1795908186022Mysql,
  AccountMembershipSplitMysql1796197784675,
  ExactTimesMysql1796199569641,
  OptOutExpiryNoticeMysql1796199569642,
  SearchPrefixesMysql1796214000000,
  RowClaimsMysql1796216392788,
];
