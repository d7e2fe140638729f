/** The benchmark's own requests outside autocannon: sign-ins, the walk to a deep cursor, a scenario's check request. */
import { SEED_PASSWORD } from '../src/cli/seed';
import { body } from './requests';
import { gql } from './support';

const SIGN_IN = 'mutation($o:String!,$e:String!,$p:String!){ signIn(input: { orgSlug:$o, email:$e, password:$p }){ status token } }';
/** The seed's admins are admin@bench-N.bench of org bench-N. */
const orgOf = (email: string): string => `bench-${/bench-(\d+)/.exec(email)![1]}`;

export async function signIn(url: string, email: string, accept: string[] = ['SIGNED_IN']): Promise<string> {
  const r = await gql(url, SIGN_IN, { o: orgOf(email), e: email, p: SEED_PASSWORD });
  const s = r.data?.signIn as { status: string; token: string } | undefined;
  if (!s || !accept.includes(s.status)) {
    throw new Error(`sign-in of ${email} failed: ${JSON.stringify(r.errors ?? s)}`);
  }
  return s.token;
}

/** One sign-in; RATE_LIMITED answers carry the Retry-After the client is asked to wait. */
export async function signInOnce(url: string, email: string): Promise<{ ok: boolean; retryAfterSeconds?: number }> {
  try {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body(SIGN_IN, { o: orgOf(email), e: email, p: SEED_PASSWORD }),
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

/** Walks the big tenant's list by last name with pages of 200 up to `rows` rows in; returns that cursor. */
export async function walkTo(url: string, token: string, rows: number): Promise<string> {
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
export async function assertOk(name: string, url: string, pathAndQuery: string, init: RequestInit): Promise<void> {
  const r = await fetch(url + pathAndQuery, init);
  const text = await r.text();
  if (!r.ok || text.includes('"errors"')) {
    throw new Error(`scenario ${name}: ${r.status} ${text.slice(0, 500)}`);
  }
}
