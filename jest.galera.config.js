// `npm run test:galera`: three Gatehouse processes on a throwaway three-node MariaDB Galera
// cluster (test/support/galera.ts). Kept out of `npm test`; .ci/run runs it as its own step.
// See docs/testing.md and docs/operations.md "Scaling out".
const base = require('./jest.config.js');
const { existsSync } = require('node:fs');

const { transform, transformIgnorePatterns, setupFiles, testEnvironment } = base.projects[0];
const missing = [
  ['/usr/sbin/mariadbd', 'mariadb-server'],
  ['/usr/lib/galera/libgalera_smm.so', 'galera-4'],
  ['/usr/bin/rsync', 'rsync'],
].filter(([p]) => !existsSync(p));
if (missing.length > 0) {
  // Never skipped: without the cluster there is nothing to test, in CI or outside.
  throw new Error(`test:galera needs ${missing.map(([, pkg]) => pkg).join(', ')} (apt-get install; .ci/run does)`);
}

module.exports = {
  displayName: 'galera',
  testEnvironment,
  transform,
  transformIgnorePatterns,
  setupFiles,
  testMatch: ['<rootDir>/test/galera/**/*.test.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
  reporters: ['default'],
};
