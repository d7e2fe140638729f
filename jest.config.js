// Every test that touches the database runs twice: once on SQLite (project "sqlite") and once
// on MariaDB (project "mariadb"). Pure unit tests run once. See test/setup/ and docs/testing.md.
const { existsSync } = require('node:fs');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  // otplib 13 pulls in ESM-only @scure/base and @noble/hashes.
  transformIgnorePatterns: ['/node_modules/(?!(@scure|@noble|otplib|@otplib)/)'],
  setupFiles: ['reflect-metadata'],
};

const mariadbAvailable =
  !!process.env.TEST_MYSQL_URL || ['/usr/sbin/mariadbd', '/usr/bin/mariadbd', '/usr/sbin/mysqld'].some((p) => existsSync(p));

if (!mariadbAvailable) {
  if (process.env.CI === 'true') {
    throw new Error(
      'CI=true but no MariaDB: install mariadb-server (see .ci/run) or set TEST_MYSQL_URL. The MySQL run is mandatory in CI.',
    );
  }
  process.stderr.write(
    '\n' +
      '!'.repeat(78) +
      '\n!!  MariaDB not found (no mariadbd, no TEST_MYSQL_URL): the MySQL half of the suite is SKIPPED.\n' +
      '!!  Install it with: apt-get install -y mariadb-server   (CI never skips it)\n' +
      '!'.repeat(78) +
      '\n\n',
  );
}

const projects = [
  {
    ...common,
    displayName: 'unit',
    testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  },
  {
    ...common,
    displayName: 'sqlite',
    testMatch: ['<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/test/security/**/*.test.ts'],
    setupFiles: ['reflect-metadata', '<rootDir>/test/setup/sqlite.env.js'],
  },
];
if (mariadbAvailable) {
  projects.push({
    ...common,
    displayName: 'mariadb',
    testMatch: ['<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/test/security/**/*.test.ts'],
    // The browser test drives the Swagger UI page; the REST handlers it reaches are tested on
    // MariaDB by the rest-*.test.ts files, so a second browser run adds nothing.
    testPathIgnorePatterns: ['/node_modules/', '/test/e2e/swagger-ui\\.test\\.ts$'],
    setupFiles: ['reflect-metadata', '<rootDir>/test/setup/mariadb.env.js'],
    globalSetup: '<rootDir>/test/setup/mariadb.global-setup.ts',
    globalTeardown: '<rootDir>/test/setup/mariadb.global-teardown.ts',
  });
}

module.exports = {
  projects,
  // testTimeout is a global option: inside a project entry jest ignores it.
  testTimeout: 60_000,
  maxWorkers: process.env.JEST_MAX_WORKERS || 2,
  reporters: ['default'],
};
