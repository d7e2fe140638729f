/** Throughput against the raw baseline (and an A/B build), and userCounts on top of a page: alternating rounds. */
import type { Bench } from '../context';
import { round } from '../context';
import { AGAINST, ROUNDS, load1, mean } from '../options';
import { PAGE_QUERY, PAGE_WITH_COUNTS_QUERY, body } from '../requests';
import type { LoadResult, LoadSpec } from '../support';

export async function throughput(bench: Bench): Promise<void> {
  const { server, baseline, other, auth, opts, watchDb } = bench;
  const baselineSpec: LoadSpec | null = baseline
    ? { url: baseline.url, path: '/graphql', headers: auth, body: body(PAGE_QUERY, { first: 50 }) }
    : null;
  const throughputRatios: number[] = [];
  const countRatios: number[] = [];
  const againstRatios: number[] = [];
  const baseRuns: LoadResult[] = [];
  const firstPages = bench.firstPages;
  const countsSpec: LoadSpec = { url: server.url, path: '/graphql', headers: auth, body: body(PAGE_WITH_COUNTS_QUERY, { first: 50 }) };
  for (let r = 0; r < ROUNDS; r++) {
    const base = baselineSpec
      ? await bench.measure(round('baseline: fastify + mysql2, same SQL, page of 50', r), baselineSpec, {
          ...opts,
          watch: { baseline: baseline!.pid, ...watchDb },
        })
      : null;
    const first = await bench.measure(round('users: first page by last name', r), bench.page({}));
    firstPages.push(first);
    if (base) {
      baseRuns.push(base);
      throughputRatios.push(first.rps / base.rps);
    }
    if (other) {
      const b = await bench.measure(round(`users: first page by last name, build ${AGAINST}`, r), bench.page({}, other.url), {
        ...opts,
        watch: { server: other.pid, ...watchDb },
      });
      againstRatios.push(b.rps / first.rps);
    }
    const withCounts = await bench.measure(round('users page + userCounts', r), countsSpec);
    countRatios.push(first.rps / withCounts.rps);
  }
  const cpu = (list: LoadResult[], proc: string): string => mean(list.map((x) => x.cpuMsPerRequest[proc] ?? NaN)).toFixed(2);
  if (baselineSpec) {
    const ratio = mean(throughputRatios);
    bench.target({
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
    bench.rows.push({
      scenario: `A/B: build ${AGAINST} / this build, first page req/s`,
      note: `${(mean(againstRatios) * 100).toFixed(1)}% (rounds ${againstRatios.map((x) => (x * 100).toFixed(1)).join(', ')})`,
      load: load1(),
    });
  }
  const added = mean(countRatios) - 1;
  bench.target({
    target: 'userCounts adds ≤ 10% to a page request',
    value: `${added >= 0 ? '+' : '−'}${Math.abs(added * 100).toFixed(1)}% time per request (rounds ${countRatios.map((x) => ((x - 1) * 100).toFixed(1)).join(', ')})`,
    pass: added <= 0.1,
  });
}
