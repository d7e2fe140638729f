process.env.TEST_DB = 'mysql';
if (!process.env.TEST_MYSQL_URL) {
  throw new Error('TEST_MYSQL_URL was not set by the MariaDB global setup');
}
