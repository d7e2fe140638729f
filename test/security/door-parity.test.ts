import { getMetadataStorage } from 'type-graphql';
import type { Principal as SessionPrincipal } from '../../src/context';
import type { Org } from '../../src/entities';
import type { SessionKindValue } from '../../src/entities/session.entity';
import { OPERATIONS, decide, isOp, type Op } from '../../src/services/access/policy';
import { REST_ROUTES } from '../../src/rest/routes';
import { createMember, createOrg, startTestApp, testDbKind, type TestApp } from '../support/harness';

/**
 * docs/product.md rule 3b: both doors take every access decision from one policy. Every GraphQL
 * root field (from the schema) and every REST route (REST_ROUTES) is run as every kind of
 * principal against a member of the principal's org, a member of another org and a missing id.
 * Checked: the door's refusal is the policy's own decision (code and message); twin operations
 * get the same decision; a foreign target and a missing one get the very same answer. The test
 * fails when a field or a route is added without an operation, a twin entry and a runner here.
 */

const KINDS = ['anonymous', 'enrollment', 'challenge', 'member', 'impersonation', 'foreignAdmin', 'admin'] as const;
type Kind = (typeof KINDS)[number];
const TARGETS = ['foreign', 'missing', 'own'] as const;
type TargetKind = (typeof TARGETS)[number];
type Decision = 'ALLOWED' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

interface World {
  orgs: { A: Org; B: Org };
  roleId: number;
  groupId: number;
  /** A member of each org that operations target, with an externalRef in its org. */
  targets: { A: { id: number; ref: string }; B: { id: number; ref: string } };
  tokens: Record<Kind, string | null>;
  principals: Record<Kind, SessionPrincipal | null>;
}

const MISSING_ID = 999_999_999;
const orgOf = (k: Kind): 'A' | 'B' => (k === 'foreignAdmin' ? 'B' : 'A');

/** The id (or externalRef) an operation is aimed at, relative to the principal's org. */
function aim(w: World, k: Kind, t: TargetKind): { id: string; ref: string } {
  if (t === 'missing') {
    return { id: String(MISSING_ID), ref: 'no-such-ref' };
  }
  const org = t === 'own' ? orgOf(k) : orgOf(k) === 'A' ? 'B' : 'A';
  return { id: String(w.targets[org].id), ref: w.targets[org].ref };
}

interface Call {
  w: World;
  id: string;
  ref: string;
  n: number;
}

