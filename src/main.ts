import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { createLogger } from './logger';
import { startServer } from './server';
import { seedDemoIfEmpty } from './cli/demo-data';

/** `npm start`: migrate, seed the demo org on an empty embedded database, serve, drain on SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + '\n');
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  const server = await startServer({ config, log, runMigrations: true });
  const demo =
    config.env !== 'production'
      ? await seedDemoIfEmpty({ requestId: 'startup', ip: null, principal: null, manager: server.dataSource.manager, log }, server.services)
      : null;
  const lines = [
    '',
    `Gatehouse is running (${config.env}, ${config.database.kind}).`,
    `  Console:    ${server.url}/admin/   (User Management, Admin Overview)`,
    `  GraphQL:    ${server.url}/graphql`,
    config.graphqlIntrospection
      ? `  GraphiQL:   ${server.url}/graphiql/   (offline IDE)   Sandbox: ${server.url}/graphql in a browser (online)`
      : '  GraphiQL:   off (production)   Sandbox: off',
    `  Swagger UI: ${server.url}/docs`,
    `  Health:     ${server.url}/health   Ready: ${server.url}/ready`,
  ];
  if (demo) {
    lines.push(
      '',
      'Demo org created (first run). Sign in as its admin:',
      `  org: ${demo.orgSlug}   email: ${demo.email}   password: ${demo.password}`,
      '  (shown once; later runs keep the data)',
    );
  }
  process.stdout.write(lines.join('\n') + '\n\n');

  let shuttingDown = false;
  const shutdown = (signal: string): void => {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: draining in-flight requests');
    // Whatever happens below, the process is gone shortly after the grace period.
    setTimeout(() => process.exit(1), config.shutdownGraceMs + 2000).unref();
    server
      .stop(config.shutdownGraceMs)
      .then(() => process.exit(0))
      .catch((err) => {
        log.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  // `on`, not `once`: with `once` our listener is gone by the time signal-exit (a dependency of a
  // dependency) looks, it believes nobody handles the signal and re-raises it, killing the drain.
  // A second signal during the drain is harmless: stop() is idempotent.
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Gatehouse failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
