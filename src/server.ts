import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { AppConfig } from './config/config';
import { openDataSource, serverDataSourceTuning } from '../ormconfig';
import { createServices, type Services } from './services';
import { createSchema } from './graphql/schema';
import { createApollo } from './graphql/apollo';
import { mfaAttemptGuardPlugin } from './graphql/mfa-attempt-guard';
import { createExpressApp } from './http/app';
import { createLogger } from './logger';
import { configureHashing } from './security/password';

export interface RunningServer {
  url: string;
  port: number;
  dataSource: DataSource;
  services: Services;
  log: Logger;
  /**
   * Graceful stop: from now on new requests get 503 (and /ready says draining), in-flight ones
   * may finish for up to graceMs, then the listener and every connection close and the pool ends.
   */
  stop: (graceMs?: number) => Promise<void>;
}

export interface StartOptions {
  config: AppConfig;
  log?: Logger;
  /** An initialised DataSource to use (tests); otherwise one is created and migrations run. */
  dataSource?: DataSource;
  runMigrations?: boolean;
}

/**
 * Runs the opt-out expiry sweep (OptOutExpiryService) every intervalMs (0: never), one run at a
 * time. Every process may run it: the claim in the database makes each notice happen once.
 * Returns a stop function that waits for a run in progress.
 */
function startOptOutExpirySweep(services: Services, dataSource: DataSource, log: Logger, intervalMs: number): () => Promise<void> {
  if (intervalMs === 0) {
    return async () => undefined;
  }
  let running: Promise<void> | null = null;
  const run = (): void => {
    if (running || !dataSource.isInitialized) {
      return;
    }
    const ctx = { requestId: `sweep-${Date.now()}`, ip: null, principal: null, manager: dataSource.manager, log };
    running = services.optOutExpiry
      .sweep(ctx)
      .then((n) => {
        if (n > 0) {
          log.info({ notices: n }, 'MFA opt-out expiry notices queued');
        }
      })
      .catch((err: unknown) => log.warn({ err }, 'MFA opt-out expiry sweep failed; the next run retries'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** Starts the HTTP server (GraphQL, REST, health) on config.host:config.port (0 = ephemeral). */
export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const { config } = opts;
  const log = opts.log ?? createLogger(config.logLevel);
  const dataSource = opts.dataSource ?? (await openDataSource(config.database, serverDataSourceTuning(config)));
  if (opts.runMigrations ?? !opts.dataSource) {
    await dataSource.runMigrations({ transaction: 'each' });
  }
  configureHashing(config.hashing);
  const services = createServices(config);
  const schema = await createSchema(services);
  const apollo = createApollo(schema, config, [mfaAttemptGuardPlugin(services.mfa)]);
  await apollo.start();

  const stopSweep = startOptOutExpirySweep(services, dataSource, log, config.mfaOptOutSweepIntervalMs);
  let draining = false;
  const app = createExpressApp({ config, dataSource, services, apollo, log, isDraining: () => draining });
  const server = http.createServer(app);
  server.keepAliveTimeout = 5000;
  // Slow-client limits (slowloris): headers within 10 s, the whole request within 30 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // In-flight requests, so a stop can end as soon as the last one is answered.
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) {
        onIdle?.();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = config.shutdownGraceMs): Promise<void> => {
    stopping ??= (async () => {
      draining = true;
      await stopSweep();
      const deadline = Date.now() + graceMs;
      if (inFlight > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          onIdle = resolve;
          timer = setTimeout(resolve, graceMs);
        });
        clearTimeout(timer);
      }
      if (inFlight > 0) {
        log.warn({ inFlight }, 'shutdown grace period over: cutting the remaining requests (their transactions roll back)');
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await apollo.stop();
      if (dataSource.isInitialized) {
        // A connection stuck in a query would hold destroy() up: never wait past the grace period.
        const left = Math.max(deadline - Date.now(), 500);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([dataSource.destroy(), new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))]);
        clearTimeout(timer);
      }
    })();
    return stopping;
  };
  return { url, port, dataSource, services, log, stop };
}
