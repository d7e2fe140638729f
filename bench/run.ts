/**
 * `npm run bench [-- --users 1000000 | --quick]`: the member-list benchmark (docs/benchmark.md).
 *
 * Starts its own MariaDB (data kept in bench/data/ so the seeded set is reused), seeds it when
 * missing, starts the server in production mode and the raw fastify + mysql2 baseline as child
 * processes, signs in as the big tenant's admin, runs every scenario with autocannon (warm-up
 * first), checks the query plans of every list/search/count statement on MariaDB and SQLite,
 * and writes bench/results/bench-<size>.json and .md with each target's PASS/FAIL.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createConnection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { loadConfig, parseDatabaseUrl } from '../src/config/config';
import { openDataSource } from '../ormconfig';
import { createLogger } from '../src/logger';
import { startServer } from '../src/server';
import { SEED_PASSWORD, seedBulk, type SeedReport } from '../src/cli/seed';
import { startThrowawayMariaDb, type ThrowawayMariaDb } from '../test/support/mariadb';
import { checkPlans, type CapturedStatement, type PlanVerdict } from './plan-check';
import { cpuSeconds, gql, load, rssMb, startChild, type Child, type LoadResult } from './support';
import {
  COUNTS_QUERY,
  PAGE_QUERY,
  PAGE_WITH_COUNTS_QUERY,
  SEARCH_TERM,
  body,
  exerciseRequests,
  planRequests,
  RARE_SEARCH_TERM,
  type CaptureRequest,
} from './requests';

const ROOT = path.resolve(__dirname, '..', '..');
const DATA = path.join(ROOT, 'bench', 'data');
const RESULTS = path.join(ROOT, 'bench', 'results');
const MFA_KEY = 'b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    orgs: { type: 'string' },
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    connections: { type: 'string' },
    'no-sqlite': { type: 'boolean', default: false },
    'seed-only': { type: 'boolean', default: false },
  },
});
const QUICK = args.quick;
const USERS = QUICK ? 5000 : Number(args.users);
const ORGS = Number(args.orgs ?? (QUICK ? 20 : 1000));
const DURATION = Number(args.duration ?? (QUICK ? 2 : 10));
const WARMUP = QUICK ? 1 : 3;
const CONNECTIONS = Number(args.connections ?? 10);
const SIZE = QUICK ? 'quick' : String(USERS);
const BIG_ORG = { id: 1, slug: 'bench-1', admin: 'admin@bench-1.bench', members: Math.floor(USERS / 5) };

const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

/* ---------------------------------------------------------------------------------------------- */
/* Data                                                                                            */
/* ---------------------------------------------------------------------------------------------- */

/** Opens (creating, migrating and seeding when needed) the benchmark database at this URL. */
async function ensureSeeded(
  url: string,
  dbPid?: number,
): Promise<{ ds: DataSource; seed: SeedReport | null; cpu?: Record<string, number> }> {
  let ds = await openDataSource(parseDatabaseUrl(url));
  await ds.runMigrations({ transaction: 'each' });
  const n = async (sql: string): Promise<number> => Number(((await ds.query(sql)) as Array<{ n: number | string }>)[0].n);
  if ((await n('SELECT COUNT(*) AS n FROM users')) === USERS && (await n('SELECT COUNT(*) AS n FROM orgs')) === ORGS) {
    return { ds, seed: null };
  }
  if ((await n('SELECT COUNT(*) AS n FROM orgs')) > 0) {
    log(`database ${url.replace(/:[^:@/]*@/, ':***@')} holds a different or partial set: recreating it`);
    await ds.destroy();
    await recreate(url);
    ds = await openDataSource(parseDatabaseUrl(url));
    await ds.runMigrations({ transaction: 'each' });
  }
  log(`seeding ${ORGS} orgs and ${USERS} users (${ds.options.type})…`);
  const cpu0 = process.cpuUsage();
  const db0 = dbPid ? cpuSeconds(dbPid) : 0;
  const seed = await seedBulk(ds, { orgs: ORGS, users: USERS, progress: process.stderr.isTTY === true });
  const used = process.cpuUsage(cpu0);
  const cpu = { node: (used.user + used.system) / 1e6, ...(dbPid ? { mariadbd: cpuSeconds(dbPid) - db0 } : {}) };
  log(
    `seeded in ${seed.seconds.toFixed(1)} s (${JSON.stringify(seed.phases)}); CPU seconds ${JSON.stringify(cpu)}, load average ${os.loadavg()[0].toFixed(1)}`,
  );
  return { ds, seed, cpu };
}

