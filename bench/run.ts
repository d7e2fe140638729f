/**
 * `npm run bench [-- --users 1000000 | --quick] [--db sqlite] [--only search,export] [--against ../other-checkout]`:
 * the member-list benchmark (docs/benchmark.md).
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
import { cpuSeconds, gql, load, rssMb, startChild, type Child, type LoadResult, type LoadSpec } from './support';
import {
  COUNTS_QUERY,
  PAGE_QUERY,
  PAGE_WITH_COUNTS_QUERY,
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
    /** mysql (a throwaway MariaDB, default) or sqlite (the embedded default, same data). */
    db: { type: 'string', default: 'mysql' },
    /** Comma-separated scenario groups: throughput, pages, search, export, signin, blocking, plans. */
    only: { type: 'string' },
    /** Another checkout whose dist/ to run beside this one (A/B of the first page). */
    against: { type: 'string' },
    /** Alternating rounds per ratio. */
    rounds: { type: 'string' },
    /** Writes V8 CPU profiles of the server processes to bench/data/profiles/. */
    profile: { type: 'boolean', default: false },
  },
});
const DB: 'mysql' | 'sqlite' = args.db === 'sqlite' ? 'sqlite' : 'mysql';
const ONLY = new Set((args.only ?? '').split(',').filter(Boolean));
const want = (group: string): boolean => ONLY.size === 0 || ONLY.has(group);
const QUICK = args.quick;
const USERS = QUICK ? 5000 : Number(args.users);
const ORGS = Number(args.orgs ?? (QUICK ? 20 : 1000));
const DURATION = Number(args.duration ?? (QUICK ? 2 : 10));
const WARMUP = QUICK ? 1 : 3;
const CONNECTIONS = Number(args.connections ?? 10);
const ROUNDS = Number(args.rounds ?? 2);
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
  const r = await gql(
    url,
    'mutation($o:String!,$e:String!,$p:String!){ signIn(input: { orgSlug:$o, email:$e, password:$p }){ status token } }',
    {
      o: `bench-${/bench-(\d+)/.exec(email)![1]}`,
      e: email,
      p: SEED_PASSWORD,
    },
  );
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
  /** 1-minute load average when the row was measured. */
  load: number;
}

interface Target {
  target: string;
  value: string;
  pass: boolean;
  /** 1-minute load average when the figure was measured. */
  load: number;
}

const load1 = (): number => os.loadavg()[0];
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * The most common 1-, 2- and 3-character prefixes of the big tenant's searched name keys (last
 * name first, first name first: what a member's search matches), counted over both keys.
 */
async function commonPrefixes(url: string, orgId: number): Promise<Array<{ term: string; matches: number }>> {
  const ds = await openDataSource(parseDatabaseUrl(url));
  try {
    const out: Array<{ term: string; matches: number }> = [];
    for (const n of [1, 2, 3]) {
      const rows = (await ds.query(
        `SELECT p, COUNT(*) AS c FROM (SELECT SUBSTR(nameKey, 1, ${n}) AS p FROM memberships WHERE orgId = ?
           UNION ALL SELECT SUBSTR(fullNameKey, 1, ${n}) AS p FROM memberships WHERE orgId = ?) k
         GROUP BY p ORDER BY c DESC, p LIMIT 1`,
        [orgId, orgId],
      )) as Array<{ p: string; c: number | string }>;
      out.push({ term: rows[0].p, matches: Number(rows[0].c) });
    }
    const [rare] = (await ds.query(`SELECT COUNT(*) AS c FROM memberships WHERE orgId = ? AND (nameKey LIKE ? OR fullNameKey LIKE ?)`, [
      orgId,
      `${RARE_SEARCH_TERM}%`,
      `${RARE_SEARCH_TERM}%`,
    ])) as Array<{ c: number | string }>;
    out.push({ term: RARE_SEARCH_TERM, matches: Number(rare.c) });
    return out;
  } finally {
    await ds.destroy();
  }
}

