/** Event-loop blocking: each kind of request alone (one connection), the longest stall of the server's event loop. */
import { SEED_PASSWORD } from '../../src/cli/seed';
import type { Bench } from '../context';
import type { SearchPrefix } from '../data';
import { BIG_ORG, DB, QUICK, load1 } from '../options';
import { COUNTS_QUERY, body } from '../requests';
import { load, type LoadSpec } from '../support';

/** SQLite is synchronous: a statement that runs longer than this holds every other request. */
const MAX_STALL_MS = 5;

export async function blocking(bench: Bench, deepCursor: string | null, prefixes: SearchPrefix[]): Promise<void> {
  const { server, auth } = bench;
  const kinds: Array<[string, LoadSpec]> = [
    ['first page', bench.page({})],
    ...(deepCursor ? [['deep page', bench.page({ after: deepCursor })] as [string, LoadSpec]] : []),
    ...prefixes.map((p): [string, LoadSpec] => [`search "${p.term}"`, bench.page({ search: p.term })]),
    ['filter inactive', bench.page({ filter: { isActive: false } })],
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
  bench.rows.push({
    scenario: 'event loop: longest stall while serving one request at a time',
    note: worst.map((w) => `${w.kind} ${w.max.toFixed(1)} ms (p99 ${w.p99.toFixed(1)})`).join('; '),
    load: l,
  });
  const over = worst.filter((w) => w.max > MAX_STALL_MS);
  if (DB === 'sqlite') {
    bench.target(
      {
        target: `no request blocks the event loop more than ${MAX_STALL_MS} ms (SQLite is synchronous)`,
        value: over.length
          ? over.map((w) => `${w.kind} ${w.max.toFixed(1)} ms`).join('; ')
          : `worst ${Math.max(...worst.map((w) => w.max)).toFixed(1)} ms`,
        pass: over.length === 0,
      },
      l,
    );
  }
}