async function recreate(url: string): Promise<void> {
  if (url.startsWith('sqlite:')) {
    const { rmSync } = await import('node:fs');
    const file = url.slice('sqlite:'.length);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      rmSync(f, { force: true });
    }
    return;
  }
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/mysql';
  const c = await createConnection(u.toString());
  await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await c.end();
}

async function createDatabaseIfMissing(db: ThrowawayMariaDb, name: string): Promise<string> {
  const c = await createConnection(db.url);
  await c.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await c.end();
  return db.urlFor(name);
}

/* ---------------------------------------------------------------------------------------------- */
/* Requests                                                                                        */
/* ---------------------------------------------------------------------------------------------- */

async function signIn(url: string, email: string, accept: string[] = ['SIGNED_IN']): Promise<string> {
  const r = await gql(url, 'mutation($o:String!,$e:String!,$p:String!){ signIn(orgSlug:$o, email:$e, password:$p){ status token } }', {
    o: `bench-${/bench-(\d+)/.exec(email)![1]}`,
    e: email,
    p: SEED_PASSWORD,
  });
  const s = r.data?.signIn as { status: string; token: string } | undefined;
  if (!s || !accept.includes(s.status)) {
    throw new Error(`sign-in of ${email} failed: ${JSON.stringify(r.errors ?? s)}`);
  }
  return s.token;
}

/** Walks the big tenant's list by last name with pages of 200 up to `rows` rows in; returns that cursor. */
async function walkTo(url: string, token: string, rows: number): Promise<string> {
  let after: string | null = null;
  for (let seen = 0; seen < rows;) {
    const first = Math.min(200, rows - seen);
    const r = await gql(
      url,
      'query($first: Int, $after: String){ users(first: $first, after: $after, orderBy: { field: LAST_NAME, direction: ASC }) { pageInfo { endCursor } } }',
      { first, after },
      token,
    );
    after = (r.data?.users as { pageInfo: { endCursor: string } } | undefined)?.pageInfo.endCursor ?? null;
    if (!after) {
      throw new Error(`walk stopped at ${seen} rows: ${JSON.stringify(r.errors)}`);
    }
    seen += first;
  }
  return after!;
}

/** Fails loudly when a scenario's request does not succeed (autocannon counts GraphQL errors as 200s). */
async function assertOk(name: string, url: string, pathAndQuery: string, init: RequestInit): Promise<void> {
  const r = await fetch(url + pathAndQuery, init);
  const text = await r.text();
  if (!r.ok || text.includes('"errors"')) {
    throw new Error(`scenario ${name}: ${r.status} ${text.slice(0, 500)}`);
  }
}

/* ---------------------------------------------------------------------------------------------- */
/* SQL capture: statements per request and their plans                                              */
/* ---------------------------------------------------------------------------------------------- */

/**
 * Starts the server in this process on `url` with a query logger, runs each request once as the
 * big tenant's admin, and returns the statements each ran plus the plan verdicts.
 */