async function main(): Promise<void> {
  const started = new Date();
  const load0 = os.loadavg();
  mkdirSync(path.join(DATA, 'logs'), { recursive: true });
  mkdirSync(RESULTS, { recursive: true });
  log(
    `${DB}: users ${USERS}, orgs ${ORGS}, ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s per scenario, ${ROUNDS} rounds` +
      (ONLY.size ? `, only ${[...ONLY].join(',')}` : ''),
  );

  const needMaria = DB === 'mysql';
  const maria = needMaria
    ? await startThrowawayMariaDb({
        dataDir: path.join(DATA, 'mariadb'),
        bufferPoolMb: QUICK ? 256 : 1024,
        extraArgs: ['--innodb-log-file-size=1G', '--innodb-sort-buffer-size=64M'],
      })
    : null;
  const children: Child[] = [];
  const cleanup = async (): Promise<void> => {
    for (const c of children.splice(0)) {
      await c.stop();
    }
    await maria?.stop();
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const sqliteUrl = `sqlite:${path.join(DATA, `sqlite-${SIZE}.sqlite`)}`;
    const mysqlUrl = maria ? await createDatabaseIfMissing(maria, `bench_${SIZE}`) : null;
    const dbUrl = DB === 'mysql' ? mysqlUrl! : sqliteUrl;
    const { ds, seed, cpu: seedCpu } = await ensureSeeded(dbUrl, maria?.pid);
    await ds.destroy();
    if (args['seed-only']) {
      if (DB === 'mysql' && !args['no-sqlite']) {
        await (await ensureSeeded(sqliteUrl)).ds.destroy();
      }
      return;
    }

    const env = { NODE_ENV: 'production', DATABASE_URL: dbUrl, MFA_ENCRYPTION_KEY: MFA_KEY, LOG_LEVEL: 'warn' };
    const monitored = path.join(ROOT, 'dist', 'bench', 'monitored-server.js');
    const nodeArgs = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(DATA, 'profiles')}`] : [];
    const startServerChild = (name: string, main?: string): Promise<Child> =>
      startChild(monitored, { ...env, ...(main ? { GATEHOUSE_MAIN: main } : {}) }, path.join(DATA, 'logs', `${name}.log`), { nodeArgs });
    const server = await startServerChild('server');
    children.push(server);
    const watchDb: Record<string, number> = maria ? { mariadbd: maria.pid } : {};
    const baseline =
      DB === 'mysql' && want('throughput')
        ? await startChild(
            path.join(ROOT, 'dist', 'bench', 'baseline-server.js'),
            { DATABASE_URL: dbUrl },
            path.join(DATA, 'logs', 'baseline.log'),
          )
        : null;
    if (baseline) {
      children.push(baseline);
    }
    // --against DIR: the same scenarios' first page on a second build (another worktree's dist/), alternating.
    const other = args.against ? await startServerChild('against', path.resolve(args.against, 'dist', 'src', 'main.js')) : null;
    if (other) {
      children.push(other);
    }

    const token = await signIn(server.url, BIG_ORG.admin);
    const auth = { authorization: `Bearer ${token}` };
    const opts = { connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, watch: { server: server.pid, ...watchDb } };
    const rows: Row[] = [];
    const targets: Target[] = [];
    const results: Record<string, LoadResult> = {};
    const measure = async (name: string, spec: LoadSpec, o: Parameters<typeof load>[1] = opts): Promise<LoadResult> => {
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
        load: load1(),
      });
      return r;
    };
    const target = (t: Omit<Target, 'load'>, load = load1()): void => void targets.push({ ...t, load });
    const page = (variables: Record<string, unknown>, url = server.url): LoadSpec => ({
      url,
      path: '/graphql',
      headers: auth,
      body: body(PAGE_QUERY, { first: 50, ...variables }),
    });
    const round = (name: string, r: number): string => `${name} (round ${r + 1})`;

    // Warm every process well past V8's tiering (the first seconds of a fresh process run
    // several times slower per request) before anything is measured.
    log(`warming up (${WARMUP * 4} s per server)…`);
    for (const url of [server.url, ...(other ? [other.url] : [])]) {
      await load(page({}, url), { ...opts, watch: {}, warmup: 0, duration: WARMUP * 4 });
    }
    const baselineSpec: LoadSpec | null = baseline
      ? { url: baseline.url, path: '/graphql', headers: auth, body: body(PAGE_QUERY, { first: 50 }) }
      : null;
    if (baselineSpec) {
      await load(baselineSpec, { ...opts, watch: {}, warmup: 0, duration: WARMUP * 4 });
    }

    /* Throughput against the raw baseline, and userCounts on top of a page: alternating rounds. */
    const firstPages: LoadResult[] = [];
    if (want('throughput')) {
      const throughputRatios: number[] = [];
      const countRatios: number[] = [];
      const againstRatios: number[] = [];
      const baseRuns: LoadResult[] = [];
      const countsSpec: LoadSpec = { url: server.url, path: '/graphql', headers: auth, body: body(PAGE_WITH_COUNTS_QUERY, { first: 50 }) };
      for (let r = 0; r < ROUNDS; r++) {
        const base = baselineSpec
          ? await measure(round('baseline: fastify + mysql2, same SQL, page of 50', r), baselineSpec, {
              ...opts,
              watch: { baseline: baseline!.pid, ...watchDb },
            })
          : null;
        const first = await measure(round('users: first page by last name', r), page({}));
        firstPages.push(first);
        if (base) {
          baseRuns.push(base);
          throughputRatios.push(first.rps / base.rps);
        }
        if (other) {
          const b = await measure(round(`users: first page by last name, build ${args.against}`, r), page({}, other.url), {
            ...opts,
            watch: { server: other.pid, ...watchDb },
          });
          againstRatios.push(b.rps / first.rps);
        }
        const withCounts = await measure(round('users page + userCounts', r), countsSpec);
        countRatios.push(first.rps / withCounts.rps);
      }
      const cpu = (list: LoadResult[], proc: string): string => mean(list.map((x) => x.cpuMsPerRequest[proc] ?? NaN)).toFixed(2);
      if (baselineSpec) {
        const ratio = mean(throughputRatios);
        target({
          target: 'GraphQL first page throughput ≥ 70% of the raw baseline',
          value:
            `${(ratio * 100).toFixed(0)}% (rounds ${throughputRatios.map((x) => (x * 100).toFixed(0)).join(', ')}; ` +
            `${mean(firstPages.map((x) => x.rps)).toFixed(0)} vs ${mean(baseRuns.map((x) => x.rps)).toFixed(0)} req/s); ` +
            `CPU per request: server ${cpu(firstPages, 'server')} + db ${cpu(firstPages, 'mariadbd')} ms vs ` +
            `baseline ${cpu(baseRuns, 'baseline')} + db ${cpu(baseRuns, 'mariadbd')} ms`,
          pass: ratio >= 0.7,
        });
      }
      if (other) {
        rows.push({
          scenario: `A/B: build ${args.against} / this build, first page req/s`,
          note: `${(mean(againstRatios) * 100).toFixed(1)}% (rounds ${againstRatios.map((x) => (x * 100).toFixed(1)).join(', ')})`,
          load: load1(),
        });
      }
      const added = mean(countRatios) - 1;
      target({
        target: 'userCounts adds ≤ 10% to a page request',
        value: `${added >= 0 ? '+' : '−'}${Math.abs(added * 100).toFixed(1)}% time per request (rounds ${countRatios.map((x) => ((x - 1) * 100).toFixed(1)).join(', ')})`,
        pass: added <= 0.1,
      });
    }
    const firstPageP50 = async (): Promise<number> => {
      if (!firstPages.length) {
        firstPages.push(await measure('users: first page by last name', page({})));
      }
      return mean(firstPages.map((x) => x.p50));
    };

    /* Deep page, filters, counts, REST, a write. */
    let deepCursor: string | null = null;
    const deepRows = Math.floor(BIG_ORG.members * 0.9);
    if (want('pages') || want('blocking') || want('plans')) {
      log(`walking to ${deepRows} rows in for the deep page…`);
      deepCursor = await walkTo(server.url, token, deepRows);
      const deepNodes = (await gql(server.url, PAGE_QUERY, { first: 50, after: deepCursor }, token)).data?.users.nodes.length;
      if (deepNodes !== 50) {
        throw new Error(`the deep page holds ${deepNodes} rows, not 50`);
      }
    }
    if (want('pages')) {
      const firstP50 = await firstPageP50();
      const deep = await measure(`users: deep page (${deepRows} rows in)`, page({ after: deepCursor }));
      target({
        target: 'deep page p50 ≤ 1.2× first page',
        value: `${(deep.p50 / firstP50).toFixed(2)}× (${deep.p50} vs ${firstP50.toFixed(1)} ms)`,
        pass: deep.p50 <= 1.2 * firstP50,
      });
      await measure('users: filter inactive', page({ filter: { isActive: false } }));
      await measure('userCounts alone', { url: server.url, path: '/graphql', headers: auth, body: body(COUNTS_QUERY) });
      await measure('REST GET /user/users/page (size 50)', {
        url: server.url,
        method: 'GET',
        path: '/user/users/page?page=1&size=50&sort=lastName',
        headers: auth,
      });
      // updateMembership: flips allAccess on 200 members in turn (each request is a real change with its audit row).
      const memberIds = (
        await gql(server.url, 'query { users(first: 200, filter: { isAdmin: false, isActive: true }) { nodes { id } } }', {}, token)
      ).data?.users.nodes.map((n: { id: string }) => n.id) as string[];
      await measure('updateMembership (allAccess toggle, 200 members in turn)', {
        url: server.url,
        path: '/graphql',
        headers: auth,
        body: (n) =>
          body(
            'mutation($u: ID!, $v: Boolean!) { updateMembership(input: { userId: $u, allAccess: $v }) { membership { id allAccess } } }',
            {
              u: memberIds[n % memberIds.length],
              v: Math.floor(n / memberIds.length) % 2 === 0,
            },
          ),
      });
    }

    /* Search: the most common 1-, 2- and 3-character prefixes and a rare one, each against a page, alternating. */
    const prefixes = want('search') || want('blocking') ? await commonPrefixes(dbUrl, BIG_ORG.id) : [];
    if (want('search')) {
      const ratios = new Map<string, number[]>(prefixes.map((p) => [p.term, []]));
      const p50s = new Map<string, number[]>(prefixes.map((p) => [p.term, []]));
      const pageP50s: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const ref = await measure(round('users: first page (reference for the searches)', r), page({}));
        pageP50s.push(ref.p50);
        for (const p of prefixes) {
          const s = await measure(round(`users: prefix search "${p.term}" (${p.matches} name-key matches)`, r), page({ search: p.term }));
          ratios.get(p.term)!.push(s.p50 / ref.p50);
          p50s.get(p.term)!.push(s.p50);
        }
      }
      for (const p of prefixes) {
        const ratio = mean(ratios.get(p.term)!);
        target({
          target: `search p50 ≤ 1.5× first page ("${p.term}", ${p.term.length} char${p.term === RARE_SEARCH_TERM ? ', rare' : ', most common'})`,
          value: `${ratio.toFixed(2)}× (${mean(p50s.get(p.term)!).toFixed(1)} vs ${mean(pageP50s).toFixed(1)} ms; rounds ${ratios
            .get(p.term)!
            .map((x) => x.toFixed(2))
            .join(', ')})`,
          pass: ratio <= 1.5,
        });
      }
    }

    /* CSV export from a fresh, idle process: rows/s, peak RSS over the idle RSS, event-loop blocking. */
    if (want('export')) {
      log('scenario: CSV export (fresh process)');
      const fresh = await startServerChild('export');
      children.push(fresh);
      await new Promise((r) => setTimeout(r, 2000));
      const idleRss = rssMb(fresh.pid);
      let peakRss = idleRss;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(fresh.pid) || 0)), 20);
      const cpu0 = cpuSeconds(fresh.pid);
      await fresh.ask('loop-start');
      const t0 = performance.now();
      let lines = 0;
      try {
        const res = await fetch(`${fresh.url}/user/users/export.csv`, { headers: auth });
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
      const loop = await fresh.ask('loop-stop');
      const cpu = cpuSeconds(fresh.pid) - cpu0;
      await fresh.stop();
      children.splice(children.indexOf(fresh), 1);
      const exportRows = lines - 1;
      const exportRate = exportRows / exportSeconds;
      const l = load1();
      rows.push({
        scenario: 'CSV export of the big tenant (fresh process)',
        note:
          `${exportRows} rows in ${exportSeconds.toFixed(2)} s = ${Math.round(exportRate)} rows/s; server CPU ${cpu.toFixed(2)} s; ` +
          `RSS idle ${idleRss.toFixed(0)} MB, peak ${peakRss.toFixed(0)} MB; event loop blocked ≤ ${loop.max.toFixed(1)} ms`,
        load: l,
      });
      target(
        { target: 'CSV export ≥ 100k rows/s', value: `${Math.round(exportRate)} rows/s (${exportRows} rows)`, pass: exportRate >= 100_000 },
        l,
      );
      target(
        {
          target: 'CSV export peak RSS ≤ idle + 64 MB (fresh process)',
          value: `+${(peakRss - idleRss).toFixed(0)} MB (${idleRss.toFixed(0)} → ${peakRss.toFixed(0)} MB)`,
          pass: peakRss - idleRss <= 64,
        },
        l,
      );
      results['CSV export'] = { exportRows, exportSeconds, exportRate, idleRss, peakRss, loopMaxMs: loop.max } as unknown as LoadResult;
    }

    /* Page p99 while 20 clients sign in (argon2id on the hashing pool) vs idle: alternating rounds. */
    if (want('signin')) {
      const signers = Array.from({ length: 20 }, (_, i) => `admin@bench-${2 + (i % Math.max(1, ORGS - 1))}.bench`);
      const ratios: number[] = [];
      const notes: string[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        log(`scenario: page idle / during 20 concurrent sign-ins (round ${r + 1})`);
        const idlePage = await load(page({}), opts);
        let stop = false;
        let signIns = 0;
        let refused = 0;
        let failed = 0;
        const loops = signers.map(async (email) => {
          while (!stop) {
            const outcome = await signInOnce(server.url, email);
            if (outcome.ok) {
              signIns++;
            } else if (outcome.retryAfterSeconds) {
              // A well-behaved client waits as told (the hashing queue was full).
              refused++;
              await new Promise((res) => setTimeout(res, outcome.retryAfterSeconds! * 1000));
            } else {
              failed++;
            }
          }
        });
        const t1 = performance.now();
        const busyPage = await load(page({}), opts);
        const seconds = (performance.now() - t1) / 1000;
        stop = true;
        await Promise.all(loops);
        const l = load1();
        rows.push({
          scenario: round('users first page, idle (reference for the next row)', r),
          rps: idlePage.rps,
          p50: idlePage.p50,
          p99: idlePage.p99,
          cpu: `server ${idlePage.cpuMsPerRequest.server.toFixed(2)}`,
          load: l,
        });
        rows.push({
          scenario: round('users first page during 20 concurrent sign-ins', r),
          rps: busyPage.rps,
          p50: busyPage.p50,
          p99: busyPage.p99,
          note: `${(signIns / seconds).toFixed(0)} sign-ins/s${refused ? `, ${refused} refused (RATE_LIMITED, retried after Retry-After)` : ''}${failed ? `, ${failed} failed` : ''}`,
          load: l,
        });
        ratios.push(busyPage.p99 / idlePage.p99);
        notes.push(`${busyPage.p99} vs ${idlePage.p99} ms`);
      }
      const ratio = mean(ratios);
      target({
        target: 'page p99 during 20 concurrent sign-ins ≤ 1.25× idle p99',
        value: `${ratio.toFixed(2)}× (rounds ${ratios.map((x) => x.toFixed(2)).join(', ')}: ${notes.join('; ')})`,
        pass: ratio <= 1.25,
      });
    }

    /* Event-loop blocking: each kind of request alone (one connection), the longest stall of the server's event loop. */
    if (want('blocking')) {
      const kinds: Array<[string, LoadSpec]> = [
        ['first page', page({})],
        ['deep page', page({ after: deepCursor })],
        ...prefixes.map((p): [string, LoadSpec] => [`search "${p.term}"`, page({ search: p.term })]),
        ['filter inactive', page({ filter: { isActive: false } })],
        ['userCounts', { url: server.url, path: '/graphql', headers: auth, body: body(COUNTS_QUERY) }],
        ['REST page', { url: server.url, method: 'GET', path: '/user/users/page?page=1&size=50&sort=lastName', headers: auth }],
        [
          'sign-in',
          {
            url: server.url,
            path: '/graphql',
            body: body('mutation($o:String!,$e:String!,$p:String!){ signIn(input: { orgSlug:$o, email:$e, password:$p }){ status } }', {
              o: BIG_ORG.slug,
              e: BIG_ORG.admin,
              p: SEED_PASSWORD,
            }),
          },
        ],
      ];
      const worst: Array<{ kind: string; max: number; p99: number }> = [];
      for (const [kind, spec] of kinds) {
        await server.ask('loop-start');
        await load(spec, { connections: 1, duration: QUICK ? 1 : 3, warmup: 0 });
        const stats = await server.ask('loop-stop');
        worst.push({ kind, max: stats.max, p99: stats.p99 });
      }
      const l = load1();
      rows.push({
        scenario: 'event loop: longest stall while serving one request at a time',
        note: worst.map((w) => `${w.kind} ${w.max.toFixed(1)} ms (p99 ${w.p99.toFixed(1)})`).join('; '),
        load: l,
      });
      const over = worst.filter((w) => w.max > 5);
      if (DB === 'sqlite') {
        target(
          {
            target: 'no request blocks the event loop more than 5 ms (SQLite is synchronous)',
            value: over.length
              ? over.map((w) => `${w.kind} ${w.max.toFixed(1)} ms`).join('; ')
              : `worst ${Math.max(...worst.map((w) => w.max)).toFixed(1)} ms`,
            pass: over.length === 0,
          },
          l,
        );
      }
    }

    for (const c of children.splice(0)) {
      await c.stop();
    }

    /* Statements per request and query plans: this engine, plus SQLite after a MariaDB run. */
    if (want('plans')) {
      const captureRequests = planRequests(deepCursor);
      log(`capturing SQL and checking plans on ${DB}…`);
      const plans = await captureAndExplain(dbUrl, captureRequests);
      let sqlitePlans: typeof plans | null = null;
      if (DB === 'mysql' && !args['no-sqlite']) {
        const s = await ensureSeeded(sqliteUrl);
        await s.ds.destroy();
        log('checking plans on SQLite…');
        // The deep cursor is bound to MariaDB's data; SQLite has the same data and key, so it is valid there too.
        sqlitePlans = await captureAndExplain(sqliteUrl, captureRequests);
      }
      const statementsPerPage = (p: typeof plans): [number, number] => [p.perRequest['page 50'].length, p.perRequest['page 200'].length];
      const [s50, s200] = statementsPerPage(plans);
      target({
        target: 'SQL statements per page constant in page size (≤ 3)',
        value: `${s50} for 50 rows, ${s200} for 200 rows${sqlitePlans ? ` (SQLite ${statementsPerPage(sqlitePlans).join(' / ')})` : ''}`,
        pass: s50 === s200 && s50 <= 3 && (!sqlitePlans || statementsPerPage(sqlitePlans).every((n) => n === s50)),
      });
      const planProblems = [...plans.verdicts, ...(sqlitePlans?.verdicts ?? [])].flatMap((v) => v.problems);
      target({
        target: `no full scan or unbounded sort of users/memberships (${plans.verdicts.length} ${DB === 'mysql' ? 'MariaDB' : 'SQLite'}${sqlitePlans ? ` + ${sqlitePlans.verdicts.length} SQLite` : ''} statements)`,
        value: planProblems.length ? planProblems.slice(0, 3).join('; ') : 'none',
        pass: planProblems.length === 0,
      });
      results['statements'] = {
        [DB]: plans.perRequest,
        ...(sqlitePlans ? { sqlite: sqlitePlans.perRequest } : {}),
      } as unknown as LoadResult;
      results['plans'] = { [DB]: plans.verdicts, ...(sqlitePlans ? { sqlite: sqlitePlans.verdicts } : {}) } as unknown as LoadResult;
    }

    const loadEnd = os.loadavg();
    const machine = {
      cpu: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}`,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      database: DB === 'mysql' ? execFileSync('mariadb', ['--version'], { encoding: 'utf8' }).trim() : 'SQLite (better-sqlite3)',
      loadavgStart: load0.map((x) => x.toFixed(2)).join(' '),
      loadavgEnd: loadEnd.map((x) => x.toFixed(2)).join(' '),
    };
    const out = {
      date: started.toISOString(),
      db: DB,
      users: USERS,
      orgs: ORGS,
      bigOrgMembers: BIG_ORG.members,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      warmupSeconds: WARMUP,
      rounds: ROUNDS,
      only: [...ONLY],
      machine,
      seedSeconds: seed?.seconds ?? null,
      seedPhases: seed?.phases ?? null,
      seedCpuSeconds: seedCpu ?? null,
      searchPrefixes: prefixes,
      scenarios: rows,
      raw: results,
      targets,
    };
    const name = `bench-${SIZE}${DB === 'sqlite' ? '-sqlite' : ''}${ONLY.size ? `-${[...ONLY].join('-')}` : ''}`;
    writeFileSync(path.join(RESULTS, `${name}.json`), JSON.stringify(out, null, 2) + '\n');
    const md = markdown(out, rows, targets);
    writeFileSync(path.join(RESULTS, `${name}.md`), md);
    process.stdout.write('\n' + md);
    process.exitCode = 0;
  } finally {
    await cleanup();
  }
}

