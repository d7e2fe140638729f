import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { AppConfig } from './config/config';
import { openDataSource } from '../ormconfig';
import { createServices, type Services } from './services';
import { createSchema } from './graphql/schema';
import { createApollo } from './graphql/apollo';
import { mfaAttemptGuardPlugin } from './graphql/mfa-attempt-guard';
import { createExpressApp } from './http/app';
import { createLogger } from './logger';

export interface RunningServer {
  url: string;
  port: number;
  dataSource: DataSource;
  services: Services;
  log: Logger;
  /** Graceful stop: refuse new connections, drain in-flight requests, close the pool. */
  stop: (graceMs?: number) => Promise<void>;
}

export interface StartOptions {
  config: AppConfig;
  log?: Logger;
  /** An initialised DataSource to use (tests); otherwise one is created and migrations run. */
  dataSource?: DataSource;
  runMigrations?: boolean;
}

/** Starts the HTTP server (GraphQL, REST, health) on config.host:config.port (0 = ephemeral). */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { config } = opts;
  const log = opts.log ?? createLogger(config.logLevel);
  const dataSource = opts.dataSource ?? (await openDataSource(config.database));
  if (opts.runMigrations ?? !opts.dataSource) {
    await dataSource.runMigrations({ transaction: 'each' });
  }
  const services = createServices(config);
  const schema = await createSchema(services);
  const apollo = createApollo(schema, config, [mfaAttemptGuardPlugin(services.mfa)]);
  await apollo.start();

  let draining = false;
  const app = createExpressApp({ config, dataSource, services, apollo, log, isDraining: () => draining });
  const server = http.createServer(app);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 10_000): Promise<void> => {
    stopping ??= (async () => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await apollo.stop();
      if (dataSource.isInitialized) {
        await dataSource.destroy();
      }
    })();
    return stopping;
  };
  return { url, port, dataSource, services, log, stop };
}
