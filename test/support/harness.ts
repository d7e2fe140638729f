import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '../../src/config/config';
import { openDataSource } from '../../ormconfig';
import { createLogger } from '../../src/logger';
import { startServer, type RunningServer } from '../../src/server';
import type { RequestContext } from '../../src/context';
import type { Membership, Org, User } from '../../src/entities';
import type { NewMember } from '../../src/services/accounts/provisioning.service';

export type DbKind = 'sqlite' | 'mysql';

/** The engine this jest project runs on (set by test/setup/*.env.js). */
export function testDbKind(): DbKind {
  return process.env.TEST_DB === 'mysql' ? 'mysql' : 'sqlite';
}

export const TEST_MFA_KEY = 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on this project's engine: a temp SQLite file, or a new MariaDB schema. */
export async function freshDatabase(): Promise<FreshDatabase> {
  if (testDbKind() === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-test-'));
    return { url: `sqlite:${path.join(dir, 'test.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = process.env.TEST_MYSQL_URL!;
  const name = `gh_t${process.pid}_${randomBytes(4).toString('hex')}`;
  const conn = await createConnection(server);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const u = new URL(server);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = await createConnection(server);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

export interface GqlResponse<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
  headers: Headers;
}

interface HttpResponse {
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
  const ds = await openDataSource(config.database, { onQuery, poolSize: 5, queryTimeoutMs: config.dbQueryTimeoutMs });
  await ds.runMigrations({ transaction: 'each' });
  const server = await startServer({ config, log, dataSource: ds, runMigrations: false });

  const app: TestApp = {
    url: server.url,
    server,
    ds,
    config,
    logs,
    queries,
    async gql(query, variables, token, headers = {}) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = { errors: [{ message: text, extensions: { code: `HTTP_${res.status}` } }] };
      }
      return { status: res.status, data: body.data, errors: body.errors, headers: res.headers };
    },
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

/* ----------------------------------------------------------------------------------------- */
/* Fixtures: orgs, members and signed-in principals.                                          */
/* ----------------------------------------------------------------------------------------- */

let seq = 0;
const uniq = (): string => `${Date.now().toString(36)}${(++seq).toString(36)}${randomBytes(2).toString('hex')}`;

export const TEST_PASSWORD = 'correct-horse-battery-9';

export interface TestMember {
  user: User;
  membership: Membership;
  email: string;
  password: string;
}

export async function createOrg(
  app: TestApp,
  o: { slug?: string; name?: string; mfaRequired?: boolean; licensedSeats?: number | null } = {},
): Promise<Org> {
  return app.server.services.provisioning.createOrg(app.systemCtx(), {
    slug: o.slug ?? `org-${uniq()}`,
    name: o.name ?? 'Test Org',
    mfaRequired: o.mfaRequired,
    licensedSeats: o.licensedSeats,
  });
}

export async function createMember(app: TestApp, org: Org, o: Partial<NewMember> = {}): Promise<TestMember> {
  const email = o.email ?? `user-${uniq()}@example.test`;
  const { user, membership } = await app.server.services.provisioning.addMember(app.systemCtx(), org.id, {
    firstName: 'Test',
    lastName: 'User',
    password: TEST_PASSWORD,
    ...o,
    email,
  });
  return { user, membership, email, password: o.password ?? TEST_PASSWORD };
}

export async function signIn(app: TestApp, org: Org, email: string, password = TEST_PASSWORD): Promise<{ status: string; token: string }> {
  const r = await app.gql<{ signIn: { status: string; token: string } }>(
    'mutation($o: String!, $e: String!, $p: String!) { signIn(orgSlug: $o, email: $e, password: $p) { status token } }',
    { o: org.slug, e: email, p: password },
  );
  if (!r.data?.signIn) {
    throw new Error(`signIn failed: ${JSON.stringify(r.errors)}`);
  }
  return r.data.signIn;
}

export interface Principal extends TestMember {
  token: string;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>>;
  http(
    method: string,
    pathAndQuery: string,
    opts?: { body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<HttpResponse>;
}

function bind(app: TestApp, m: TestMember, token: string): Principal {
  return {
    ...m,
    token,
    gql: (q, v) => app.gql(q, v, token),
    http: (method, p, o = {}) => app.http(method, p, { ...o, token }),
  };
}

/** A signed-in active admin of org (full session: the org must not enforce MFA for them). */
export async function asAdmin(app: TestApp, org: Org, o: Partial<NewMember> = {}): Promise<Principal> {
  const m = await createMember(app, org, { firstName: 'Admin', lastName: 'Person', isAdmin: true, ...o });
  const s = await signIn(app, org, m.email, m.password);
  if (s.status !== 'SIGNED_IN') {
    throw new Error(`asAdmin: expected SIGNED_IN, got ${s.status}`);
  }
  return bind(app, m, s.token);
}

/** A signed-in active non-admin member of org. */
export async function asMember(app: TestApp, org: Org, o: Partial<NewMember> = {}): Promise<Principal> {
  const m = await createMember(app, org, { firstName: 'Member', lastName: 'Person', ...o });
  const s = await signIn(app, org, m.email, m.password);
  if (s.status !== 'SIGNED_IN') {
    throw new Error(`asMember: expected SIGNED_IN, got ${s.status}`);
  }
  return bind(app, m, s.token);
}

/** Binds an existing token (e.g. from an MFA flow) to a member. */
export function withToken(app: TestApp, m: TestMember, token: string): Principal {
  return bind(app, m, token);
}

/** The error code of the first GraphQL error, or undefined. */
export function errorCode(r: GqlResponse): string | undefined {
  return r.errors?.[0]?.extensions?.code;
}

/**
 * Fakes only Date: the server runs in this process, so timers, ticks and I/O must stay real.
 * Restore with jest.useRealTimers().
 */
export function fakeDateOnly(at?: number | Date): void {
  jest.useFakeTimers({
    doNotFake: [
      'nextTick',
      'setImmediate',
      'setTimeout',
      'setInterval',
      'clearTimeout',
      'clearInterval',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
  if (at !== undefined) {
    jest.setSystemTime(at);
  }
}
