/** Deep page, filters, counts, REST, a write. */
import { walkTo } from '../clients';
import { firstPageP50, type Bench } from '../context';
import { BIG_ORG, log } from '../options';
import { COUNTS_QUERY, PAGE_QUERY, body } from '../requests';
import { gql } from '../support';

/** How deep the deep page is: 90% of the big tenant's list. */
const deepRows = (): number => Math.floor(BIG_ORG.members * 0.9);

/** The cursor 90% into the big tenant's list by last name (checked: a full page of 50 follows it). */
export async function deepCursorOf(bench: Bench): Promise<string> {
  log(`walking to ${deepRows()} rows in for the deep page…`);
  const cursor = await walkTo(bench.server.url, bench.token, deepRows());
  const deepNodes = (await gql(bench.server.url, PAGE_QUERY, { first: 50, after: cursor }, bench.token)).data?.users.nodes.length;
  if (deepNodes !== 50) {
    throw new Error(`the deep page holds ${deepNodes} rows, not 50`);
  }
  return cursor;
}

export async function pages(bench: Bench, deepCursor: string): Promise<void> {
  const { server, auth, token } = bench;
  const firstP50 = await firstPageP50(bench);
  const deep = await bench.measure(`users: deep page (${deepRows()} rows in)`, bench.page({ after: deepCursor }));
  bench.target({
    target: 'deep page p50 ≤ 1.2× first page',
    value: `${(deep.p50 / firstP50).toFixed(2)}× (${deep.p50} vs ${firstP50.toFixed(1)} ms)`,
    pass: deep.p50 <= 1.2 * firstP50,
  });
  await bench.measure('users: filter inactive', bench.page({ filter: { isActive: false } }));
  await bench.measure('userCounts alone', { url: server.url, path: '/graphql', headers: auth, body: body(COUNTS_QUERY) });
  await bench.measure('REST GET /user/users/page (size 50)', {
    url: server.url,
    method: 'GET',
    path: '/user/users/page?page=1&size=50&sort=lastName',
    headers: auth,
  });
  // updateMembership: flips allAccess on 200 members in turn (each request is a real change with its audit row).
  const memberIds = (
    await gql(server.url, 'query { users(first: 200, filter: { isAdmin: false, isActive: true }) { nodes { id } } }', {}, token)
  ).data?.users.nodes.map((n: { id: string }) => n.id) as string[];
  await bench.measure('updateMembership (allAccess toggle, 200 members in turn)', {
    url: server.url,
    path: '/graphql',
    headers: auth,
    body: (n) =>
      body('mutation($u: ID!, $v: Boolean!) { updateMembership(input: { userId: $u, allAccess: $v }) { membership { id allAccess } } }', {
        u: memberIds[n % memberIds.length],
        v: Math.floor(n / memberIds.length) % 2 === 0,
      }),
  });
}