/** How to run each GraphQL root field; `target`: it names a member. */
const GQL: Record<string, { q: string; v?: (c: Call) => Record<string, unknown>; target?: boolean }> = {
  me: { q: '{ me { user { id } } }' },
  users: { q: '{ users(first: 2) { nodes { id firstName } } }' },
  user: { q: 'query($id: ID) { user(id: $id) { id firstName lastName } }', v: (c) => ({ id: c.id }), target: true },
  userCounts: { q: '{ userCounts { enabled invited } }' },
  mfaExemptions: { q: '{ mfaExemptions { nodes { since } } }' },
  roles: { q: '{ roles { nodes { id } } }' },
  userGroups: { q: '{ userGroups { nodes { id } } }' },
  usersRemovedFromRole: {
    q: 'query($r: ID!, $s: DateTimeISO!) { usersRemovedFromRole(roleId: $r, since: $s) { nodes { userId } } }',
    v: (c) => ({ r: String(c.w.roleId), s: '2020-01-01T00:00:00Z' }),
  },
  usersUpdatedByRole: {
    q: 'query($r: ID!, $s: DateTimeISO!) { usersUpdatedByRole(roleId: $r, since: $s) { nodes { userId } } }',
    v: (c) => ({ r: String(c.w.roleId), s: '2020-01-01T00:00:00Z' }),
  },
  auditEvents: { q: '{ auditEvents(first: 1) { nodes { id } } }' },
  signIn: {
    q: 'mutation($o: String!, $e: String!) { signIn(input: { orgSlug: $o, email: $e, password: "not-the-password-1" }) { status } }',
    v: (c) => ({ o: c.w.orgs.A.slug, e: `nobody-${c.n}@example.test` }),
  },
  signOut: { q: 'mutation { signOut { signedOut } }' },
  impersonate: { q: 'mutation($id: ID!) { impersonate(input: { userId: $id }) { expiresAt } }', v: (c) => ({ id: c.id }), target: true },
  stopImpersonating: { q: 'mutation { stopImpersonating { impersonationEnded } }' },
  createUser: {
    q: 'mutation($e: String!) { createUser(input: { email: $e, firstName: "P", lastName: "Q" }) { user { id } } }',
    v: (c) => ({ e: `parity-${c.n}@example.test` }),
  },
  updateUser: {
    q: 'mutation($id: ID!) { updateUser(input: { userId: $id, firstName: "Renamed" }) { user { id firstName } } }',
    v: (c) => ({ id: c.id }),
    target: true,
  },
  deleteUser: { q: 'mutation($id: ID!) { deleteUser(input: { userId: $id }) { deletedUserId } }', v: (c) => ({ id: c.id }), target: true },
  activateAccount: {
    q: 'mutation { activateAccount(input: { token: "not-a-token-0123456789abcdef", password: "whatever-Strong-1" }) { activated } }',
  },
  confirmEmailChange: {
    q: 'mutation { confirmEmailChange(input: { token: "not-a-token-0123456789abcdef", password: "whatever-Strong-1" }) { emailChanged } }',
  },
  issuePasswordReset: {
    q: 'mutation($id: ID!) { issuePasswordReset(input: { userId: $id }) { reset { expiresAt } } }',
    v: (c) => ({ id: c.id }),
    target: true,
  },
  changePassword: {
    q: 'mutation { changePassword(input: { currentPassword: "wrong-Password-1", newPassword: "new-Strong-pass-42" }) { passwordChanged } }',
  },
  updateMembership: {
    q: 'mutation($id: ID!) { updateMembership(input: { userId: $id, allAccess: true }) { membership { userId } } }',
    v: (c) => ({ id: c.id }),
    target: true,
  },
  setOrgMfaRequired: { q: 'mutation { setOrgMfaRequired(input: { required: false }) { org { mfaRequired } } }' },
  generateMfaTempSecret: { q: 'mutation { generateMfaTempSecret { tempSecret { expiresAt } } }' },
  validateMfaCode: { q: 'mutation { validateMfaCode(input: { code: "000000" }) { recoveryCodes } }' },
  verifyMfa: { q: 'mutation { verifyMfa(input: { code: "000000" }) { status } }' },
  regenerateRecoveryCodes: { q: 'mutation { regenerateRecoveryCodes(input: { code: "000000" }) { recoveryCodes } }' },
  resetMfa: { q: 'mutation($id: ID!) { resetMfa(input: { userId: $id }) { reset } }', v: (c) => ({ id: c.id }), target: true },
  createRole: { q: 'mutation($n: String!) { createRole(input: { name: $n }) { role { id } } }', v: (c) => ({ n: `Role ${c.n}` }) },
  createUserGroup: {
    q: 'mutation($n: String!) { createUserGroup(input: { name: $n }) { userGroup { id } } }',
    v: (c) => ({ n: `Group ${c.n}` }),
  },
  assignRole: {
    q: 'mutation($id: ID!, $r: ID!) { assignRole(input: { userId: $id, roleId: $r }) { changed } }',
    v: (c) => ({ id: c.id, r: String(c.w.roleId) }),
    target: true,
  },
  unassignRole: {
    q: 'mutation($id: ID!, $r: ID!) { unassignRole(input: { userId: $id, roleId: $r }) { changed } }',
    v: (c) => ({ id: c.id, r: String(c.w.roleId) }),
    target: true,
  },
  addToGroup: {
    q: 'mutation($id: ID!, $g: ID!) { addToGroup(input: { userId: $id, groupId: $g }) { changed } }',
    v: (c) => ({ id: c.id, g: String(c.w.groupId) }),
    target: true,
  },
  removeFromGroup: {
    q: 'mutation($id: ID!, $g: ID!) { removeFromGroup(input: { userId: $id, groupId: $g }) { changed } }',
    v: (c) => ({ id: c.id, g: String(c.w.groupId) }),
    target: true,
  },
};

