import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isInputObjectType,
  type GraphQLArgument,
  type IntrospectionQuery,
} from 'graphql';
import {
  asAdmin,
  asMember,
  createMember,
  createOrg,
  errorCode,
  startTestApp,
  testDbKind,
  type Principal,
  type TestApp,
  tableCounts,
} from '../support/harness';
import { CREATE_USER, DELETE_USER, IMPERSONATE, ISSUE_RESET, UPDATE_USER } from '../support/accounts';
import { UPDATE_MEMBERSHIP } from '../support/membership';
import { RESET } from '../support/mfa';
import type { Org } from '../../src/entities';

/**
 * OWASP API1 (BOLA), API3 (BOPLA, incl. mass assignment), API5 (BFLA). Every write that names a
 * user is tried against another org's user (NOT_FOUND, same as a missing id, nothing written),
 * every admin operation as a plain member and as an impersonation session (FORBIDDEN, audited),
 * and every input type with fields it does not have (BAD_USER_INPUT).
 */
describe(`authorization: BOLA, BFLA, BOPLA, mass assignment (${testDbKind()})`, () => {
  let app: TestApp;
  let orgA: Org;
  let orgB: Org;
  let adminA: Principal;
  let memberA: Principal;
  let victimB: { id: number };

  beforeAll(async () => {
    app = await startTestApp();
    orgA = await createOrg(app);
    orgB = await createOrg(app);
    adminA = await asAdmin(app, orgA);
    memberA = await asMember(app, orgA);
    victimB = (await createMember(app, orgB, { firstName: 'Victim', lastName: 'OtherOrg' })).user;
  });
  afterAll(async () => {
    await app.stop();
  });

  /** Writes that take a userId, with variables naming the target. */
  const targetedWrites = (userId: string): Array<[string, string, Record<string, unknown>]> => [
    ['updateMembership', UPDATE_MEMBERSHIP, { i: { userId: userId, isActive: false } }],
    ['updateMembership (opt-out)', UPDATE_MEMBERSHIP, { i: { userId: userId, mfaOptOut: true } }],
    ['updateUser', UPDATE_USER, { input: { userId: userId, firstName: 'Pwned' } }],
    ['deleteUser', DELETE_USER, { id: userId }],
    ['issuePasswordReset', ISSUE_RESET, { id: userId }],
    ['impersonate', IMPERSONATE, { id: userId }],
    ['resetMfa', RESET, { u: userId }],
  ];

  it('BOLA: an admin of org A gets NOT_FOUND for a user of org B, exactly as for a missing id, and nothing changes', async () => {
    const before = await tableCounts(app);
    const victimRow = await app.ds.query('SELECT firstName, lastName, externalRef, lastLoginAt FROM memberships WHERE userId = ?', [
      victimB.id,
    ]);
    for (const [name, query, vars] of targetedWrites(String(victimB.id))) {
      const cross = await adminA.gql(query, vars);
      const missing = await adminA.gql(query, targetedWrites('999999999').find(([n]) => n === name)![2]);
      expect({ name, code: errorCode(cross) }).toEqual({ name, code: 'NOT_FOUND' });
      expect(cross.errors![0].message).toBe(missing.errors![0].message);
      expect(cross.data).toBeNull();
    }
    const after = await tableCounts(app);
    // Refusals are audited (audit_events grows); nothing else moves.
    expect({ ...after, audit_events: 0 }).toEqual({ ...before, audit_events: 0 });
    expect(
      await app.ds.query('SELECT firstName, lastName, externalRef, lastLoginAt FROM memberships WHERE userId = ?', [victimB.id]),
    ).toEqual(victimRow);
  });

  it('BOLA: the org is never taken from an argument (no argument names an org)', async () => {
    const schema = buildClientSchema((await app.gql<IntrospectionQuery>(getIntrospectionQuery())).data!);
    const fields = [...Object.values(schema.getMutationType()!.getFields()), ...Object.values(schema.getQueryType()!.getFields())];
    // A mutation's one `input` argument counts with its fields.
    const names = (a: GraphQLArgument): string[] => {
      const t = getNamedType(a.type);
      return [a.name, ...(isInputObjectType(t) ? Object.keys(t.getFields()).map((f) => `${a.name}.${f}`) : [])];
    };
    const orgArgs = fields.flatMap((f) =>
      f.args
        .flatMap(names)
        .filter((n) => /^(input\.)?org(Id|_id)?$/i.test(n))
        .map((n) => `${f.name}(${n})`),
    );
    expect(fields.find((f) => f.name === 'updateMembership')!.args.flatMap(names)).toContain('input.userId');
    // signIn(orgSlug) picks the org to sign in to, before there is a session.
    expect(orgArgs).toEqual([]);
  });

  it('BFLA: a plain member gets FORBIDDEN for every admin operation, and each refusal is audited', async () => {
    const colleague = await createMember(app, orgA);
    const ops: Array<[string, string, Record<string, unknown>]> = [
      ...targetedWrites(String(colleague.user.id)),
      ['createUser', CREATE_USER, { input: { email: `x-${Date.now()}@example.test`, firstName: 'X', lastName: 'Y' } }],
      ['setOrgMfaRequired', 'mutation { setOrgMfaRequired(input: { required: true }) { org { mfaRequired } } }', {}],
      ['mfaExemptions', '{ mfaExemptions { nodes { user { id } } } }', {}],
    ];
    const before = await tableCounts(app);
    for (const [name, query, vars] of ops) {
      const r = await memberA.gql(query, vars);
      expect({ name, code: errorCode(r) }).toEqual({ name, code: 'FORBIDDEN' });
    }
    const after = await tableCounts(app);
    expect(after.audit_events - before.audit_events).toBeGreaterThanOrEqual(ops.length);
    expect({ ...after, audit_events: 0 }).toEqual({ ...before, audit_events: 0 });
  });

  it('BFLA: an impersonation session (acting as a non-admin) cannot do admin operations or impersonate again', async () => {
    const target = await createMember(app, orgA);
    const imp = await adminA.gql(IMPERSONATE, { id: String(target.user.id) });
    const token = imp.data!.impersonate.token as string;
    const other = await createMember(app, orgA);
    for (const [name, query, vars] of targetedWrites(String(other.user.id))) {
      const r = await app.gql(query, vars, token);
      expect({ name, code: errorCode(r) }).toEqual({ name, code: 'FORBIDDEN' });
    }
    expect(errorCode(await app.gql('mutation { setOrgMfaRequired(input: { required: true }) { org { mfaRequired } } }', {}, token))).toBe(
      'FORBIDDEN',
    );
  });

  it('BOPLA: a non-admin never reads admin-only fields of another user (FORBIDDEN on the field, no value)', async () => {
    const target = await createMember(app, orgA);
    const imp = await adminA.gql(IMPERSONATE, { id: String(target.user.id) });
    const token = imp.data!.impersonate.token as string;
    // The impersonated session may see who impersonates it, but not the admin's private fields.
    const r = await app.gql('{ me { impersonator { id firstName email lastLoginAt membership { isAdmin } } } }', {}, token);
    expect(r.data!.me.impersonator).toEqual({
      id: String(adminA.user.id),
      firstName: adminA.membership.firstName,
      email: null,
      lastLoginAt: null,
      membership: null,
    });
    const codes = new Set(r.errors!.map((e) => e.extensions!.code));
    expect([...codes]).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(r)).not.toContain(adminA.email);
    // Its own record it reads in full.
    const self = await app.gql('{ me { user { email membership { isAdmin mfaOptOut } } } }', {}, token);
    expect(self.data!.me.user.email).toBe(target.email);
  });

  it('mass assignment: unknown or read-only fields in any input are BAD_USER_INPUT and nothing is written', async () => {
    const colleague = await createMember(app, orgA);
    const before = await tableCounts(app);
    const attempts: Array<[string, string, Record<string, unknown>]> = [
      ['updateMembership orgId', UPDATE_MEMBERSHIP, { i: { userId: String(colleague.user.id), orgId: orgB.id } }],
      ['updateMembership updatedAt', UPDATE_MEMBERSHIP, { i: { userId: String(colleague.user.id), isActive: true, updatedAt: null } }],
      ['updateMembership id', UPDATE_MEMBERSHIP, { i: { userId: String(colleague.user.id), id: adminA.membership.id } }],
      ['updateUser isAdmin', UPDATE_USER, { input: { userId: String(colleague.user.id), isAdmin: true } }],
      ['updateUser passwordHash', UPDATE_USER, { input: { userId: String(colleague.user.id), passwordHash: 'x' } }],
      ['updateUser deletedAt', UPDATE_USER, { input: { userId: String(colleague.user.id), deletedAt: null } }],
      [
        'createUser passwordHash',
        CREATE_USER,
        { input: { email: `m-${Date.now()}@example.test`, firstName: 'M', lastName: 'A', passwordHash: 'x' } },
      ],
      [
        'createUser orgId',
        CREATE_USER,
        { input: { email: `n-${Date.now()}@example.test`, firstName: 'M', lastName: 'A', orgId: orgB.id } },
      ],
    ];
    for (const [name, query, vars] of attempts) {
      const r = await adminA.gql(query, vars);
      expect({ name, code: errorCode(r) }).toEqual({ name, code: 'BAD_USER_INPUT' });
    }
    expect(await tableCounts(app)).toEqual(before);
  });

  it('an input key named __proto__ (or constructor) is a BAD_USER_INPUT naming it, and nothing is written', async () => {
    const colleague = await createMember(app, orgA);
    const before = await tableCounts(app);
    for (const key of ['__proto__', 'constructor']) {
      // Parsed from JSON so the key is an own property (a literal's __proto__ sets the prototype).
      const i = JSON.parse(`{"userId": "${colleague.user.id}", "mfaOptOut": true, "${key}": {"isAdmin": true}}`) as Record<string, unknown>;
      const r = await adminA.gql(UPDATE_MEMBERSHIP, { i });
      expect({ key, code: errorCode(r), message: r.errors?.[0]?.message, field: r.errors?.[0]?.extensions?.field }).toEqual({
        key,
        code: 'BAD_USER_INPUT',
        message: expect.stringContaining(`Field "${key}" is not defined`),
        field: key,
      });
      const inline = await adminA.gql(
        `mutation { updateMembership(input: { userId: "${colleague.user.id}", ${key}: true }) { membership { version } } }`,
      );
      expect({ key, code: errorCode(inline), field: inline.errors?.[0]?.extensions?.field }).toEqual({
        key,
        code: 'BAD_USER_INPUT',
        field: key,
      });
    }
    expect(await tableCounts(app)).toEqual(before);
  });

  it('BOLA on reads: user(id) and user(externalRef) of another org are NOT_FOUND, exactly like missing ones', async () => {
    const ref = `ext-${Date.now()}`;
    await createMember(app, orgB, { externalRef: ref });
    const byId = await adminA.gql('query($id: ID) { user(id: $id) { id firstName } }', { id: String(victimB.id) });
    const missingId = await adminA.gql('query($id: ID) { user(id: $id) { id firstName } }', { id: '999999999' });
    const byRef = await adminA.gql('query($r: String) { user(externalRef: $r) { id } }', { r: ref });
    const missingRef = await adminA.gql('query($r: String) { user(externalRef: $r) { id } }', { r: `${ref}-none` });
    for (const r of [byId, missingId, byRef, missingRef]) {
      expect(errorCode(r)).toBe('NOT_FOUND');
    }
    expect(byId.errors![0].message).toBe(missingId.errors![0].message);
    expect(byRef.errors![0].message).toBe(missingRef.errors![0].message);
    // Nor does any list show another org's members.
    const page = await adminA.gql('{ users(first: 200) { nodes { id } } }');
    expect(page.data!.users.nodes.map((n: { id: string }) => n.id)).not.toContain(String(victimB.id));
  });

  it('BOPLA on lists: a member sees ids and names of others; admin-only fields, filters and orders are FORBIDDEN', async () => {
    const r = await memberA.gql(
      '{ users(first: 50) { nodes { id firstName lastName email lastLoginAt mfaEnrolled membership { isAdmin } } } }',
    );
    // Each refused field is null on its own (its error points at it); ids and names stay.
    type Row = {
      id: string;
      firstName: string;
      email: string | null;
      lastLoginAt: string | null;
      mfaEnrolled: boolean | null;
      membership: unknown;
    };
    const rows = r.data!.users.nodes as Row[];
    const others = rows.filter((n) => n.id !== String(memberA.user.id));
    expect(others.length).toBeGreaterThanOrEqual(1);
    for (const n of others) {
      expect(n).toEqual({
        id: n.id,
        firstName: expect.any(String),
        lastName: expect.any(String),
        email: null,
        lastLoginAt: null,
        mfaEnrolled: null,
        membership: null,
      });
    }
    expect(new Set(r.errors!.map((e) => e.extensions!.code))).toEqual(new Set(['FORBIDDEN']));
    expect(r.errors).toHaveLength(others.length * 4);
    for (const e of r.errors!) {
      expect(others.map((n) => String(rows.indexOf(n)))).toContain(String(e.path![2]));
    }
    expect(JSON.stringify(r)).not.toContain(adminA.email);
    const names = await memberA.gql('{ users(first: 50) { nodes { id firstName lastName } } }');
    expect(names.errors).toBeUndefined();
    expect(names.data!.users.nodes.length).toBeGreaterThanOrEqual(2);
    for (const vars of [{ f: { mfaOptOut: true } }, { f: { isAdmin: true } }, { o: { field: 'EMAIL', direction: 'ASC' } }]) {
      const q = await memberA.gql(
        'query($f: UserFilter, $o: UserOrder) { users(first: 5, filter: $f, orderBy: $o) { nodes { id } } }',
        vars,
      );
      expect(errorCode(q)).toBe('FORBIDDEN');
    }
    // A search cannot probe emails either: for a member it matches names only.
    const probe = await memberA.gql('query($s: String) { users(first: 5, search: $s) { nodes { id } } }', { s: adminA.email.slice(0, 12) });
    expect(probe.data!.users.nodes).toEqual([]);
  });

  it('BOPLA per field: each admin-or-self field of User is FORBIDDEN to a member reading another member, audited once, readable on oneself', async () => {
    const fields = [
      'email',
      'externalRef',
      'language',
      'lastLoginAt',
      'createdAt',
      'mfaEnrolled',
      'membership { isAdmin }',
      'roles { id }',
      'groups { id }',
    ];
    const other = String(adminA.user.id);
    for (const f of fields) {
      const before = await app.ds.query("SELECT COUNT(*) AS n FROM audit_events WHERE outcome = 'FORBIDDEN' AND actorUserId = ?", [
        memberA.user.id,
      ]);
      const r = await memberA.gql(`query($id: ID) { user(id: $id) { id ${f} } }`, { id: other });
      expect({ f, codes: r.errors?.map((e) => e.extensions!.code) }).toEqual({ f, codes: ['FORBIDDEN'] });
      const after = await app.ds.query("SELECT COUNT(*) AS n FROM audit_events WHERE outcome = 'FORBIDDEN' AND actorUserId = ?", [
        memberA.user.id,
      ]);
      expect({ f, audited: Number(after[0].n) - Number(before[0].n) }).toEqual({ f, audited: 1 });
      const own = await memberA.gql(`query($id: ID) { user(id: $id) { id ${f} } }`, { id: String(memberA.user.id) });
      expect({ f, errors: own.errors }).toEqual({ f, errors: undefined });
      const asAdminOfOrg = await adminA.gql(`query($id: ID) { user(id: $id) { id ${f} } }`, { id: String(memberA.user.id) });
      expect({ f, errors: asAdminOfOrg.errors }).toEqual({ f, errors: undefined });
    }
    // Fifty denied cells in one list: one audit row.
    const before = await app.ds.query("SELECT COUNT(*) AS n FROM audit_events WHERE outcome = 'FORBIDDEN' AND actorUserId = ?", [
      memberA.user.id,
    ]);
    await memberA.gql('{ users(first: 50) { nodes { id email createdAt } } }');
    const after = await app.ds.query("SELECT COUNT(*) AS n FROM audit_events WHERE outcome = 'FORBIDDEN' AND actorUserId = ?", [
      memberA.user.id,
    ]);
    expect(Number(after[0].n) - Number(before[0].n)).toBe(1);
  });

  it('BFLA on reads: the audit trail, seat counters and MFA exemptions are admin-only', async () => {
    for (const q of [
      '{ auditEvents(first: 5) { nodes { action } } }',
      '{ userCounts { enabled } }',
      '{ mfaExemptions { nodes { user { id } } } }',
    ]) {
      expect({ q, code: errorCode(await memberA.gql(q)) }).toEqual({ q, code: 'FORBIDDEN' });
      expect({ q, errors: (await adminA.gql(q)).errors }).toEqual({ q, errors: undefined });
    }
  });
});