/** One sign-in; RATE_LIMITED answers carry the Retry-After the client is asked to wait. */
async function signInOnce(url: string, email: string): Promise<{ ok: boolean; retryAfterSeconds?: number }> {
  try {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body('mutation($o:String!,$e:String!,$p:String!){ signIn(input: { orgSlug:$o, email:$e, password:$p }){ status } }', {
        o: `bench-${/bench-(\d+)/.exec(email)![1]}`,
        e: email,
        p: SEED_PASSWORD,
      }),
    });
    const r = (await res.json()) as { data?: { signIn?: { status: string } }; errors?: Array<{ extensions?: { code?: string } }> };
    if (r.data?.signIn) {
      return { ok: true };
    }
    const retry = Number(res.headers.get('retry-after'));
    return r.errors?.[0]?.extensions?.code === 'RATE_LIMITED' && retry > 0 ? { ok: false, retryAfterSeconds: retry } : { ok: false };
  } catch {
    return { ok: false };
  }
}

function markdown(
  out: {
    date: string;
    db: string;
    users: number;
    orgs: number;
    bigOrgMembers: number;
    connections: number;
    durationSeconds: number;
    rounds: number;
    machine: Record<string, unknown>;
    seedSeconds: number | null;
  },
  rows: Row[],
  targets: Target[],
): string {
  const fmt = (n: number | undefined, d = 0): string => (n === undefined ? '' : n.toFixed(d));
  const lines = [
    `## Benchmark (${out.db === 'mysql' ? 'MariaDB' : 'SQLite'}): ${out.users.toLocaleString('en-US')} users, ${out.orgs} orgs (big tenant ${out.bigOrgMembers.toLocaleString('en-US')} members)`,
    '',
    `${out.date.slice(0, 16).replace('T', ' ')} UTC · ${String(out.machine.cpu)}, ${String(out.machine.memoryGb)} GB · Node ${String(out.machine.node)} · ` +
      `${String(out.machine.database).replace(/^.*Distrib ([^,]+),.*$/, 'MariaDB $1')} · load average ${String(out.machine.loadavgStart)} → ${String(out.machine.loadavgEnd)} · ` +
      `${out.connections} connections, ${out.durationSeconds} s per scenario after warm-up, ratios averaged over ${out.rounds} alternating rounds` +
      (out.seedSeconds !== null ? ` · seeded in ${out.seedSeconds.toFixed(1)} s` : ''),
    '',
    '| scenario | req/s | p50 ms | p99 ms | CPU ms per request | note | load avg |',
    '|---|---:|---:|---:|---|---|---:|',
    ...rows.map(
      (r) => `| ${r.scenario} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.cpu ?? ''} | ${r.note ?? ''} | ${r.load.toFixed(2)} |`,
    ),
    '',
    '| target | measured | | load avg |',
    '|---|---|---|---:|',
    ...targets.map((t) => `| ${t.target} | ${t.value} | ${t.pass ? 'PASS' : 'FAIL'} | ${t.load.toFixed(2)} |`),
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