/** How to run each REST route (key: `METHOD path` as REST_ROUTES declares it). */
const REST: Record<string, { path: (c: Call) => string; body?: (c: Call) => unknown; target?: boolean }> = {
  'GET /user/users/me': { path: () => '/user/users/me' },
  'GET /user/users/{id}': { path: (c) => `/user/users/${c.id}`, target: true },
  'PUT /user/users/{id}': { path: (c) => `/user/users/${c.id}`, body: () => ({ firstName: 'Renamed' }), target: true },
  'DELETE /user/users/{id}': { path: (c) => `/user/users/${c.id}`, target: true },
  'GET /user/users/page': { path: () => '/user/users/page?size=2' },
  'GET /user/users/retrieveNotExcludeFromMembershipUserCounts': { path: () => '/user/users/retrieveNotExcludeFromMembershipUserCounts' },
  'GET /user/users/export.csv': { path: () => '/user/users/export.csv' },
  'PUT /user/users/{id}/membership': { path: (c) => `/user/users/${c.id}/membership`, body: () => ({ allAccess: true }), target: true },
  'PUT /user/org/mfa': { path: () => '/user/org/mfa', body: () => ({ enabled: false }) },
  'GET /user/org/mfa': { path: () => '/user/org/mfa' },
  'POST /user/users/mfa/generateTempSecret': { path: () => '/user/users/mfa/generateTempSecret' },
  'POST /user/users/mfa/validateCode': { path: () => '/user/users/mfa/validateCode', body: () => ({ token: '000000' }) },
  'PUT /user/users/mfa/reset': { path: () => '/user/users/mfa/reset', body: (c) => ({ userId: Number(c.id) }), target: true },
  'GET /user/users/removedFromRole': { path: (c) => `/user/users/removedFromRole?roleId=${c.w.roleId}&since=2020-01-01T00:00:00Z` },
  'GET /user/users/updatedByRole': { path: (c) => `/user/users/updatedByRole?roleId=${c.w.roleId}&since=2020-01-01T00:00:00Z` },
};

/** Each GraphQL root field's twin on the REST door (null: GraphQL only). Total over the schema's root fields. */
const TWINS: Record<string, string | null> = {
  me: 'GET /user/users/me',
  users: 'GET /user/users/page',
  user: 'GET /user/users/{id}',
  userCounts: 'GET /user/users/retrieveNotExcludeFromMembershipUserCounts',
  usersRemovedFromRole: 'GET /user/users/removedFromRole',
  usersUpdatedByRole: 'GET /user/users/updatedByRole',
  updateUser: 'PUT /user/users/{id}',
  deleteUser: 'DELETE /user/users/{id}',
  updateMembership: 'PUT /user/users/{id}/membership',
  setOrgMfaRequired: 'PUT /user/org/mfa',
  generateMfaTempSecret: 'POST /user/users/mfa/generateTempSecret',
  validateMfaCode: 'POST /user/users/mfa/validateCode',
  resetMfa: 'PUT /user/users/mfa/reset',
  mfaExemptions: null,
  roles: null,
  userGroups: null,
  auditEvents: null,
  signIn: null,
  signOut: null,
  impersonate: null,
  stopImpersonating: null,
  createUser: null,
  activateAccount: null,
  confirmEmailChange: null,
  issuePasswordReset: null,
  changePassword: null,
  verifyMfa: null,
  regenerateRecoveryCodes: null,
  createRole: null,
  createUserGroup: null,
  assignRole: null,
  unassignRole: null,
  addToGroup: null,
  removeFromGroup: null,
};
/** REST routes with no GraphQL twin. */
// REST routes without a root-field twin: the CSV download, and the org's MFA setting (GraphQL reads it as me.org.mfaRequired).
const REST_ONLY = ['GET /user/users/export.csv', 'GET /user/org/mfa'];
/** Operations no door declares: the services ask for them on top of the door's operation. */
const SERVICE_ONLY_OPS: Op[] = ['MembersFilter', 'MemberLookupByRef', 'MemberRefUpdate', 'EmailChangeRequest'];

