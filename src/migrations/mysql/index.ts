import { Initial1795908186022Mysql } from './1795908186022-Initial';
import { ExactTimes1796199569641Mysql } from './1796199569641-ExactTimes';
import { OptOutExpiryNotice1796199569642Mysql } from './1796199569642-OptOutExpiryNotice';

/** MySQL / MariaDB migrations, oldest first (written by npm run migration:generate). */
export const MYSQL_MIGRATIONS: Function[] = [Initial1795908186022Mysql, ExactTimes1796199569641Mysql, OptOutExpiryNotice1796199569642Mysql];
