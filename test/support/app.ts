import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '../../src/config/config';
import { openDataSource, serverDataSourceTuning } from '../../ormconfig';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/server';
import type { RequestContext } from '../../src/context';
import { freshDatabase, TEST_MFA_KEY } from './databases';
import { postGraphql, type GqlResponse } from './graphql-client';

export interface HttpResponse {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export interface TestApp {
  url: string;
  server: RunningServer;
  ds: DataSource;
  config: AppConfig;
  /** Everything the server logged (JSON lines), for redaction tests. */
  logs: string[];
  /** SQL statements seen since the last reset (when started with countQueries). */
  queries: string[];
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
    headers?: Record<string, string>,
  ): Promise<GqlResponse<T>>;
  http(
    method: string,
    pathAndQuery: string,
    opts?: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<HttpResponse>;
  /** A system context (no principal) for arranging data through the services. */
  systemCtx(): RequestContext;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  countQueries?: boolean;
  /** Sees every SQL statement with its parameters (the query-plan test EXPLAINs them). */
  onQuery?: (sql: string, parameters?: unknown[]) => void;
}

/** Starts the real server on an ephemeral port on 127.0.0.1 against a fresh, migrated database. */
export async function startTestApp(opts: StartOptions = {}): Promise<TestApp> {
  const db = await freshDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    PORT: '0',
    HOST: '127.0.0.1',
    MFA_ENCRYPTION_KEY: TEST_MFA_KEY,
    LOG_LEVEL: 'info',
    ...opts.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const log = createLogger(config.logLevel, sink);
  const queries: string[] = [];
  const onQuery =
    opts.countQueries || opts.onQuery
      ? (q: string, p?: unknown[]) => {
          if (opts.countQueries) {
            queries.push(q);
          }
          opts.onQuery?.(q, p);
        }
      : undefined;
  const ds = await openDataSource(config.database, { ...serverDataSourceTuning(config), onQuery, poolSize: 5 });
  await ds.runMigrations({ transaction: 'each' });
  const server = await startServer({ config, log, dataSource: ds, runMigrations: false });

  const app: TestApp = {
    url: server.url,
    server,
    ds,
    config,
    logs,
    queries,
    gql: (query, variables, token, headers) => postGraphql(server.url, query, variables, token, headers),
    async http(method, pathAndQuery, o = {}) {
      const headers: Record<string, string> = { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) };
      let body: string | undefined;
      if (o.rawBody !== undefined) {
        body = o.rawBody;
      } else if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(`${server.url}${pathAndQuery}`, { method, headers: { ...headers, ...o.headers }, body });
      const text = await res.text();
      let parsed: any = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
    systemCtx() {
      return { requestId: 'test', ip: null, principal: null, manager: ds.manager, log };
    },
    async stop() {
      await server.stop(2000);
      await db.drop();
    },
  };
  return app;
}

/**
 * The common setup of a suite: starts the app before its tests and stops it after them. Returns
 * a stand-in that forwards to the running app (use it inside tests and hooks, not at load time).
 */
export function useTestApp(opts: StartOptions = {}): TestApp {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp(opts);
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  }, 30_000);
  return new Proxy({} as TestApp, {
    get(_target, prop) {
      if (!app) {
        throw new Error('useTestApp: the app is started in beforeAll; use it inside tests and hooks');
      }
      const value = (app as unknown as Record<string | symbol, unknown>)[prop];
      return typeof value === 'function' ? (value as Function).bind(app) : value;
    },
  });
}
