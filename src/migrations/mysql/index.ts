import { Initial1795908186022Mysql } from './1795908186022-Initial';
import { AccountMembershipSplitMysql1796197784675 } from './1796197784675-AccountMembershipSplit';

/** MySQL / MariaDB migrations, oldest first (written by npm run migration:generate). */
export const MYSQL_MIGRATIONS: Function[] = [Initial1795908186022Mysql, AccountMembershipSplitMysql1796197784675];
