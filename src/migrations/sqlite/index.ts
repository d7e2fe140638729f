import { Initial1795908186022Sqlite } from './1795908186022-Initial';
import { ExactTimes1796199569641Sqlite } from './1796199569641-ExactTimes';
import { OptOutExpiryNotice1796199569642Sqlite } from './1796199569642-OptOutExpiryNotice';

/** SQLite migrations, oldest first (written by npm run migration:generate). */
export const SQLITE_MIGRATIONS: Function[] = [Initial1795908186022Sqlite, ExactTimes1796199569641Sqlite, OptOutExpiryNotice1796199569642Sqlite];
