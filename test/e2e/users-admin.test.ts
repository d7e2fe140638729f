import type { RequestContext } from '../../src/context';
import type { Org } from '../../src/entities';
import { rawQuery } from '../../src/db/raw';
import type { ExportRow } from '../../src/services/members/member-export.service';
import {
  asAdmin,
  asMember,
  createMember,
  createOrg,
  errorCode,
  signIn,
  startTestApp,
  testDbKind,
  type Principal,
  type TestApp,
  type TestMember,
  fakeDateOnly,
} from '../support/harness';
import { ctxOf as serviceCtx } from '../support/membership';

const ASSIGN = 'mutation($u: ID!, $r: ID!) { assignRole(input: { userId: $u, roleId: $r }) { changed } }';
const UNASSIGN = 'mutation($u: ID!, $r: ID!) { unassignRole(input: { userId: $u, roleId: $r }) { changed } }';
const ADD = 'mutation($u: ID!, $g: ID!) { addToGroup(input: { userId: $u, groupId: $g }) { changed } }';
const REMOVE = 'mutation($u: ID!, $g: ID!) { removeFromGroup(input: { userId: $u, groupId: $g }) { changed } }';
const REMOVED_FEED = `query($r: ID!, $s: DateTimeISO!, $first: Int, $after: String) {
  usersRemovedFromRole(roleId: $r, since: $s, first: $first, after: $after) { nodes { userId at user { id firstName } } pageInfo { hasNextPage endCursor } } }`;
const UPDATED_FEED = REMOVED_FEED.replace('usersRemovedFromRole', 'usersUpdatedByRole');
const AUDIT = `query($first: Int, $after: String, $filter: AuditEventFilter) {
  auditEvents(first: $first, after: $after, filter: $filter) {
    nodes { id at action actionName outcome actorId targetUserId changes { field before after } requestId actor { id } target { id firstName } impersonator { id } }
    edges { cursor }
    pageInfo { hasNextPage endCursor }
  } }`;

const T = (hhmm: string): Date => new Date(`2030-01-01T${hhmm}:00.000Z`);

