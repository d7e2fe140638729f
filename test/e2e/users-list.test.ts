import type { Org } from '../../src/entities';
import { rawQuery } from '../../src/db/raw';
import {
  asAdmin,
  asMember,
  createMember,
  createOrg,
  errorCode,
  signIn,
  startTestApp,
  testDbKind,
  type GqlResponse,
  type Principal,
  type TestApp,
  type TestMember,
} from '../support/harness';

const PAGE = `query($first: Int, $after: String, $search: String, $filter: UserFilter, $orderBy: UserOrder) {
  users(first: $first, after: $after, search: $search, filter: $filter, orderBy: $orderBy) {
    nodes { id firstName lastName }
    edges { cursor node { id } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const PAGE_WITH_COUNT = PAGE.replace('pageInfo {', 'totalCount pageInfo {');

type Page = {
  nodes: Array<{ id: string; firstName: string; lastName: string }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
};

const NAMES: Array<[string, string]> = [
  ['Ada', 'Lovelace'],
  ['Grace', 'Hopper'],
  ['Alan', 'Turing'],
  ['Ronald', 'McDonald'],
  ['ronald', 'mcdonald'],
  ['John', "O'Neil"],
  ['Percent', '100% Real'],
  ['Hundred', '100x Fake'],
  ['Under', 'a_b'],
  ['Under', 'axb'],
  ['Back', 'Back\\slash'],
  ['Back', 'Backxslash'],
  ['Edsger', 'Dijkstra'],
  ['Barbara', 'Liskov'],
  ['Donald', 'Knuth'],
  ['Same', 'Name'],
  ['Same', 'Name'],
  ['Same', 'Name'],
  ['Hedy', 'Lamarr'],
  ['Vint', 'Cerf'],
];

describe(`users: paging, sorting, search, filters (${testDbKind()})`, () => {
  let app: TestApp;
  let orgA: Org;
  let orgB: Org;
  let admin: Principal;
  let member: Principal;
  let adminB: Principal;
  const people: TestMember[] = [];
  let bMember: TestMember;

  const sql = <T = any>(text: string, params: Record<string, unknown> = {}): Promise<T[]> => rawQuery<T>(app.ds.manager, text, params);

  const walk = async (p: Principal, vars: Record<string, unknown>, first = 4): Promise<string[]> => {
    const ids: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const r: GqlResponse<{ users: Page }> = await p.gql<{ users: Page }>(PAGE, { ...vars, first, after });
      expect(r.errors).toBeUndefined();
      ids.push(...r.data!.users.nodes.map((n) => n.id));
      if (!r.data!.users.pageInfo.hasNextPage) {
        return ids;
      }
      after = r.data!.users.pageInfo.endCursor;
    }
    throw new Error('walk did not end');
  };

  /** The order the database itself gives for the same index order: paging must reproduce it. */
  const dbOrder = async (org: Org, column: string, dir: 'ASC' | 'DESC'): Promise<string[]> => {
    const rows = await sql<{ userId: number }>(
      `SELECT userId FROM memberships WHERE orgId = :org ORDER BY ${column} ${dir}, userId ${dir}`,
      {
        org: org.id,
      },
    );
    return rows.map((r) => String(r.userId));
  };

  beforeAll(async () => {
    app = await startTestApp({ countQueries: true });
    orgA = await createOrg(app);
    orgB = await createOrg(app);
    admin = await asAdmin(app, orgA, { allAccess: true });
    member = await asMember(app, orgA);
    for (const [i, [first, last]] of NAMES.entries()) {
      people.push(
        await createMember(app, orgA, {
          firstName: first,
          lastName: last,
          email: `${first.toLowerCase()}.${i}@${i % 2 ? 'alpha' : 'beta'}.test`,
          password: undefined,
          isActive: i % 5 !== 4,
          allAccess: i % 3 === 0,
          excludeFromMembershipCount: i === 7,
          externalRef: `ext-${i}-${orgA.id}`,
        }),
      );
    }
    adminB = await asAdmin(app, orgB);
    bMember = await createMember(app, orgB, {
      firstName: 'Ada',
      lastName: 'Lovecraft',
      email: `ada.b.${orgB.id}@bravo.test`,
      password: undefined,
    });
    // lastLoginAt (the last sign-in to this org, on the membership): a few NULLs (never signed in), ties, and distinct values.
    const base = Date.UTC(2026, 0, 1, 12, 0, 0);
    for (const [i, p] of people.entries()) {
      const at = i % 4 === 0 ? null : new Date(base + (i % 3) * 60_000);
      await sql('UPDATE memberships SET lastLoginAt = :at WHERE id = :id', { at, id: p.membership.id });
    }
  }, 120_000);
  afterAll(async () => {
    await app.stop();
  });

  it('walks the whole org by name with no duplicates or gaps, also while members are added mid-walk', async () => {
    const expected = await dbOrder(orgA, 'nameKey', 'ASC');
    expect(await walk(admin, {}, 4)).toEqual(expected);

    // Mid-walk inserts: one sorts before the cursor (not seen), one after (seen exactly once).
    const ids: string[] = [];
    let r = await admin.gql<{ users: Page }>(PAGE, { first: 5 });
    ids.push(...r.data!.users.nodes.map((n) => n.id));
    const early = await createMember(app, orgA, { firstName: 'Aaron', lastName: 'Aardvark', password: undefined });
    const late = await createMember(app, orgA, { firstName: 'Zed', lastName: 'Zzyzx', password: undefined });
    let after = r.data!.users.pageInfo.endCursor;
    while (after) {
      r = await admin.gql<{ users: Page }>(PAGE, { first: 5, after });
      ids.push(...r.data!.users.nodes.map((n) => n.id));
      after = r.data!.users.pageInfo.hasNextPage ? r.data!.users.pageInfo.endCursor : null;
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected.concat(String(late.user.id)).filter((id) => id !== String(early.user.id)));
    await sql('DELETE FROM memberships WHERE userId IN (:a, :b)', { a: early.user.id, b: late.user.id });
    await sql('UPDATE orgs SET enabledCount = enabledCount - 2, seatCount = seatCount - 2 WHERE id = :id', { id: orgA.id });
  });

  it.each([
    ['LAST_NAME', 'nameKey'],
    ['EMAIL', 'emailKey'],
    ['LAST_LOGIN_AT', 'lastLoginAt'],
    ['CREATED_AT', 'createdAt'],
  ])('orders by %s in both directions, ties broken by id, page after page', async (field, column) => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const expected = await dbOrder(orgA, column, direction);
      expect(await walk(admin, { orderBy: { field, direction } }, 3)).toEqual(expected);
    }
  });

  it('LAST_LOGIN_AT: members who never signed in sort lowest (first ASC, last DESC)', async () => {
    const never = new Set(people.filter((_, i) => i % 4 === 0).map((p) => String(p.user.id)));
    const asc = await walk(admin, { orderBy: { field: 'LAST_LOGIN_AT', direction: 'ASC' } }, 5);
    expect(asc.slice(0, never.size).every((id) => never.has(id))).toBe(true);
    const desc = await walk(admin, { orderBy: { field: 'LAST_LOGIN_AT', direction: 'DESC' } }, 5);
    expect(desc.slice(-never.size).every((id) => never.has(id))).toBe(true);
  });

  it('filters on every flag, MFA enrollment, role and group, with matching totalCount', async () => {
    const idsOf = (pred: (i: number) => boolean): string[] => people.filter((_, i) => pred(i)).map((p) => String(p.user.id));
    // mfaOptOut on two members; a confirmed factor for two, an unconfirmed one for a third.
    await sql('UPDATE memberships SET mfaOptOut = :t WHERE id IN (:a, :b)', {
      t: true,
      a: people[1].membership.id,
      b: people[2].membership.id,
    });
    // Portal URL Access for two members, advanced permissions for two (one of them inactive).
    await sql('UPDATE memberships SET portalAccess = :t WHERE id IN (:a, :b)', {
      t: true,
      a: people[0].membership.id,
      b: people[5].membership.id,
    });
    await sql('UPDATE memberships SET hasAdvancedPermissions = :t WHERE id IN (:a, :b)', {
      t: true,
      a: people[6].membership.id,
      b: people[9].membership.id,
    });
    for (const [i, confirmed] of [
      [3, true],
      [5, true],
      [6, false],
    ] as const) {
      await sql(
        'INSERT INTO mfa_factors (membershipId, confirmedAt, failedAttempts, createdAt, updatedAt) VALUES (:m, :c, 0, :now, :now)',
        {
          m: people[i].membership.id,
          c: confirmed ? new Date() : null,
          now: new Date(),
        },
      );
    }
    const role = (await admin.gql('mutation { createRole(input: { name: "Auditor" }) { role { id } } }')).data!.createRole.role.id;
    const group = (await admin.gql('mutation { createUserGroup(input: { name: "Eng" }) { userGroup { id } } }')).data!.createUserGroup
      .userGroup.id;
    for (const i of [0, 4, 9]) {
      await admin.gql('mutation($u: ID!, $r: ID!) { assignRole(input: { userId: $u, roleId: $r }) { changed } }', {
        u: people[i].user.id,
        r: role,
      });
    }
    await admin.gql('mutation($u: ID!, $r: ID!) { unassignRole(input: { userId: $u, roleId: $r }) { changed } }', {
      u: people[4].user.id,
      r: role,
    });
    for (const i of [2, 8]) {
      await admin.gql('mutation($u: ID!, $g: ID!) { addToGroup(input: { userId: $u, groupId: $g }) { changed } }', {
        u: people[i].user.id,
        g: group,
      });
    }

    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ isActive: false }, idsOf((i) => i % 5 === 4)],
      [{ isAdmin: true }, [String(admin.user.id)]],
      [{ allAccess: true }, [String(admin.user.id), ...idsOf((i) => i % 3 === 0)]],
      [{ mfaOptOut: true }, idsOf((i) => i === 1 || i === 2)],
      [{ mfaEnrolled: true }, idsOf((i) => i === 3 || i === 5)],
      [{ excludeFromMembershipCount: true }, idsOf((i) => i === 7)],
      [{ portalAccess: true }, idsOf((i) => i === 0 || i === 5)],
      [{ hasAdvancedPermissions: true }, idsOf((i) => i === 6 || i === 9)],
      [{ hasAdvancedPermissions: true, isActive: false }, idsOf((i) => i === 9)],
      [{ portalAccess: true, allAccess: true }, idsOf((i) => i === 0)],
      [{ roleId: role }, idsOf((i) => i === 0 || i === 9)],
      [{ groupId: group }, idsOf((i) => i === 2 || i === 8)],
      [{ isActive: true, allAccess: true }, [String(admin.user.id), ...idsOf((i) => i % 3 === 0 && i % 5 !== 4)]],
    ];
    for (const [filter, expected] of cases) {
      const ids = await walk(admin, { filter }, 2);
      expect({ filter, ids: [...ids].sort() }).toEqual({ filter, ids: [...expected].sort() });
      const r = await admin.gql(PAGE_WITH_COUNT, { filter, first: 1 });
      expect({ filter, n: r.data!.users.totalCount }).toEqual({ filter, n: expected.length });
    }
    const notEnrolled = await walk(admin, { filter: { mfaEnrolled: false } }, 50);
    expect(notEnrolled).toContain(String(people[6].user.id));
    expect(notEnrolled).not.toContain(String(people[3].user.id));
    // A role or group of another org matches nobody.
    const roleB = (await adminB.gql('mutation { createRole(input: { name: "Auditor" }) { role { id } } }')).data!.createRole.role.id;
    expect(await walk(admin, { filter: { roleId: roleB } })).toEqual([]);
  });

  it('search: case-insensitive prefix of first, last, "first last" and (admin) email; % _ \\ and quotes are literal', async () => {
    const names = async (p: Principal, search: string): Promise<string[]> => {
      const r = await p.gql<{ users: Page }>(PAGE, { search, first: 200 });
      expect(r.errors).toBeUndefined();
      return r.data!.users.nodes.map((n) => `${n.firstName} ${n.lastName}`).sort();
    };
    expect(await names(admin, 'MCD')).toEqual(['Ronald McDonald', 'ronald mcdonald']);
    expect(await names(admin, 'ronald m')).toEqual(['Ronald McDonald', 'ronald mcdonald']);
    expect(await names(admin, 'ada lo')).toEqual(['Ada Lovelace']);
    expect(await names(admin, 'lovelace')).toEqual(['Ada Lovelace']);
    expect(await names(admin, '  gRaCe ')).toEqual(['Grace Hopper']);
    expect(await names(admin, '100%')).toEqual(['Percent 100% Real']);
    expect(await names(admin, '%')).toEqual([]);
    expect(await names(admin, 'a_')).toEqual(['Under a_b']);
    expect(await names(admin, '_')).toEqual([]);
    expect(await names(admin, 'back\\')).toEqual(['Back Back\\slash']);
    expect(await names(admin, "o'n")).toEqual(["John O'Neil"]);
    expect(await names(admin, "'")).toEqual([]);
    expect(await names(admin, 'no such person')).toEqual([]);
    // Email prefix: admins only; a member's search covers names only (email is admin-only data).
    expect((await names(admin, 'percent.6@')).length).toBe(1);
    expect(await names(member, 'percent.6@')).toEqual([]);
    expect(await names(member, 'ada')).toEqual(['Ada Lovelace']);
    // Paging through a search result with every sort (UNION of index ranges): no duplicates.
    for (const field of ['LAST_NAME', 'EMAIL', 'CREATED_AT', 'LAST_LOGIN_AT']) {
      const ids = await walk(admin, { search: 'b', orderBy: { field, direction: 'DESC' } }, 1);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(3); // Back Back\slash, Back Backxslash, Barbara Liskov
    }
    const count = await admin.gql(PAGE_WITH_COUNT, { search: 'b', first: 1 });
    expect(count.data!.users.totalCount).toBe(3);
  });

  it('first must be 1..200 (default 50)', async () => {
    for (const first of [201, 0, -1]) {
      const r = await admin.gql(PAGE, { first });
      expect(errorCode(r)).toBe('BAD_USER_INPUT');
    }
    expect((await admin.gql(PAGE, { first: 200 })).errors).toBeUndefined();
  });

  it('cursors are bound to org, sort, filter and search; tampered ones are BAD_USER_INPUT', async () => {
    const a = await admin.gql<{ users: Page }>(PAGE, { first: 2 });
    const cursor = a.data!.users.pageInfo.endCursor!;
    expect(errorCode(await adminB.gql(PAGE, { first: 2, after: cursor }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await admin.gql(PAGE, { first: 2, after: cursor, orderBy: { field: 'EMAIL', direction: 'ASC' } }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(errorCode(await admin.gql(PAGE, { first: 2, after: cursor, orderBy: { field: 'LAST_NAME', direction: 'DESC' } }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(errorCode(await admin.gql(PAGE, { first: 2, after: cursor, filter: { isActive: true } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await admin.gql(PAGE, { first: 2, after: cursor, search: 'a' }))).toBe('BAD_USER_INPUT');
    // A member's cursor (names-only search scope) is not an admin's.
    const m = await member.gql<{ users: Page }>(PAGE, { first: 2 });
    expect(errorCode(await admin.gql(PAGE, { first: 2, after: m.data!.users.pageInfo.endCursor }))).toBe('BAD_USER_INPUT');
    const [body, tag] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ k: '', id: 0 })).toString('base64url');
    for (const bad of [`${forged}.${tag}`, `${body}.${'A'.repeat(43)}`, 'garbage', '']) {
      expect(errorCode(await admin.gql(PAGE, { first: 2, after: bad }))).toBe('BAD_USER_INPUT');
    }
    expect((await admin.gql(PAGE, { first: 2, after: cursor })).errors).toBeUndefined();
  });

  it("an admin of org A cannot see, count, search, page into or load org B's members", async () => {
    const all = await walk(admin, {}, 200);
    expect(all).not.toContain(String(bMember.user.id));
    expect(all).not.toContain(String(adminB.user.id));
    expect((await admin.gql<{ users: Page }>(PAGE, { search: 'lovecraft' })).data!.users.nodes).toEqual([]);
    expect((await admin.gql<{ users: Page }>(PAGE, { search: `ada.b.${orgB.id}` })).data!.users.nodes).toEqual([]);
    const countA = (await admin.gql(PAGE_WITH_COUNT, { first: 1 })).data!.users.totalCount;
    expect(countA).toBe(all.length);
    const countB = (await adminB.gql(PAGE_WITH_COUNT, { first: 1 })).data!.users.totalCount;
    expect(countB).toBe(2);
    const cursorB = (await adminB.gql<{ users: Page }>(PAGE, { first: 1 })).data!.users.pageInfo.endCursor;
    expect(errorCode(await admin.gql(PAGE, { first: 1, after: cursorB }))).toBe('BAD_USER_INPUT');
    for (const vars of [{ id: String(bMember.user.id) }, { id: '999999' }]) {
      const r = await admin.gql('query($id: ID) { user(id: $id) { id } }', vars);
      expect(errorCode(r)).toBe('NOT_FOUND');
    }
    const countsA = (await admin.gql('{ userCounts { enabled inactive countedTowardSeats licensedSeats } }')).data!.userCounts;
    const rows = await sql('SELECT isActive, excludeFromMembershipCount FROM memberships WHERE orgId = :id', { id: orgA.id });
    const active = rows.filter((r: any) => Number(r.isActive) === 1);
    expect(countsA).toEqual({
      enabled: active.length,
      inactive: rows.length - active.length,
      countedTowardSeats: active.filter((r: any) => Number(r.excludeFromMembershipCount) === 0).length,
      licensedSeats: null,
    });
  });

  it('a member pages and searches names, gets FORBIDDEN on admin-only fields, filters and orders, and reads their own record', async () => {
    const r = await member.gql<{ users: Page }>(PAGE, { first: 200 });
    expect(r.errors).toBeUndefined();
    expect(r.data!.users.nodes.length).toBeGreaterThan(10);
    const withEmail = await member.gql('{ users(first: 3) { nodes { id firstName email } } }');
    expect(errorCode(withEmail)).toBe('FORBIDDEN');
    expect(JSON.stringify(withEmail.data)).not.toContain('@');
    for (const field of ['lastLoginAt', 'membership { isAdmin }', 'roles { name }', 'groups { name }', 'mfaEnrolled', 'externalRef']) {
      const x = await member.gql(`query($id: ID) { user(id: $id) { id ${field} } }`, { id: String(people[0].user.id) });
      expect({ field, code: errorCode(x) }).toEqual({ field, code: 'FORBIDDEN' });
    }
    expect(errorCode(await member.gql(PAGE, { filter: { mfaOptOut: true } }))).toBe('FORBIDDEN');
    expect(errorCode(await member.gql(PAGE, { filter: { isActive: true } }))).toBe('FORBIDDEN');
    expect(errorCode(await member.gql(PAGE, { filter: { portalAccess: true } }))).toBe('FORBIDDEN');
    expect(errorCode(await member.gql(PAGE, { filter: { hasAdvancedPermissions: false } }))).toBe('FORBIDDEN');
    expect(errorCode(await member.gql(PAGE, { orderBy: { field: 'EMAIL', direction: 'ASC' } }))).toBe('FORBIDDEN');
    expect(errorCode(await member.gql(PAGE, { orderBy: { field: 'LAST_LOGIN_AT', direction: 'DESC' } }))).toBe('FORBIDDEN');
    expect(errorCode(await member.gql(PAGE_WITH_COUNT, { filter: { isAdmin: true } }))).toBe('FORBIDDEN');
    expect(errorCode(await member.gql('{ userCounts { enabled } }'))).toBe('FORBIDDEN');
    // The filter refusal is audited.
    const denied = await sql(
      "SELECT COUNT(*) AS n FROM audit_events WHERE actorUserId = :id AND action = 'users.list' AND outcome = 'FORBIDDEN'",
      {
        id: member.user.id,
      },
    );
    expect(Number(denied[0].n)).toBeGreaterThanOrEqual(4);
    // Their own record, in full.
    const own = await member.gql(
      'query($id: ID) { user(id: $id) { id email lastLoginAt createdAt language membership { isAdmin isActive } roles { name } groups { name } mfaEnrolled } }',
      { id: String(member.user.id) },
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.user).toMatchObject({
      email: member.email,
      membership: { isAdmin: false, isActive: true },
      roles: [],
      mfaEnrolled: false,
    });
  });

  it('an MFA enrollment-only session cannot read the member list (GraphQL or service)', async () => {
    const mfaOrg = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, mfaOrg);
    const s = await signIn(app, mfaOrg, m.email);
    expect(s.status).toBe('MFA_ENROLLMENT_REQUIRED');
    expect(errorCode(await app.gql(PAGE, {}, s.token))).toBe('FORBIDDEN');
    const principal = await app.server.services.session.resolve(app.ds.manager, s.token);
    await expect(app.server.services.memberDirectory.listMembers({ ...app.systemCtx(), principal }, {})).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('user(id | externalRef): exactly one of the two', async () => {
    const byRef = await admin.gql('query($r: String) { user(externalRef: $r) { id } }', { r: `ext-3-${orgA.id}` });
    expect(byRef.data!.user.id).toBe(String(people[3].user.id));
    expect(errorCode(await admin.gql('{ user { id } }'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await admin.gql(`{ user(id: "${people[3].user.id}", externalRef: "ext-3-${orgA.id}") { id } }`))).toBe(
      'BAD_USER_INPUT',
    );
    expect(errorCode(await admin.gql('{ user(externalRef: "nobody") { id } }'))).toBe('NOT_FOUND');
    expect(errorCode(await admin.gql('{ user(id: "abc") { id } }'))).toBe('BAD_USER_INPUT');
    // externalRef is admin-only data: a member may not look people up by it.
    expect(errorCode(await member.gql('query($r: String) { user(externalRef: $r) { id } }', { r: `ext-3-${orgA.id}` }))).toBe('FORBIDDEN');
    expect(errorCode(await member.gql('{ user(externalRef: "nobody") { id } }'))).toBe('FORBIDDEN');
  });

  it('statements per page do not grow with page size; totalCount is computed only when selected', async () => {
    const q = `query($first: Int) { users(first: $first) { nodes { id firstName email lastLoginAt membership { isActive mfaOptOut } roles { name } groups { name } mfaEnrolled } pageInfo { hasNextPage } } }`;
    const statements = async (first: number, query = q): Promise<string[]> => {
      app.queries.length = 0;
      const r = await admin.gql(query, { first });
      expect(r.errors).toBeUndefined();
      return app.queries.filter((s) => /^\s*(SELECT|INSERT|UPDATE|DELETE)/i.test(s));
    };
    const five = await statements(5);
    const fifty = await statements(50);
    expect(fifty.length).toBe(five.length);
    // session lookup + page + users IN + roles + groups + MFA status
    expect(fifty.length).toBeLessThanOrEqual(6);
    // The names-only list a member sees: session lookup + page + users IN.
    expect(await statements(50, 'query($first: Int) { users(first: $first) { nodes { id firstName lastName } } }')).toHaveLength(3);
    expect(fifty.some((s) => /COUNT\(/i.test(s))).toBe(false);
    // Unfiltered totalCount comes from the org counters; a filtered one is one COUNT.
    const withCount = await statements(5, 'query($first: Int) { users(first: $first) { totalCount nodes { id } } }');
    expect(withCount.some((s) => /COUNT\(/i.test(s))).toBe(false);
    const filtered = await statements(
      5,
      'query($first: Int) { users(first: $first, filter: { allAccess: true }) { totalCount nodes { id } } }',
    );
    expect(filtered.filter((s) => /COUNT\(/i.test(s)).length).toBe(1);
  });
});
