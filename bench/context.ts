/**
 * What every scenario shares: the running server (and the baseline / A/B build when started), the
 * big tenant admin's token, the load options, and the collected rows, targets and raw results.
 */
import path from 'node:path';
import { assertOk } from './clients';
import { CONNECTIONS, DATA, DURATION, PROFILE, ROOT, WARMUP, load1, log, mean } from './options';
import type { Row, Target } from './report';
import { PAGE_QUERY, body } from './requests';
import { load, startChild, type Child, type LoadResult, type LoadSpec } from './support';

type LoadOptions = Parameters<typeof load>[1];

export interface Bench {
  /** The database the servers run on. */
  dbUrl: string;
  server: Child;
  /** The raw fastify + mysql2 baseline (MariaDB, throughput only). */
  baseline: Child | null;
  /** `--against DIR`: another build's server. */
  other: Child | null;
  token: string;
  auth: Record<string, string>;
  /** Processes whose CPU each load run reports besides the server (mariadbd). */
  watchDb: Record<string, number>;
  opts: LoadOptions;
  rows: Row[];
  targets: Target[];
  results: Record<string, unknown>;
  /** First-page runs so far (the throughput rounds); later ratios reuse them. */
  firstPages: LoadResult[];
  /** Starts another monitored server on the same database (a fresh process). */
  startServer(name: string, main?: string): Promise<Child>;
  /** Checks the request once, runs it under load, records a row. */
  measure(name: string, spec: LoadSpec, o?: LoadOptions): Promise<LoadResult>;
  target(t: Omit<Target, 'load'>, load?: number): void;
  /** The first-page GraphQL request with these variables (50 rows by last name). */
  page(variables: Record<string, unknown>, url?: string): LoadSpec;
}

export const round = (name: string, r: number): string => `${name} (round ${r + 1})`;

/** A monitored server child (monitored-server.ts) on `dbUrl`, logging to bench/data/logs/<name>.log. */
export function serverStarter(dbUrl: string, env: Record<string, string>): (name: string, main?: string) => Promise<Child> {
  const monitored = path.join(ROOT, 'dist', 'bench', 'monitored-server.js');
  const nodeArgs = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(DATA, 'profiles')}`] : [];
  return (name, main) =>
    startChild(
      monitored,
      { ...env, DATABASE_URL: dbUrl, ...(main ? { GATEHOUSE_MAIN: main } : {}) },
      path.join(DATA, 'logs', `${name}.log`),
      {
        nodeArgs,
      },
    );
}

export function createBench(parts: {
  dbUrl: string;
  server: Child;
  baseline: Child | null;
  other: Child | null;
  token: string;
  watchDb: Record<string, number>;
  startServer: Bench['startServer'];
}): Bench {
  const auth = { authorization: `Bearer ${parts.token}` };
  const opts: LoadOptions = {
    connections: CONNECTIONS,
    duration: DURATION,
    warmup: WARMUP,
    watch: { server: parts.server.pid, ...parts.watchDb },
  };
  const bench: Bench = {
    ...parts,
    auth,
    opts,
    rows: [],
    targets: [],
    results: {},
    firstPages: [],
    measure: async (name, spec, o = opts) => {
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
      bench.results[name] = r;
      bench.rows.push({
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
    },
    target: (t, l = load1()) => void bench.targets.push({ ...t, load: l }),
    page: (variables, url = parts.server.url) => ({
      url,
      path: '/graphql',
      headers: auth,
      body: body(PAGE_QUERY, { first: 50, ...variables }),
    }),
  };
  return bench;
}

/**
 * Warms every process well past V8's tiering (the first seconds of a fresh process run several
 * times slower per request) before anything is measured.
 */
export async function warmUp(bench: Bench): Promise<void> {
  log(`warming up (${WARMUP * 4} s per server)…`);
  const o = { ...bench.opts, watch: {}, warmup: 0, duration: WARMUP * 4 };
  for (const url of [bench.server.url, ...(bench.other ? [bench.other.url] : [])]) {
    await load(bench.page({}, url), o);
  }
  if (bench.baseline) {
    await load({ url: bench.baseline.url, path: '/graphql', headers: bench.auth, body: body(PAGE_QUERY, { first: 50 }) }, o);
  }
}

/** The mean first-page p50 of the throughput rounds (one run of its own when they did not run). */
export async function firstPageP50(bench: Bench): Promise<number> {
  if (!bench.firstPages.length) {
    bench.firstPages.push(await bench.measure('users: first page by last name', bench.page({})));
  }
  return mean(bench.firstPages.map((x) => x.p50));
}