const routeKey = (r: { method: string; path: string }): string => `${r.method} ${r.path}`;

/** A door's answer, normalised: what a client sees, without the request id. */
interface Answer {
  decision: Decision;
  message: string | null;
  seen: unknown;
}

function classify(code: string | undefined): Decision {
  return code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'NOT_FOUND' ? code : 'ALLOWED';
}

describe(`door parity: one access policy for GraphQL and REST (${testDbKind()})`, () => {
  let app: TestApp;
  let n = 0;
  const rootOps = new Map<string, Op>();

  beforeAll(async () => {
    app = await startTestApp();
    const storage = getMetadataStorage();
    for (const r of [...storage.queries, ...storage.mutations]) {
      const declared = storage.authorizedFields.find((a) => a.target === r.target && a.fieldName === r.methodName);
      const roles = (declared?.roles ?? []) as unknown[];
      if (roles.length === 1 && isOp(roles[0])) {
        rootOps.set(r.schemaName, roles[0]);
      }
    }
  });
  afterAll(async () => {
    await app.stop();
  });

  /** A fresh pair of orgs with one principal of every kind (sessions made directly: no argon2 per world). */
  async function world(): Promise<World> {
    const ctx = app.systemCtx();
    const s = app.server.services;
    const A = await createOrg(app);
    const B = await createOrg(app);
    const add = (org: Org, o: Record<string, unknown> = {}) => createMember(app, org, { password: undefined, ...o });
    const adminA = await add(A, { isAdmin: true });
    const memberA = await add(A);
    const impersonatedA = await add(A);
    const enrollA = await add(A);
    const challengeA = await add(A);
    const adminB = await add(B, { isAdmin: true });
    const targetA = await add(A, { externalRef: `ref-a-${++n}` });
    const targetB = await add(B, { externalRef: `ref-b-${n}` });
    const session = async (m: { user: { id: number }; membership: { id: number; orgId: number } }, kind: SessionKindValue, imp?: number) =>
      (
        await s.session.create(ctx, {
          userId: m.user.id,
          orgId: m.membership.orgId,
          membershipId: m.membership.id,
          kind,
          impersonatorUserId: imp ?? null,
          ttlSeconds: 600,
        })
      ).token;
    const tokens: Record<Kind, string | null> = {
      anonymous: null,
      enrollment: await session(enrollA, 'mfa_enrollment'),
      challenge: await session(challengeA, 'mfa_challenge'),
      member: await session(memberA, 'full'),
      impersonation: await session(impersonatedA, 'full', adminA.user.id),
      foreignAdmin: await session(adminB, 'full'),
      admin: await session(adminA, 'full'),
    };
    const principals = {} as Record<Kind, SessionPrincipal | null>;
    for (const k of KINDS) {
      principals[k] = tokens[k] ? await s.session.resolve(app.ds.manager, tokens[k]!) : null;
    }
    const role = await s.role.createRole({ ...ctx, principal: principals.admin }, 'Parity role');
    const group = await s.role.createUserGroup({ ...ctx, principal: principals.admin }, 'Parity group');
    return {
      orgs: { A, B },
      roleId: role.id,
      groupId: group.id,
      targets: {
        A: { id: targetA.user.id, ref: targetA.membership.externalRef! },
        B: { id: targetB.user.id, ref: targetB.membership.externalRef! },
      },
      tokens,
      principals,
    };
  }

  async function viaGraphQL(field: string, w: World, k: Kind, t: TargetKind | null): Promise<Answer> {
    const g = GQL[field];
    const a = t ? aim(w, k, t) : { id: '', ref: '' };
    const r = await app.gql(g.q, g.v?.({ w, ...a, n: ++n }), w.tokens[k]);
    const code = r.errors?.[0]?.extensions?.code as string | undefined;
    expect({ field, k, code }).not.toEqual({ field, k, code: expect.stringMatching(/GRAPHQL_|INTERNAL|BAD_REQUEST/) });
    const errors = (r.errors ?? []).map((e) => ({
      message: e.message,
      path: e.path,
      code: e.extensions?.code,
      field: e.extensions?.field,
    }));
    return { decision: classify(code), message: r.errors?.[0]?.message ?? null, seen: { status: r.status, data: r.data, errors } };
  }

  async function viaRest(key: string, w: World, k: Kind, t: TargetKind | null, pathOverride?: string): Promise<Answer> {
    const rt = REST[key];
    const a = t ? aim(w, k, t) : { id: '', ref: '' };
    const c = { w, ...a, n: ++n };
    const method = key.split(' ')[0];
    const r = await app.http(method, pathOverride ?? rt.path(c), { token: w.tokens[k], body: rt.body?.(c) });
    expect({ key, k, status: r.status }).not.toEqual({ key, k, status: 500 });
    const body = r.body && typeof r.body === 'object' ? { ...r.body, requestId: undefined } : r.text;
    const decision: Decision =
      r.status === 401 ? 'UNAUTHENTICATED' : r.status === 403 ? 'FORBIDDEN' : r.status === 404 ? 'NOT_FOUND' : 'ALLOWED';
    return { decision, message: r.status >= 400 ? (r.body?.message ?? null) : null, seen: { status: r.status, body } };
  }

  /** Runs one operation through one door as every principal against every target kind (admin last: it may change the world). */
  async function matrix(run: (w: World, k: Kind, t: TargetKind | null) => Promise<Answer>, target: boolean) {
    const w = await world();
    const out = new Map<string, Answer>();
    for (const k of KINDS) {
      for (const t of target ? TARGETS : [null]) {
        out.set(`${k}/${t}`, await run(w, k, t));
      }
    }
    return { w, out };
  }

  /** The refusal the policy itself gives for (principal, operation), before any target. */
  function expectPolicyDecision(label: string, w: World, op: Op, answers: Map<string, Answer>) {
    for (const [key, answer] of answers) {
      const k = key.split('/')[0] as Kind;
      const refusal = decide(w.principals[k], op);
      if (refusal) {
        expect({ label, key, decision: answer.decision, message: answer.message }).toEqual({
          label,
          key,
          decision: refusal.code,
          message: refusal.message,
        });
      }
    }
  }

  function expectForeignLikeMissing(label: string, answers: Map<string, Answer>) {
    for (const k of KINDS) {
      const foreign = answers.get(`${k}/foreign`);
      const missing = answers.get(`${k}/missing`);
      expect({ label, k, answer: foreign?.seen }).toEqual({ label, k, answer: missing?.seen });
    }
  }

  it('every root field and every route has an operation, a twin entry and a runner here; every operation is used', () => {
    const storage = getMetadataStorage();
    const fields = [...storage.queries, ...storage.mutations].map((r) => r.schemaName).sort();
    expect(fields.filter((f) => !rootOps.has(f))).toEqual([]);
    expect(Object.keys(TWINS).sort()).toEqual(fields);
    expect(Object.keys(GQL).sort()).toEqual(fields);
    const routes = REST_ROUTES.map(routeKey).sort();
    expect(Object.keys(REST).sort()).toEqual(routes);
    const twinned = [...Object.values(TWINS).filter((v): v is string => v !== null), ...REST_ONLY].sort();
    expect(twinned).toEqual(routes);
    // Object fields (admin-or-self) declare operations too.
    const declared = new Set<string>(storage.authorizedFields.flatMap((a) => a.roles as string[]));
    for (const r of REST_ROUTES) {
      const ops = typeof r.access === 'function' ? [r.access({ body: undefined } as never), r.access({ body: {} } as never)] : [r.access];
      ops.forEach((op) => declared.add(op));
    }
    expect(OPERATIONS.filter((op) => !declared.has(op)).sort()).toEqual([...SERVICE_ONLY_OPS].sort());
  });

  it('GraphQL: each refusal is the policy’s; a foreign target answers exactly like a missing one', async () => {
    for (const field of Object.keys(GQL)) {
      const { w, out } = await matrix((w2, k, t) => viaGraphQL(field, w2, k, t), !!GQL[field].target);
      expectPolicyDecision(field, w, rootOps.get(field)!, out);
      if (GQL[field].target) {
        expectForeignLikeMissing(field, out);
      }
    }
  }, 240_000);

  it('REST: each refusal is the policy’s; a foreign target answers exactly like a missing one', async () => {
    for (const r of REST_ROUTES) {
      const key = routeKey(r);
      const { w, out } = await matrix((w2, k, t) => viaRest(key, w2, k, t), !!REST[key].target);
      const op = typeof r.access === 'function' ? r.access({ body: REST[key].body ? {} : undefined } as never) : r.access;
      expectPolicyDecision(key, w, op, out);
      if (REST[key].target) {
        expectForeignLikeMissing(key, out);
      }
    }
  }, 240_000);

  it('twin operations get the same decision from both doors, for every principal and target', async () => {
    const pairs: Array<
      [
        string,
        string,
        (w: World, k: Kind, t: TargetKind | null) => Promise<Answer>,
        (w: World, k: Kind, t: TargetKind | null) => Promise<Answer>,
        boolean,
      ]
    > = [];
    for (const [field, key] of Object.entries(TWINS)) {
      if (key) {
        pairs.push([field, key, (w, k, t) => viaGraphQL(field, w, k, t), (w, k, t) => viaRest(key, w, k, t), !!GQL[field].target]);
      }
    }
    // user(externalRef) and GET /user/users/{ref}?byRef=true: the lookup by the org's own reference.
    pairs.push([
      'user(externalRef)',
      'GET /user/users/{ref}?byRef=true',
      async (w, k, t) => {
        const r = await app.gql('query($r: String) { user(externalRef: $r) { id firstName } }', { r: aim(w, k, t!).ref }, w.tokens[k]);
        const code = r.errors?.[0]?.extensions?.code as string | undefined;
        return {
          decision: classify(code),
          message: r.errors?.[0]?.message ?? null,
          seen: { data: r.data, errors: r.errors?.map((e) => e.message) },
        };
      },
      (w, k, t) => viaRest('GET /user/users/{id}', w, k, t, `/user/users/${encodeURIComponent(aim(w, k, t!).ref)}?byRef=true`),
      true,
    ]);
    for (const [label, twin, gql, rest, target] of pairs) {
      const a = await matrix(gql, target);
      const b = await matrix(rest, target);
      for (const [key, answer] of a.out) {
        const other = b.out.get(key)!;
        const refused = answer.decision !== 'ALLOWED';
        expect({ label, twin, key, decision: answer.decision, message: refused ? answer.message : null }).toEqual({
          label,
          twin,
          key,
          decision: other.decision,
          message: other.decision !== 'ALLOWED' ? other.message : null,
        });
      }
      if (label === 'user(externalRef)') {
        expectForeignLikeMissing(label, a.out);
        expectForeignLikeMissing(twin, b.out);
        // Attack 5: a member asking for a reference is refused on both doors, whatever the reference.
        expect(['foreign', 'missing', 'own'].map((t) => a.out.get(`member/${t}`)!.decision)).toEqual([
          'FORBIDDEN',
          'FORBIDDEN',
          'FORBIDDEN',
        ]);
      }
    }
  }, 240_000);
});
