import type { CapturedStatement } from './plan-check';

/** The GraphQL and REST requests the benchmark and the query-plan test send (one place, so both check the same SQL). */

export const PAGE_QUERY = `query Page($first: Int, $after: String, $search: String, $filter: UserFilter) {
  users(first: $first, after: $after, search: $search, filter: $filter, orderBy: { field: LAST_NAME, direction: ASC }) {
    nodes { id firstName lastName email }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const PAGE_WITH_COUNTS_QUERY = `query PageAndCounts($first: Int) {
  users(first: $first, orderBy: { field: LAST_NAME, direction: ASC }) {
    nodes { id firstName lastName email }
    pageInfo { hasNextPage endCursor }
  }
  userCounts { licensedSeats enabled inactive countedTowardSeats }
}`;
export const COUNTS_QUERY = `{ userCounts { licensedSeats enabled inactive countedTowardSeats } }`;
const TOTAL_QUERY = `query Total($search: String, $filter: UserFilter) { users(first: 1, search: $search, filter: $filter) { totalCount } }`;
const ORDER_QUERY = `query Ordered($field: UserOrderField!, $direction: SortDirection!, $after: String) {
  users(first: 50, after: $after, orderBy: { field: $field, direction: $direction }) { nodes { id } pageInfo { endCursor } }
}`;
/**
 * Prefixes the plan check searches with: 1 to 4 characters (common in the seed's names; one range
 * of the search index each), longer ones (a seek on the stored 4-character prefix, filtered), and a rare one.
 */
export const PLAN_SEARCH_TERMS = ['m', 'ma', 'mar', 'mart', 'marti', 'smith j', 'kow'];
/** A page read backward (last/before), selecting hasNextPage too: that is the probe past `before`. */
const BACKWARD_QUERY = `query Backward($field: UserOrderField!, $direction: SortDirection!, $before: String, $search: String) {
  users(last: 50, before: $before, search: $search, orderBy: { field: $field, direction: $direction }) { nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor } }
}`;
/** A selective prefix (few members match it): the seed's "Kowalski" is near the end of its skewed name list. */
export const RARE_SEARCH_TERM = 'kow';

export function body(query: string, variables: Record<string, unknown> = {}): string {
  return JSON.stringify({ query, variables });
}

export interface CaptureRequest {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** A REST path instead of a GraphQL query. */
  rest?: string;
  /** Capture the second page (the query's `after` is set from the first page's endCursor). */
  secondPage?: boolean;
  /** Capture a backward page ending before the second page's first row (`before` = the first page's endCursor read forward). */
  backwardPage?: boolean;
}

/** Starts and stops recording the SQL statements the server runs (fed by the DataSource's onQuery). */
export interface StatementRecorder {
  start(): void;
  stop(): CapturedStatement[];
}

async function send(url: string, token: string, r: CaptureRequest, variables: Record<string, unknown> | undefined): Promise<any> {
  const res = r.rest
    ? await fetch(url + r.rest, { headers: { authorization: `Bearer ${token}` } })
    : await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: body(r.query, variables),
      });
  const text = await res.text();
  if (!res.ok || text.includes('"errors"')) {
    throw new Error(`${r.name}: ${res.status} ${text.slice(0, 500)}`);
  }
  return JSON.parse(text);
}

/**
 * Sends each request twice as `token`'s principal (the first run warms caches such as the
 * org lookup) and records the statements of the second. Returns them by request name.
 */
export async function exerciseRequests(
  url: string,
  token: string,
  requests: CaptureRequest[],
  recorder: StatementRecorder,
): Promise<Record<string, CapturedStatement[]>> {
  const out: Record<string, CapturedStatement[]> = {};
  for (const r of requests) {
    let variables = r.variables;
    if (r.secondPage) {
      const firstPage = await send(url, token, r, variables);
      variables = { ...variables, after: firstPage.data.users.pageInfo.endCursor };
    }
    if (r.backwardPage) {
      const forward = await send(url, token, { ...r, query: ORDER_QUERY }, { ...variables, after: null });
      const second = await send(url, token, { ...r, query: ORDER_QUERY }, { ...variables, after: forward.data.users.pageInfo.endCursor });
      variables = { ...variables, before: second.data.users.pageInfo.endCursor };
    }
    if (r.rest && (await fetch(url + r.rest, { headers: { authorization: `Bearer ${token}` } })).status === 404) {
      continue; // this build has no such REST path
    }
    await send(url, token, r, variables);
    recorder.start();
    await send(url, token, r, variables);
    out[r.name] = recorder.stop();
  }
  return out;
}

/** Every list/search/count shape whose statements are counted and EXPLAINed. */
export function planRequests(deepCursor: string | null): CaptureRequest[] {
  return [
    { name: 'page 50', query: PAGE_QUERY, variables: { first: 50 } },
    { name: 'page 200', query: PAGE_QUERY, variables: { first: 200 } },
    ...(deepCursor ? [{ name: 'deep page', query: PAGE_QUERY, variables: { first: 50, after: deepCursor } }] : []),
    ...PLAN_SEARCH_TERMS.map((term) => ({ name: `search "${term}"`, query: PAGE_QUERY, variables: { first: 50, search: term } })),
    { name: 'search email', query: PAGE_QUERY, variables: { first: 50, search: 'maria.' } },
    { name: 'filter inactive', query: PAGE_QUERY, variables: { first: 50, filter: { isActive: false } } },
    { name: 'filter mfaOptOut', query: PAGE_QUERY, variables: { first: 50, filter: { mfaOptOut: true } } },
    { name: 'filter mfaEnrolled', query: PAGE_QUERY, variables: { first: 50, filter: { mfaEnrolled: true } } },
    ...(['LAST_NAME', 'EMAIL', 'LAST_LOGIN_AT', 'CREATED_AT'] as const).flatMap((field) =>
      (['ASC', 'DESC'] as const).map((direction) => ({
        name: `page 2 by ${field} ${direction}`,
        query: ORDER_QUERY,
        variables: { field, direction },
        secondPage: true,
      })),
    ),
    { name: 'search page 2', query: PAGE_QUERY, variables: { first: 50, search: 'ma' }, secondPage: true },
    ...searchPlanRequests(),
    ...(['LAST_NAME', 'EMAIL', 'LAST_LOGIN_AT', 'CREATED_AT'] as const).flatMap((field) =>
      (['ASC', 'DESC'] as const).flatMap((direction) => [
        { name: `backward page by ${field} ${direction}`, query: BACKWARD_QUERY, variables: { field, direction }, backwardPage: true },
        { name: `last page by ${field} ${direction}`, query: BACKWARD_QUERY, variables: { field, direction } },
      ]),
    ),
    { name: 'last page of search', query: BACKWARD_QUERY, variables: { field: 'LAST_NAME', direction: 'ASC', search: 'ma' } },
    { name: 'totalCount', query: TOTAL_QUERY },
    { name: 'totalCount search', query: TOTAL_QUERY, variables: { search: 'mar' } },
    { name: 'totalCount filter', query: TOTAL_QUERY, variables: { filter: { mfaOptOut: true } } },
    { name: 'userCounts', query: COUNTS_QUERY },
    { name: 'REST page', query: '', rest: '/user/users/page?page=1&size=50&sort=lastName' },
  ];
}

/** Search with a filter and with each admin-only order (bounded by the prefix's matches; see member-query.ts). */
function searchPlanRequests(): CaptureRequest[] {
  const ordered = `query($search: String, $field: UserOrderField!, $direction: SortDirection!, $after: String) {
  users(first: 50, after: $after, search: $search, orderBy: { field: $field, direction: $direction }) { nodes { id } pageInfo { endCursor } }
}`;
  return [
    { name: 'search "ma" inactive', query: PAGE_QUERY, variables: { first: 50, search: 'ma', filter: { isActive: false } } },
    { name: 'search "marti" page 2', query: PAGE_QUERY, variables: { first: 50, search: 'marti' }, secondPage: true },
    // A rare prefix (its matches are sorted) and a common one (on a big org: the order's index is walked).
    ...(['kow', 'm'] as const).flatMap((search) =>
      (['EMAIL', 'LAST_LOGIN_AT', 'CREATED_AT'] as const).map((field) => ({
        name: `search "${search}" by ${field}`,
        query: ordered,
        variables: { search, field, direction: 'DESC' },
      })),
    ),
  ];
}