describe(`roles, groups, sync feeds, audit trail, legacy page, export (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let orgB: Org;
  let admin: Principal;
  let member: Principal;
  let adminB: Principal;
  let bPerson: TestMember;
  const people: TestMember[] = [];

  const sql = <R = any>(text: string, params: Record<string, unknown> = {}): Promise<R[]> => rawQuery<R>(app.ds.manager, text, params);
  const auditCount = async (action: string, extra = ''): Promise<number> =>
    Number(
      (await sql(`SELECT COUNT(*) AS n FROM audit_events WHERE orgId = :org AND action = :action ${extra}`, { org: org.id, action }))[0].n,
    );
  const ctxOf = (p: Principal): Promise<RequestContext> => serviceCtx(app, p);

  beforeAll(async () => {
    app = await startTestApp();
    org = await createOrg(app, { licensedSeats: 50 });
    orgB = await createOrg(app);
    admin = await asAdmin(app, org);
    member = await asMember(app, org);
    for (const [i, last] of ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot'].entries()) {
      people.push(await createMember(app, org, { firstName: `P${i}`, lastName: last, password: undefined, isActive: i !== 5 }));
    }
    adminB = await asAdmin(app, orgB);
    bPerson = await createMember(app, orgB, { firstName: 'Bea', lastName: 'Other', password: undefined });
  }, 120_000);
  afterAll(async () => {
    jest.useRealTimers();
    await app.stop();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('createRole / createUserGroup: admin-only, audited, CONFLICT on a duplicate name; lists are admin-only and per org', async () => {
    const r = await admin.gql('mutation { createRole(input: { name: "Auditor" }) { role { id name } } }');
    expect(r.data!.createRole.role.name).toBe('Auditor');
    expect(errorCode(await admin.gql('mutation { createRole(input: { name: "Auditor" }) { role { id } } }'))).toBe('CONFLICT');
    expect(await auditCount('role.create')).toBe(1);
    const g = await admin.gql('mutation { createUserGroup(input: { name: "Engineering" }) { userGroup { id name } } }');
    expect(g.data!.createUserGroup.userGroup.name).toBe('Engineering');
    expect(await auditCount('group.create')).toBe(1);
    expect(errorCode(await admin.gql('mutation { createUserGroup(input: { name: "  " }) { userGroup { id } } }'))).toBe('BAD_USER_INPUT');

    expect(errorCode(await member.gql('mutation { createRole(input: { name: "Sneaky" }) { role { id } } }'))).toBe('FORBIDDEN');
    expect(errorCode(await member.gql('{ roles { nodes { id } } }'))).toBe('FORBIDDEN');
    expect(errorCode(await member.gql('{ userGroups { nodes { id } } }'))).toBe('FORBIDDEN');
    await adminB.gql('mutation { createRole(input: { name: "B only" }) { role { id } } }');
    expect((await admin.gql('{ roles { totalCount nodes { name } } }')).data!.roles).toEqual({
      totalCount: 1,
      nodes: [{ name: 'Auditor' }],
    });
    expect((await admin.gql('{ userGroups { totalCount nodes { name } } }')).data!.userGroups).toEqual({
      totalCount: 1,
      nodes: [{ name: 'Engineering' }],
    });
    // Service check too (the REST shim calls services directly).
    await expect(app.server.services.role.createRole(await ctxOf(member), 'X')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('assign/unassign role and add/remove group: audited, idempotent (no-op records nothing), other org NOT_FOUND', async () => {
    const role = (await admin.gql('mutation { createRole(input: { name: "Risk Owner" }) { role { id } } }')).data!.createRole.role.id;
    const group = (await admin.gql('mutation { createUserGroup(input: { name: "Compliance" }) { userGroup { id } } }')).data!
      .createUserGroup.userGroup.id;
    const u = String(people[0].user.id);

    expect((await admin.gql(ASSIGN, { u, r: role })).data!.assignRole.changed).toBe(true);
    expect((await admin.gql(ASSIGN, { u, r: role })).data!.assignRole.changed).toBe(false);
    expect(await auditCount('role.assign', `AND targetUserId = ${u}`)).toBe(1);
    const [ev] = await sql("SELECT changes FROM audit_events WHERE action = 'role.assign' AND targetUserId = :u", { u });
    expect(JSON.parse(ev.changes)).toEqual({ role: { before: null, after: { id: Number(role), name: 'Risk Owner' } } });

    expect((await admin.gql(UNASSIGN, { u, r: role })).data!.unassignRole.changed).toBe(true);
    expect((await admin.gql(UNASSIGN, { u, r: role })).data!.unassignRole.changed).toBe(false);
    expect(await auditCount('role.unassign', `AND targetUserId = ${u}`)).toBe(1);
    const kept = await sql('SELECT removedAt FROM role_assignments WHERE roleId = :r AND userId = :u', { r: role, u });
    expect(kept).toHaveLength(1);
    expect(kept[0].removedAt).not.toBeNull();
    // Assigning again reopens the same row.
    expect((await admin.gql(ASSIGN, { u, r: role })).data!.assignRole.changed).toBe(true);
    const again = await sql('SELECT removedAt FROM role_assignments WHERE roleId = :r AND userId = :u', { r: role, u });
    expect(again).toEqual([{ removedAt: null }]);
    const read = await admin.gql('query($id: ID) { user(id: $id) { roles { name } groups { name } } }', { id: u });
    expect(read.data!.user.roles).toEqual([{ name: 'Risk Owner' }]);

    expect((await admin.gql(ADD, { u, g: group })).data!.addToGroup.changed).toBe(true);
    expect((await admin.gql(ADD, { u, g: group })).data!.addToGroup.changed).toBe(false);
    expect((await admin.gql('query($id: ID) { user(id: $id) { groups { name } } }', { id: u })).data!.user.groups).toEqual([
      { name: 'Compliance' },
    ]);
    expect((await admin.gql(REMOVE, { u, g: group })).data!.removeFromGroup.changed).toBe(true);
    expect((await admin.gql(REMOVE, { u, g: group })).data!.removeFromGroup.changed).toBe(false);
    expect(await auditCount('group.add_member')).toBe(1);
    expect(await auditCount('group.remove_member')).toBe(1);

    // Concurrent assignments of one role to one user: one wins, one row, one audit row.
    const racer = String(people[3].user.id);
    const results = await Promise.all([1, 2, 3, 4].map(() => admin.gql(ASSIGN, { u: racer, r: role })));
    expect(results.map((x) => x.data!.assignRole.changed).filter(Boolean)).toHaveLength(1);
    expect(
      Number((await sql('SELECT COUNT(*) AS n FROM role_assignments WHERE roleId = :r AND userId = :u', { r: role, u: racer }))[0].n),
    ).toBe(1);
    expect(await auditCount('role.assign', `AND targetUserId = ${racer}`)).toBe(1);
    await admin.gql(UNASSIGN, { u: racer, r: role });

    // Another org's role, group or member is NOT_FOUND, and nothing is written.
    const roleB = (await adminB.gql('mutation { createRole(input: { name: "Auditor" }) { role { id } } }')).data!.createRole.role.id;
    const groupB = (await adminB.gql('mutation { createUserGroup(input: { name: "G" }) { userGroup { id } } }')).data!.createUserGroup
      .userGroup.id;
    const before = await sql('SELECT COUNT(*) AS n FROM role_assignments');
    expect(errorCode(await admin.gql(ASSIGN, { u, r: roleB }))).toBe('NOT_FOUND');
    expect(errorCode(await admin.gql(ADD, { u, g: groupB }))).toBe('NOT_FOUND');
    expect(errorCode(await admin.gql(ASSIGN, { u: String(bPerson.user.id), r: role }))).toBe('NOT_FOUND');
    expect(errorCode(await admin.gql(ASSIGN, { u, r: '987654' }))).toBe('NOT_FOUND');
    expect(await sql('SELECT COUNT(*) AS n FROM role_assignments')).toEqual(before);
    // A member may not; the refusal is audited.
    expect(errorCode(await member.gql(ASSIGN, { u, r: role }))).toBe('FORBIDDEN');
    await expect(app.server.services.role.assignRole(await ctxOf(member), Number(u), Number(role))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await auditCount('role.assign', "AND outcome = 'FORBIDDEN'")).toBe(1);
  });

  it('usersRemovedFromRole / usersUpdatedByRole: right users, paged, bound cursors, admin-only', async () => {
    const role = (await admin.gql('mutation { createRole(input: { name: "Sync" }) { role { id } } }')).data!.createRole.role.id;
    const id = (i: number): string => String(people[i].user.id);
    fakeDateOnly(T('10:00'));
    // A session opened at the faked time (the real-time one has expired by then).
    const token = (await signIn(app, org, admin.email)).token;
    const as = async (q: string, vars: Record<string, unknown>): Promise<void> => {
      expect((await app.gql(q, vars, token)).errors).toBeUndefined();
    };
    for (const i of [1, 2, 3, 4]) {
      await as(ASSIGN, { u: id(i), r: role });
    }
    fakeDateOnly(T('10:10'));
    await as(UNASSIGN, { u: id(1), r: role });
    await as(UNASSIGN, { u: id(2), r: role });
    fakeDateOnly(T('10:20'));
    await as(UNASSIGN, { u: id(3), r: role });
    await as(ASSIGN, { u: id(1), r: role }); // holds it again: not "removed"
    // Read later, once the changes have settled (ROLE_FEED_SETTLE_MS), with the session of the faked time.
    fakeDateOnly(T('11:00'));
    const feed = async (q: string, vars: Record<string, unknown>) => (await app.gql(q, vars, token)).data!;

    const removed = async (since: Date, first?: number, after?: string | null) =>
      (await feed(REMOVED_FEED, { r: role, s: since.toISOString(), first, after })).usersRemovedFromRole;
    const all = await removed(T('10:05'));
    expect(all.nodes.map((n: any) => n.userId)).toEqual([id(2), id(3)]);
    // Exact times: six fraction digits (the fake clock stands still, so stamps differ by microseconds).
    expect(all.nodes[0]).toMatchObject({
      at: expect.stringMatching(/^2030-01-01T10:10:00\.0000\d\dZ$/),
      user: { id: id(2), firstName: 'P2' },
    });
    expect((await removed(T('10:15'))).nodes.map((n: any) => n.userId)).toEqual([id(3)]);
    const p1 = await removed(T('10:05'), 1);
    expect(p1.nodes.map((n: any) => n.userId)).toEqual([id(2)]);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = await removed(T('10:05'), 1, p1.pageInfo.endCursor);
    expect(p2.nodes.map((n: any) => n.userId)).toEqual([id(3)]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    // Resuming from the last page's endCursor: nothing new, and the cursor stays where it was.
    const p3 = await removed(T('10:05'), 1, p2.pageInfo.endCursor);
    expect(p3).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: p2.pageInfo.endCursor } });
    // The cursor is bound to the feed's since and role.
    expect(errorCode(await app.gql(REMOVED_FEED, { r: role, s: T('10:06').toISOString(), after: p1.pageInfo.endCursor }, token))).toBe(
      'BAD_USER_INPUT',
    );
    expect(errorCode(await app.gql(UPDATED_FEED, { r: role, s: T('10:05').toISOString(), after: p1.pageInfo.endCursor }, token))).toBe(
      'BAD_USER_INPUT',
    );

    const updated = async (since: Date, first?: number) =>
      (await feed(UPDATED_FEED, { r: role, s: since.toISOString(), first })).usersUpdatedByRole;
    // By time of the change: P4 assigned at 10:00, P1 assigned again at 10:20.
    expect((await updated(T('09:00'))).nodes.map((n: any) => n.userId)).toEqual([id(4), id(1)]);
    expect((await updated(T('10:15'))).nodes.map((n: any) => n.userId)).toEqual([id(1)]);
    // A change to the holder's record counts too: a rename, and a membership change.
    fakeDateOnly(T('10:30'));
    await as('mutation($id: ID!) { updateUser(input: { userId: $id, firstName: "P4b" }) { user { id } } }', { id: id(4) });
    fakeDateOnly(T('10:40'));
    await as('mutation($u: ID!) { updateMembership(input: { userId: $u, allAccess: true }) { membership { version } } }', { u: id(1) });
    fakeDateOnly(T('11:00'));
    expect((await updated(T('10:25'))).nodes.map((n: any) => n.userId)).toEqual([id(4), id(1)]);
    expect((await updated(T('10:35'))).nodes.map((n: any) => n.userId)).toEqual([id(1)]);
    const page = await updated(T('09:00'), 1);
    expect(page.pageInfo.hasNextPage).toBe(true);
    // Not yet settled: a change of the last ROLE_FEED_SETTLE_MS (2 s) is not listed yet.
    fakeDateOnly(new Date(T('10:30').getTime() + 1000));
    expect((await updated(T('10:25'))).nodes).toEqual([]);

    // Someone who left the org is still reported as removed, by id only.
    fakeDateOnly(T('11:00'));
    await sql('DELETE FROM memberships WHERE id = :id', { id: people[2].membership.id });
    const left = await removed(T('10:05'));
    expect(left.nodes[0]).toMatchObject({ userId: id(2), user: null });
    jest.useRealTimers();

    await sql(
      "INSERT INTO memberships (orgId, userId, firstName, lastName, isActive, isAdmin, allAccess, portalAccess, mfaOptOut, excludeFromMembershipCount, hasAdvancedPermissions, version, nameKey, fullNameKey, emailKey) VALUES (:o, :u, 'P2', 'Charlie', 1, 0, 0, 0, 0, 0, 0, 1, :n, :f, :e)",
      { o: org.id, u: id(2), n: 'charlie p2', f: 'p2 charlie', e: people[2].email.toLowerCase() },
    );
    people[2].membership.id = Number(
      (await sql('SELECT id FROM memberships WHERE orgId = :o AND userId = :u', { o: org.id, u: id(2) }))[0].id,
    );

    expect(errorCode(await member.gql(REMOVED_FEED, { r: role, s: T('10:05').toISOString() }))).toBe('FORBIDDEN');
    expect(errorCode(await member.gql(UPDATED_FEED, { r: role, s: T('10:05').toISOString() }))).toBe('FORBIDDEN');
    const roleB = (await adminB.gql('mutation { createRole(input: { name: "Sync" }) { role { id } } }')).data!.createRole.role.id;
    expect(errorCode(await admin.gql(REMOVED_FEED, { r: roleB, s: T('10:05').toISOString() }))).toBe('NOT_FOUND');
    expect(errorCode(await admin.gql(REMOVED_FEED, { r: role, s: T('10:05').toISOString(), first: 501 }))).toBe('BAD_USER_INPUT');
  });

  it('auditEvents: admin-only, newest first, filters by actor, target, action and time, keyset paging, per org', async () => {
    const all: number[] = (await sql('SELECT id FROM audit_events WHERE orgId = :o ORDER BY id DESC', { o: org.id })).map((r) =>
      Number(r.id),
    );
    expect(all.length).toBeGreaterThan(10);
    const ids: number[] = [];
    let after: string | null = null;
    do {
      const r: any = await admin.gql(AUDIT, { first: 3, after });
      expect(r.errors).toBeUndefined();
      ids.push(...r.data.auditEvents.nodes.map((n: any) => Number(n.id)));
      after = r.data.auditEvents.pageInfo.hasNextPage ? r.data.auditEvents.pageInfo.endCursor : null;
    } while (after);
    // Reading the trail writes nothing, so the walk sees exactly the rows that were there.
    expect(ids).toEqual(all);

    const byAction = (await admin.gql(AUDIT, { filter: { action: 'ROLE_ASSIGN' } })).data!.auditEvents.nodes;
    expect(byAction.length).toBeGreaterThan(3);
    expect(byAction.every((n: any) => n.action === 'ROLE_ASSIGN' && n.actionName === 'role.assign')).toBe(true);
    const byName = (await admin.gql(AUDIT, { filter: { actionName: 'role.assign' } })).data!.auditEvents.nodes;
    expect(byName.map((n: any) => n.id)).toEqual(byAction.map((n: any) => n.id));
    const target = String(people[1].user.id);
    const byTarget = (await admin.gql(AUDIT, { filter: { targetUserId: target } })).data!.auditEvents.nodes;
    expect(byTarget.length).toBeGreaterThan(0);
    expect(byTarget.every((n: any) => n.targetUserId === target && n.target.id === target)).toBe(true);
    const byActor = (await admin.gql(AUDIT, { filter: { actorId: String(member.user.id) } })).data!.auditEvents.nodes;
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((n: any) => n.actorId === String(member.user.id))).toBe(true);
    expect(byActor.map((n: any) => n.outcome)).toContain('FORBIDDEN');
    expect(byActor.map((n: any) => n.action)).toContain('AUTH_SIGN_IN');
    // The member's refused fields are one kind, each named by actionName; the filter takes the kind.
    const doorDenials = (await admin.gql(AUDIT, { filter: { action: 'GRAPHQL_FIELD_DENIED' } })).data!.auditEvents.nodes;
    expect(doorDenials.length).toBeGreaterThan(0);
    // Every refusal of the GraphQL door, and nothing else: the kind's range of the action index.
    const stored = await sql("SELECT id FROM audit_events WHERE orgId = :o AND action LIKE 'graphql.%' ORDER BY id DESC", { o: org.id });
    expect(doorDenials.map((n: any) => Number(n.id))).toEqual(stored.slice(0, 50).map((r: any) => Number(r.id)));
    for (const n of doorDenials) {
      expect(n).toMatchObject({ action: 'GRAPHQL_FIELD_DENIED', outcome: 'FORBIDDEN', actionName: expect.stringMatching(/^graphql\./) });
    }
    const window = (await admin.gql(AUDIT, { filter: { from: T('10:10').toISOString(), to: T('10:20').toISOString() } })).data!.auditEvents
      .nodes;
    expect(window.map((n: any) => n.action).sort()).toEqual(['ROLE_UNASSIGN', 'ROLE_UNASSIGN']);
    expect(window[0].changes).toEqual([{ field: 'role', before: { id: expect.any(Number), name: 'Sync' }, after: null }]);
    expect(window[0].actor).toEqual({ id: String(admin.user.id) });
    expect(window[0].impersonator).toBeNull();

    // A target who left the org keeps its id; the User is null.
    await sql('DELETE FROM memberships WHERE id = :id', { id: people[5].membership.id });
    await sql(
      "INSERT INTO audit_events (orgId, actorUserId, action, outcome, targetUserId, at) VALUES (:o, :a, 'test.left', 'success', :t, :at)",
      {
        o: org.id,
        a: admin.user.id,
        t: people[5].user.id,
        at: new Date(),
      },
    );
    const leftEv = (await admin.gql(AUDIT, { first: 1, filter: { actionName: 'test.left' } })).data!.auditEvents.nodes[0];
    // A name this version does not write is OTHER, its stored name kept; an event without changes has an empty list.
    expect(leftEv).toMatchObject({
      action: 'OTHER',
      actionName: 'test.left',
      outcome: 'SUCCESS',
      changes: [],
      targetUserId: String(people[5].user.id),
      target: null,
    });
    expect(errorCode(await admin.gql(AUDIT, { filter: { action: 'OTHER' } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await admin.gql(AUDIT, { filter: { action: 'ROLE_ASSIGN', actionName: 'role.unassign' } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await admin.gql(AUDIT, { filter: { action: 'role.assign' } }))).toBe('BAD_USER_INPUT'); // the stored name is not an enum value

    // Per org, bound cursors, admin-only.
    const bEvents = (await adminB.gql(AUDIT, { first: 200 })).data!.auditEvents.nodes;
    expect(bEvents.some((n: any) => all.includes(Number(n.id)))).toBe(false);
    const cursorA = (await admin.gql(AUDIT, { first: 1 })).data!.auditEvents.pageInfo.endCursor;
    expect(errorCode(await adminB.gql(AUDIT, { first: 1, after: cursorA }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await admin.gql(AUDIT, { first: 1, after: cursorA, filter: { action: 'ROLE_ASSIGN' } }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await member.gql(AUDIT, {}))).toBe('FORBIDDEN');
    expect(errorCode(await admin.gql(AUDIT, { first: 201 }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await admin.gql('mutation { deleteAuditEvent(id: 1) }'))).toBe('BAD_USER_INPUT'); // no such mutation
  });

  it('userCounts and countedTowardSeats come from the counters and match a recount', async () => {
    const rows = await sql('SELECT isActive, excludeFromMembershipCount FROM memberships WHERE orgId = :o', { o: org.id });
    // Two tests above edited memberships with raw SQL; put the counters right the way a repair would.
    const active = rows.filter((r: any) => Number(r.isActive) === 1);
    const seated = active.filter((r: any) => Number(r.excludeFromMembershipCount) === 0);
    await sql('UPDATE orgs SET enabledCount = :e, inactiveCount = :i, seatCount = :s WHERE id = :o', {
      e: active.length,
      i: rows.length - active.length,
      s: seated.length,
      o: org.id,
    });
    const counts = (await admin.gql('{ userCounts { licensedSeats enabled inactive countedTowardSeats } }')).data!.userCounts;
    expect(counts).toEqual({
      licensedSeats: 50,
      enabled: active.length,
      inactive: rows.length - active.length,
      countedTowardSeats: seated.length,
    });
    expect(await app.server.services.memberDirectory.countedTowardSeats(await ctxOf(admin))).toBe(seated.length);
    await expect(app.server.services.memberDirectory.countedTowardSeats(await ctxOf(member))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('listMembersPage (legacy OFFSET page): totals, sort, active filter, bounded', async () => {
    const ctx = await ctxOf(admin);
    const dir = app.server.services.memberDirectory;
    const expected = (await sql('SELECT userId FROM memberships WHERE orgId = :o ORDER BY emailKey DESC, userId DESC', { o: org.id })).map(
      (r) => Number(r.userId),
    );
    const seen: number[] = [];
    for (let page = 1; ; page++) {
      const p = await dir.listMembersPage(ctx, { page, size: 3, sort: 'email,desc' });
      expect(p).toMatchObject({ page, size: 3, totalElements: expected.length, totalPages: Math.ceil(expected.length / 3) });
      seen.push(...p.content.map((m) => m.id));
      if (page >= p.totalPages) {
        break;
      }
    }
    expect(seen).toEqual(expected);
    const inactive = await dir.listMembersPage(ctx, { active: false });
    expect(inactive.content.every((m) => !m.membership.isActive)).toBe(true);
    expect(inactive.totalElements).toBe(inactive.content.length);
    const search = await dir.listMembersPage(ctx, { search: 'p3 d' });
    expect(search.content.map((m) => m.lastName)).toEqual(['Delta']);
    for (const bad of [
      { size: 201 },
      { size: 0 },
      { page: 0 },
      { page: 52, size: 200 },
      { sort: 'passwordHash' },
      { sort: 'email,sideways' },
    ]) {
      await expect(dir.listMembersPage(ctx, bad)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    await expect(dir.listMembersPage(await ctxOf(member), { active: true })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await dir.listMembersPage(await ctxOf(member), { size: 2 })).content).toHaveLength(2);
  });

  it('iterateMembers: every member once, in keyset batches, with role and group names and MFA status; admin-only', async () => {
    const ctx = await ctxOf(admin);
    const role = (await admin.gql('mutation { createRole(input: { name: "Exporter" }) { role { id } } }')).data!.createRole.role.id;
    const group = (await admin.gql('mutation { createUserGroup(input: { name: "Export group" }) { userGroup { id } } }')).data!
      .createUserGroup.userGroup.id;
    await admin.gql(ASSIGN, { u: String(people[4].user.id), r: role });
    await admin.gql(ADD, { u: String(people[4].user.id), g: group });
    await sql('INSERT INTO mfa_factors (membershipId, confirmedAt, failedAttempts, createdAt, updatedAt) VALUES (:m, :c, 0, :c, :c)', {
      m: people[4].membership.id,
      c: new Date(),
    });
    const rows: ExportRow[] = [];
    for await (const row of app.server.services.memberExport.iterateMembers(
      ctx,
      { orderBy: { field: 'CREATED_AT', direction: 'DESC' } },
      2,
    )) {
      rows.push(row);
    }
    const expected = (await sql('SELECT userId FROM memberships WHERE orgId = :o ORDER BY createdAt DESC, userId DESC', { o: org.id })).map(
      (r) => Number(r.userId),
    );
    expect(rows.map((r) => r.userId)).toEqual(expected);
    const p4 = rows.find((r) => r.userId === people[4].user.id)!;
    expect(p4.roles).toEqual(['Exporter', 'Sync']);
    expect(p4.groups).toEqual(['Export group']);
    expect(p4.mfaEnrolled).toBe(true);
    expect(rows.find((r) => r.userId === people[3].user.id)!.mfaEnrolled).toBe(false);
    const filtered: ExportRow[] = [];
    for await (const row of app.server.services.memberExport.iterateMembers(ctx, { filter: { roleId: role } })) {
      filtered.push(row);
    }
    expect(filtered.map((r) => r.userId)).toEqual([people[4].user.id]);
    const denied = app.server.services.memberExport.iterateMembers(await ctxOf(member), {});
    await expect(denied.next()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
