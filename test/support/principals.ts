import { randomBytes } from 'node:crypto';
import type { Membership, Org, User } from '../../src/entities';
import type { NewMember } from '../../src/services/accounts/provisioning.service';
import type { GqlResponse } from './graphql-client';
import type { HttpResponse, TestApp } from './app';

/* Fixtures: orgs, members and signed-in principals (helpers per principal). */

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
    'mutation($o: String!, $e: String!, $p: String!) { signIn(input: { orgSlug: $o, email: $e, password: $p }) { status token } }',
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
