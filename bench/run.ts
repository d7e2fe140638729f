/**
 * `npm run bench [-- --users 1000000 | --quick] [--db sqlite] [--only search,export] [--against ../other-checkout]`:
 * the member-list benchmark (docs/benchmark.md).
 *
 * Starts its own MariaDB (data kept in bench/data/ so the seeded set is reused), seeds it when
 * missing, starts the server in production mode and the raw fastify + mysql2 baseline as child
 * processes, signs in as the big tenant's admin, runs every scenario (bench/scenarios/) with
 * autocannon (warm-up first), checks the query plans of every list/search/count statement on
 * MariaDB and SQLite, and writes bench/results/bench-<size>.json and .md with each target's PASS/FAIL.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startThrowawayMariaDb } from '../test/support/mariadb';
import { signIn } from './clients';
import { createBench, serverStarter, warmUp, type Bench } from './context';
import { commonPrefixes, createDatabaseIfMissing, ensureSeeded } from './data';
import {
  AGAINST,
  BIG_ORG,
  CONNECTIONS,
  DATA,
  DB,
  DURATION,
  MFA_KEY,
  NO_SQLITE,
  ONLY,
  ORGS,
  QUICK,
  RESULTS,
  ROOT,
  ROUNDS,
  SEED_ONLY,
  SIZE,
  USERS,
  WARMUP,
  log,
  want,
} from './options';
import { writeReport } from './report';
import { blocking } from './scenarios/blocking';
import { exportCsv } from './scenarios/export';
import { deepCursorOf, pages } from './scenarios/pages';
import { plans } from './scenarios/plans';
import { search } from './scenarios/search';
import { signInContention } from './scenarios/signin';
import { throughput } from './scenarios/throughput';
import { startChild, type Child } from './support';

async function main(): Promise<void> {
  const started = new Date();
  const load0 = os.loadavg();
  mkdirSync(path.join(DATA, 'logs'), { recursive: true });
  mkdirSync(RESULTS, { recursive: true });
  log(
    `${DB}: users ${USERS}, orgs ${ORGS}, ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s per scenario, ${ROUNDS} rounds` +
      (ONLY.size ? `, only ${[...ONLY].join(',')}` : ''),
  );
  const maria =
    DB === 'mysql'
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
    const dbUrl = maria ? await createDatabaseIfMissing(maria, `bench_${SIZE}`) : sqliteUrl;
    const { ds, seed, cpu: seedCpu } = await ensureSeeded(dbUrl, maria?.pid);
    await ds.destroy();
    if (SEED_ONLY) {
      if (DB === 'mysql' && !NO_SQLITE) {
        await (await ensureSeeded(sqliteUrl)).ds.destroy();
      }
      return;
    }

    const startServer = serverStarter(dbUrl, { NODE_ENV: 'production', MFA_ENCRYPTION_KEY: MFA_KEY, LOG_LEVEL: 'warn' });
    const server = await startServer('server');
    children.push(server);
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
    const other = AGAINST ? await startServer('against', path.resolve(AGAINST, 'dist', 'src', 'main.js')) : null;
    if (other) {
      children.push(other);
    }
    const bench = createBench({
      dbUrl,
      server,
      baseline,
      other,
      token: await signIn(server.url, BIG_ORG.admin),
      watchDb: maria ? { mariadbd: maria.pid } : {},
      startServer,
    });

    await warmUp(bench);
    if (want('throughput')) {
      await throughput(bench);
    }
    const deepCursor = want('pages') || want('blocking') || want('plans') ? await deepCursorOf(bench) : null;
    if (want('pages')) {
      await pages(bench, deepCursor!);
    }
    const prefixes = want('search') || want('blocking') ? await commonPrefixes(dbUrl, BIG_ORG.id) : [];
    if (want('search')) {
      await search(bench, prefixes);
    }
    if (want('export')) {
      await exportCsv(bench);
    }
    if (want('signin')) {
      await signInContention(bench);
    }
    if (want('blocking')) {
      await blocking(bench, deepCursor, prefixes);
    }
    for (const c of children.splice(0)) {
      await c.stop();
    }
    if (want('plans')) {
      await plans(bench, deepCursor, sqliteUrl);
    }
    report(bench, { started, load0, seed, seedCpu, prefixes });
    process.exitCode = 0;
  } finally {
    await cleanup();
  }
}

function report(
  bench: Bench,
  run: {
    started: Date;
    load0: number[];
    seed: Awaited<ReturnType<typeof ensureSeeded>>['seed'];
    seedCpu?: Record<string, number>;
    prefixes: unknown;
  },
): void {
  const loadEnd = os.loadavg();
  const name = `bench-${SIZE}${DB === 'sqlite' ? '-sqlite' : ''}${ONLY.size ? `-${[...ONLY].join('-')}` : ''}`;
  writeReport(name, {
    date: run.started.toISOString(),
    db: DB,
    users: USERS,
    orgs: ORGS,
    bigOrgMembers: BIG_ORG.members,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    rounds: ROUNDS,
    only: [...ONLY],
    machine: {
      cpu: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}`,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      database: DB === 'mysql' ? execFileSync('mariadb', ['--version'], { encoding: 'utf8' }).trim() : 'SQLite (better-sqlite3)',
      loadavgStart: run.load0.map((x) => x.toFixed(2)).join(' '),
      loadavgEnd: loadEnd.map((x) => x.toFixed(2)).join(' '),
    },
    seedSeconds: run.seed?.seconds ?? null,
    seedPhases: run.seed?.phases ?? null,
    seedCpuSeconds: run.seedCpu ?? null,
    searchPrefixes: run.prefixes,
    scenarios: bench.rows,
    raw: bench.results,
    targets: bench.targets,
  });
}

if (!existsSync(path.join(ROOT, 'dist', 'src', 'main.js'))) {
  throw new Error('run `npm run bench` (it builds dist/ first)');
}
main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