async function captureAndExplain(
  url: string,
  requests: CaptureRequest[],
): Promise<{ perRequest: Record<string, string[]>; verdicts: PlanVerdict[] }> {
  let current: CapturedStatement[] | null = null;
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    PORT: '0',
    HOST: '127.0.0.1',
    MFA_ENCRYPTION_KEY: MFA_KEY,
    LOG_LEVEL: 'warn',
  });
  const ds = await openDataSource(config.database, {
    onQuery: (sql, parameters) => {
      current?.push({ sql, parameters });
    },
  });
  const server = await startServer({ config, log: createLogger('warn'), dataSource: ds, runMigrations: false });
  try {
    const token = await signIn(server.url, BIG_ORG.admin);
    const statements = await exerciseRequests(server.url, token, requests, {
      start: () => (current = []),
      stop: () => {
        const got = current ?? [];
        current = null;
        return got;
      },
    });
    const verdicts = await checkPlans(ds, Object.values(statements).flat());
    const perRequest = Object.fromEntries(
      Object.entries(statements).map(([name, list]) => [name, list.map((x) => x.sql.replace(/\s+/g, ' ').trim())]),
    );
    return { perRequest, verdicts };
  } finally {
    await server.stop(2000);
  }
}

/* ---------------------------------------------------------------------------------------------- */
/* Main                                                                                            */
/* ---------------------------------------------------------------------------------------------- */

interface Row {
  scenario: string;
  rps?: number;
  p50?: number;
  p99?: number;
  /** CPU ms per request by process. */
  cpu?: string;
  note?: string;
}

async function main(): Promise<void> {
  const started = new Date();
  const load0 = os.loadavg();
  mkdirSync(path.join(DATA, 'logs'), { recursive: true });
  mkdirSync(RESULTS, { recursive: true });
  log(`users ${USERS}, orgs ${ORGS}, ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s per scenario`);

  const maria = await startThrowawayMariaDb({
    dataDir: path.join(DATA, 'mariadb'),
    bufferPoolMb: QUICK ? 256 : 1024,
    extraArgs: ['--innodb-log-file-size=1G', '--innodb-sort-buffer-size=64M'],
  });
  const children: Child[] = [];
  const cleanup = async (): Promise<void> => {
    for (const c of children.splice(0)) {
      await c.stop();
    }
    await maria.stop();
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const mysqlUrl = await createDatabaseIfMissing(maria, `bench_${SIZE}`);
    const { ds, seed, cpu: seedCpu } = await ensureSeeded(mysqlUrl, maria.pid);
    await ds.destroy();
    if (args['seed-only']) {
      if (!args['no-sqlite']) {
        await (await ensureSeeded(`sqlite:${path.join(DATA, `sqlite-${SIZE}.sqlite`)}`)).ds.destroy();
      }
      return;
    }

    const env = { NODE_ENV: 'production', DATABASE_URL: mysqlUrl, MFA_ENCRYPTION_KEY: MFA_KEY, LOG_LEVEL: 'warn' };
    const server = await startChild(path.join(ROOT, 'dist', 'src', 'main.js'), env, path.join(DATA, 'logs', 'server.log'));
    children.push(server);
    const baseline = await startChild(
      path.join(ROOT, 'dist', 'bench', 'baseline-server.js'),
      { DATABASE_URL: mysqlUrl },
      path.join(DATA, 'logs', 'baseline.log'),
    );
    children.push(baseline);

    const token = await signIn(server.url, BIG_ORG.admin);
    const auth = { authorization: `Bearer ${token}` };
    const opts = { connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, watch: { server: server.pid, mariadbd: maria.pid } };
    const rows: Row[] = [];
    const results: Record<string, LoadResult> = {};
    const measure = async (name: string, spec: Parameters<typeof load>[0], o: Parameters<typeof load>[1] = opts): Promise<LoadResult> => {
      const init: RequestInit =
        spec.method === 'GET'
          ? { headers: spec.headers }
          : {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...spec.headers },
              body: typeof spec.body === 'function' ? spec.body(0) : spec.body,
            };
      await assertOk(name, spec.url, spec.path, init);
      log(`scenario: ${name}`);
      const r = await load(spec, o);
      results[name] = r;
      rows.push({
        scenario: name,
        rps: r.rps,
        p50: r.p50,
        p99: r.p99,
        cpu: Object.entries(r.cpuMsPerRequest)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(', '),
        note: r.errors || r.non2xx ? `${r.errors} errors, ${r.non2xx} non-2xx` : '',
      });
      return r;
    };
    /** A scenario whose endpoint may be missing from this build: recorded as not measured instead of failing the run. */
    const optional = async <T>(name: string, run: () => Promise<T>): Promise<T | null> => {
      try {
        return await run();
      } catch (e) {
        log(`${name}: not measured (${e instanceof Error ? e.message : String(e)})`);
        rows.push({ scenario: name, note: `not measured: ${(e instanceof Error ? e.message : String(e)).slice(0, 160)}` });
        return null;
      }
    };
    const page = (variables: Record<string, unknown>): Parameters<typeof load>[0] => ({
      url: server.url,
      path: '/graphql',
      headers: auth,
      body: body(PAGE_QUERY, { first: 50, ...variables }),
    });

    // The throughput ratio is measured twice, alternating (A B A B), and averaged: the machine is
    // shared, and a slow minute should not land on one side only.
    const baselineSpec = { url: baseline.url, path: '/graphql', headers: auth, body: body(PAGE_QUERY, { first: 50 }) };
    // Warm both processes well past V8's tiering (the first seconds of a fresh process run
    // several times slower per request) before anything is measured.
    log(`warming up both servers (${WARMUP * 4} s each)…`);
    await load(baselineSpec, { ...opts, watch: {}, warmup: 0, duration: WARMUP * 4 });
    await load(page({}), { ...opts, watch: {}, warmup: 0, duration: WARMUP * 4 });
    const baseOpts = { ...opts, watch: { baseline: baseline.pid, mariadbd: maria.pid } };
    const base1 = await measure('baseline: fastify + mysql2, same SQL, page of 50 (run 1)', baselineSpec, baseOpts);
    const first1 = await measure('users: first page by last name (run 1)', page({}));
    const countsSpec = { url: server.url, path: '/graphql', headers: auth, body: body(PAGE_WITH_COUNTS_QUERY, { first: 50 }) };
    const withCounts1 = await measure('users page + userCounts (run 1)', countsSpec);
    const base2 = await measure('baseline: fastify + mysql2, same SQL, page of 50 (run 2)', baselineSpec, baseOpts);
    const first2 = await measure('users: first page by last name (run 2)', page({}));
    const withCounts2 = await measure('users page + userCounts (run 2)', countsSpec);
    const withCounts = { ...withCounts2, rps: (withCounts1.rps + withCounts2.rps) / 2 };
    const base = { ...base2, rps: (base1.rps + base2.rps) / 2 };
    const first = { ...first2, rps: (first1.rps + first2.rps) / 2, p50: (first1.p50 + first2.p50) / 2 };
    log(`walking to ${Math.floor(BIG_ORG.members * 0.9)} rows in for the deep page…`);
    const deepCursor = await walkTo(server.url, token, Math.floor(BIG_ORG.members * 0.9));
    const deepNodes = (await gql(server.url, PAGE_QUERY, { first: 50, after: deepCursor }, token)).data?.users.nodes.length;
    if (deepNodes !== 50) {
      throw new Error(`the deep page holds ${deepNodes} rows, not 50`);
    }
    const deep = await measure(`users: deep page (${Math.floor(BIG_ORG.members * 0.9)} rows in)`, page({ after: deepCursor }));
    const search = await measure(`users: prefix search "${SEARCH_TERM}"`, page({ search: SEARCH_TERM }));
    await measure(`users: prefix search "${RARE_SEARCH_TERM}" (selective)`, page({ search: RARE_SEARCH_TERM }));
    await measure('users: filter inactive', page({ filter: { isActive: false } }));
    await measure('userCounts alone', { url: server.url, path: '/graphql', headers: auth, body: body(COUNTS_QUERY) });
    await optional('REST GET /user/users/page (size 50)', () =>
      measure('REST GET /user/users/page (size 50)', {
        url: server.url,
        method: 'GET',
        path: '/user/users/page?page=1&size=50&sort=lastName',
        headers: auth,
      }),
    );
    // updateMembership: flips allAccess on 200 members in turn (each request is a real change with its audit row).
    await optional('updateMembership (allAccess toggle, 200 members in turn)', async () => {
      const memberIds = (
        await gql(server.url, 'query { users(first: 200, filter: { isAdmin: false, isActive: true }) { nodes { id } } }', {}, token)
      ).data?.users.nodes.map((n: { id: string }) => n.id) as string[];
      await measure('updateMembership (allAccess toggle, 200 members in turn)', {
        url: server.url,
        path: '/graphql',
        headers: auth,
        body: (n) =>
          body('mutation($u: ID!, $v: Boolean!) { updateMembership(userId: $u, input: { allAccess: $v }) { id allAccess } }', {
            u: memberIds[n % memberIds.length],
            v: Math.floor(n / memberIds.length) % 2 === 0,
          }),
      });
    });
    // CSV export of the big tenant: rows/s and the server's peak RSS against its idle RSS.
    const csv = await optional('CSV export of the big tenant', async () => {
      log('scenario: CSV export');
      await new Promise((r) => setTimeout(r, 1000));
      const idleRss = rssMb(server.pid);
      let peakRss = idleRss;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(server.pid) || 0)), 20);
      const t0 = performance.now();
      let lines = 0;
      try {
        const res = await fetch(`${server.url}/user/users/export.csv`, { headers: auth });
        if (!res.ok || !res.body) {
          throw new Error(`export: ${res.status} ${await res.text()}`);
        }
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          for (const b of chunk) {
            if (b === 10) {
              lines++;
            }
          }
        }
      } finally {
        clearInterval(sampler);
      }
      const exportSeconds = (performance.now() - t0) / 1000;
      const exportRows = lines - 1;
      const exportRate = exportRows / exportSeconds;
      rows.push({
        scenario: 'CSV export of the big tenant',
        note: `${exportRows} rows in ${exportSeconds.toFixed(2)} s = ${Math.round(exportRate)} rows/s; RSS idle ${idleRss.toFixed(0)} MB, peak ${peakRss.toFixed(0)} MB`,
      });
      return { exportRows, exportSeconds, exportRate, idleRss, peakRss };
    });

    // Page p99 while 20 concurrent sign-ins hash passwords (argon2id on libuv's pool) vs idle.
    log('scenario: page during 20 concurrent sign-ins');
    const signers = Array.from({ length: 20 }, (_, i) => `admin@bench-${2 + (i % Math.max(1, ORGS - 1))}.bench`);
    const idlePage = await load(page({}), opts);
    let stop = false;
    let signIns = 0;
    let signInErrors = 0;
    const loops = signers.map(async (email) => {
      while (!stop) {
        try {
          // Admins of orgs that enforce MFA get an MFA step: the password was hashed all the same.
          await signIn(server.url, email, ['SIGNED_IN', 'MFA_REQUIRED', 'MFA_ENROLLMENT_REQUIRED']);
          signIns++;
        } catch {
          signInErrors++;
        }
      }
    });
    const t1 = performance.now();
    const busyPage = await load(page({}), opts);
    const signInSeconds = (performance.now() - t1) / 1000;
    stop = true;
    await Promise.all(loops);
    // The idle p99 is measured again just before, so both come from the same minute of machine noise.
    rows.push({
      scenario: 'users first page, idle (reference for the next row)',
      rps: idlePage.rps,
      p50: idlePage.p50,
      p99: idlePage.p99,
      cpu: `server ${idlePage.cpuMsPerRequest.server.toFixed(2)}`,
    });
    rows.push({
      scenario: 'users first page during 20 concurrent sign-ins',
      rps: busyPage.rps,
      p50: busyPage.p50,
      p99: busyPage.p99,
      note: `${(signIns / signInSeconds).toFixed(0)} sign-ins/s${signInErrors ? `, ${signInErrors} failed` : ''}`,
    });

    for (const c of children.splice(0)) {
      await c.stop();
    }

    // Statements per request and query plans, on MariaDB and on SQLite (the same seeded set).
    const captureRequests = planRequests(deepCursor);
    log('capturing SQL and checking plans on MariaDB…');
    const mysqlPlans = await captureAndExplain(mysqlUrl, captureRequests);
    let sqlitePlans: typeof mysqlPlans | null = null;
    if (!args['no-sqlite']) {
      const sqliteUrl = `sqlite:${path.join(DATA, `sqlite-${SIZE}.sqlite`)}`;
      const s = await ensureSeeded(sqliteUrl);
      await s.ds.destroy();
      log('checking plans on SQLite…');
      // The deep cursor is bound to MariaDB's data; SQLite has the same data and key, so it is valid there too.
      sqlitePlans = await captureAndExplain(sqliteUrl, captureRequests);
    }

    /* Targets ------------------------------------------------------------------------------------ */
    const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;
    const cpuOf = (a: LoadResult, b: LoadResult, proc: string): string =>
      (((a.cpuMsPerRequest[proc] ?? NaN) + (b.cpuMsPerRequest[proc] ?? NaN)) / 2).toFixed(2);
    const statementsPerPage = (p: typeof mysqlPlans): [number, number] => [p.perRequest['page 50'].length, p.perRequest['page 200'].length];
    const [s50, s200] = statementsPerPage(mysqlPlans);
    const planProblems = [...mysqlPlans.verdicts, ...(sqlitePlans?.verdicts ?? [])].flatMap((v) => v.problems);
    const targets: Array<{ target: string; value: string; pass: boolean }> = [
      {
        target: 'GraphQL first page throughput ≥ 70% of the raw baseline',
        value:
          `${((first.rps / base.rps) * 100).toFixed(0)}% (${first.rps.toFixed(0)} vs ${base.rps.toFixed(0)} req/s); ` +
          `CPU per request: server ${cpuOf(first1, first2, 'server')} + db ${cpuOf(first1, first2, 'mariadbd')} ms vs ` +
          `baseline ${cpuOf(base1, base2, 'baseline')} + db ${cpuOf(base1, base2, 'mariadbd')} ms`,
        pass: first.rps >= 0.7 * base.rps,
      },
      {
        target: 'deep page p50 ≤ 1.2× first page',
        value: `${(deep.p50 / first.p50).toFixed(2)}× (${deep.p50} vs ${first.p50} ms)`,
        pass: deep.p50 <= 1.2 * first.p50,
      },
      {
        target: `search p50 ≤ 1.5× first page (common prefix "${SEARCH_TERM}")`,
        value: `${(search.p50 / first.p50).toFixed(2)}× (${search.p50} vs ${first.p50} ms)`,
        pass: search.p50 <= 1.5 * first.p50,
      },
      {
        target: 'userCounts adds ≤ 10% to a page request',
        value: `${signed((first.rps / withCounts.rps - 1) * 100)}% time per request (${withCounts.rps.toFixed(0)} vs ${first.rps.toFixed(0)} req/s)`,
        pass: withCounts.rps >= first.rps / 1.1,
      },
      {
        target: 'SQL statements per page constant in page size (≤ 3)',
        value: `${s50} for 50 rows, ${s200} for 200 rows${sqlitePlans ? ` (SQLite ${statementsPerPage(sqlitePlans).join(' / ')})` : ''}`,
        pass: s50 === s200 && s50 <= 3 && (!sqlitePlans || statementsPerPage(sqlitePlans).every((n) => n === s50)),
      },
      {
        target: 'CSV export ≥ 100k rows/s',
        value: csv ? `${Math.round(csv.exportRate)} rows/s (${csv.exportRows} rows)` : 'not measured',
        pass: !!csv && csv.exportRate >= 100_000,
      },
      {
        target: 'CSV export peak RSS ≤ idle + 64 MB',
        value: csv
          ? `+${(csv.peakRss - csv.idleRss).toFixed(0)} MB (${csv.idleRss.toFixed(0)} → ${csv.peakRss.toFixed(0)} MB)`
          : 'not measured',
        pass: !!csv && csv.peakRss - csv.idleRss <= 64,
      },
      {
        target: 'page p99 during 20 concurrent sign-ins ≤ 1.25× idle p99',
        value: `${(busyPage.p99 / idlePage.p99).toFixed(2)}× (${busyPage.p99} vs ${idlePage.p99} ms)`,
        pass: busyPage.p99 <= 1.25 * idlePage.p99,
      },
      {
        target: `no full scan or unbounded sort of users/memberships (${mysqlPlans.verdicts.length} MariaDB + ${sqlitePlans?.verdicts.length ?? 0} SQLite statements)`,
        value: planProblems.length ? planProblems.slice(0, 3).join('; ') : 'none',
        pass: planProblems.length === 0,
      },
    ];

    const load1 = os.loadavg();
    const machine = {
      cpu: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}`,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      mariadb: execFileSync('mariadb', ['--version'], { encoding: 'utf8' }).trim(),
      loadavgStart: load0.map((x) => x.toFixed(2)).join(' '),
      loadavgEnd: load1.map((x) => x.toFixed(2)).join(' '),
    };
    const out = {
      date: started.toISOString(),
      users: USERS,
      orgs: ORGS,
      bigOrgMembers: BIG_ORG.members,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      warmupSeconds: WARMUP,
      machine,
      seedSeconds: seed?.seconds ?? null,
      seedPhases: seed?.phases ?? null,
      seedCpuSeconds: seedCpu ?? null,
      scenarios: rows,
      raw: results,
      export: csv,
      signIns: { perSecond: signIns / signInSeconds, failed: signInErrors, idlePage, busyPage },
      statements: { mysql: mysqlPlans.perRequest, sqlite: sqlitePlans?.perRequest ?? null },
      plans: { mysql: mysqlPlans.verdicts, sqlite: sqlitePlans?.verdicts ?? null },
      targets,
    };
    writeFileSync(path.join(RESULTS, `bench-${SIZE}.json`), JSON.stringify(out, null, 2) + '\n');
    const md = markdown(out, rows, targets);
    writeFileSync(path.join(RESULTS, `bench-${SIZE}.md`), md);
    process.stdout.write('\n' + md);
    process.exitCode = 0;
  } finally {
    await cleanup();
  }
}

function markdown(
  out: {
    date: string;
    users: number;
    orgs: number;
    bigOrgMembers: number;
    connections: number;
    durationSeconds: number;
    machine: Record<string, unknown>;
    seedSeconds: number | null;
  },
  rows: Row[],
  targets: Array<{ target: string; value: string; pass: boolean }>,
): string {
  const fmt = (n: number | undefined, d = 0): string => (n === undefined ? '' : n.toFixed(d));
  const lines = [
    `## Benchmark: ${out.users.toLocaleString('en-US')} users, ${out.orgs} orgs (big tenant ${out.bigOrgMembers.toLocaleString('en-US')} members)`,
    '',
    `${out.date.slice(0, 16).replace('T', ' ')} UTC · ${String(out.machine.cpu)}, ${String(out.machine.memoryGb)} GB · Node ${String(out.machine.node)} · ` +
      `${String(out.machine.mariadb).replace(/^.*Distrib ([^,]+),.*$/, 'MariaDB $1')} · load average ${String(out.machine.loadavgStart)} → ${String(out.machine.loadavgEnd)} · ` +
      `${out.connections} connections, ${out.durationSeconds} s per scenario after warm-up` +
      (out.seedSeconds !== null ? ` · seeded in ${out.seedSeconds.toFixed(1)} s` : ''),
    '',
    '| scenario | req/s | p50 ms | p99 ms | CPU ms per request | note |',
    '|---|---:|---:|---:|---|---|',
    ...rows.map((r) => `| ${r.scenario} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.cpu ?? ''} | ${r.note ?? ''} |`),
    '',
    '| target | measured | |',
    '|---|---|---|',
    ...targets.map((t) => `| ${t.target} | ${t.value} | ${t.pass ? 'PASS' : 'FAIL'} |`),
    '',
  ];
  return lines.join('\n');
}

if (!existsSync(path.join(ROOT, 'dist', 'src', 'main.js'))) {
  throw new Error('run `npm run bench` (it builds dist/ first)');
}
main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
