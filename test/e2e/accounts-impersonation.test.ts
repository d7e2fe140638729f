import { Membership, Session } from '../../src/entities';
import type { RequestContext } from '../../src/context';
import {
  asAdmin,
  asMember,
  createMember,
  createOrg,
  errorCode,
  fakeDateOnly,
  startTestApp,
  testDbKind,
  type TestApp,
  auditRows,
} from '../support/harness';
import {
  CHANGE_PASSWORD,
  CREATE_USER,
  IMPERSONATE,
  ISSUE_RESET,
  ME,
  STOP_IMPERSONATING,
  UPDATE_USER,
  STRONG_PASSWORD,
} from '../support/accounts';

describe(`accounts: impersonation (${testDbKind()})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    jest.useRealTimers();
    await app.stop();
  });

  async function setup() {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org, { firstName: 'Ima' });
    const member = await asMember(app, org, { firstName: 'Target' });
    const r = await admin.gql(IMPERSONATE, { id: String(member.user.id) });
    expect(r.errors).toBeUndefined();
    return { org, admin, member, imp: r.data!.impersonate as { token: string; expiresAt: string; user: { id: string } } };
  }

  /** The context the REST shim would build for this token: services are checked without GraphQL's authChecker. */
  async function ctxFor(token: string): Promise<RequestContext> {
    const principal = await app.server.services.session.resolve(app.ds.manager, token);
    return { ...app.systemCtx(), principal };
  }

  it('an admin impersonates an active non-admin: the session acts as the user, shows the admin, lasts at most 1 h', async () => {
    const { admin, member, imp } = await setup();
    expect(imp.user.id).toBe(String(member.user.id));
    const ttl = new Date(imp.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(3600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);
    const me = await app.gql(ME, {}, imp.token);
    expect(me.data!.me).toEqual({
      user: { id: String(member.user.id) },
      membership: { isAdmin: false },
      sessionKind: 'FULL',
      impersonator: { id: String(admin.user.id), firstName: 'Ima' },
    });
    const row = await app.ds.getRepository(Session).findOneByOrFail({ userId: member.user.id, impersonatorUserId: admin.user.id });
    expect(row.kind).toBe('full');
    const audit = await auditRows(app, { action: 'user.impersonate', targetUserId: member.user.id });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: admin.user.id, outcome: 'success', impersonatorUserId: null });
    expect(JSON.stringify(audit)).not.toContain(imp.token);
  });

  it('never outlives the admin’s own session, and ends after one hour', async () => {
    const { admin, member } = await setup();
    const soon = new Date(Date.now() + 10 * 60_000);
    await app.ds.getRepository(Session).update({ userId: admin.user.id }, { expiresAt: soon });
    const r = await admin.gql(IMPERSONATE, { id: String(member.user.id) });
    expect(new Date(r.data!.impersonate.expiresAt).getTime()).toBeLessThanOrEqual(soon.getTime());

    const { admin: admin2, imp } = await setup();
    fakeDateOnly();
    try {
      jest.setSystemTime(Date.now() + 3600_000 + 1000);
      expect(errorCode(await app.gql(ME, {}, imp.token))).toBe('UNAUTHENTICATED');
      expect((await admin2.gql(ME)).data!.me.user.id).toBe(String(admin2.user.id));
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses admins (FORBIDDEN, audited), deactivated members (BAD_USER_INPUT), other orgs (NOT_FOUND) and non-admin callers', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const otherAdmin = await createMember(app, org, { isAdmin: true });
    const inactive = await createMember(app, org, { isActive: false });
    const stranger = await createMember(app, await createOrg(app));
    const member = await asMember(app, org);
    const sessionsBefore = await app.ds.getRepository(Session).count();
    expect(errorCode(await admin.gql(IMPERSONATE, { id: String(otherAdmin.user.id) }))).toBe('FORBIDDEN');
    expect(errorCode(await admin.gql(IMPERSONATE, { id: String(admin.user.id) }))).toBe('FORBIDDEN');
    expect(errorCode(await admin.gql(IMPERSONATE, { id: String(inactive.user.id) }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await admin.gql(IMPERSONATE, { id: String(stranger.user.id) }))).toBe('NOT_FOUND');
    expect(errorCode(await member.gql(IMPERSONATE, { id: String(inactive.user.id) }))).toBe('FORBIDDEN');
    expect(await app.ds.getRepository(Session).count()).toBe(sessionsBefore);
    expect(await auditRows(app, { action: 'user.impersonate', targetUserId: otherAdmin.user.id, outcome: 'FORBIDDEN' })).toHaveLength(1);
  });

  it('cannot do admin operations, change the password or impersonate again — through GraphQL or straight at the services', async () => {
    const { org, member, imp } = await setup();
    const other = await createMember(app, org);
    const email = `imp-${Date.now()}@example.test`;
    expect(errorCode(await app.gql(CREATE_USER, { input: { email, firstName: 'A', lastName: 'B' } }, imp.token))).toBe('FORBIDDEN');
    expect(errorCode(await app.gql(ISSUE_RESET, { id: String(other.user.id) }, imp.token))).toBe('FORBIDDEN');
    expect(errorCode(await app.gql(IMPERSONATE, { id: String(other.user.id) }, imp.token))).toBe('FORBIDDEN');
    expect(errorCode(await app.gql(CHANGE_PASSWORD, { c: member.password, n: STRONG_PASSWORD }, imp.token))).toBe('FORBIDDEN');

    const ctx = await ctxFor(imp.token);
    const s = app.server.services;
    await expect(s.userAdmin.createUser(ctx, { email, firstName: 'A', lastName: 'B' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(s.userAdmin.deleteUser(ctx, { id: other.user.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(s.userAdmin.updateUser(ctx, { id: other.user.id }, { firstName: 'X' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(s.impersonation.impersonate(ctx, { id: other.user.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(s.password.changePassword(ctx, member.password, STRONG_PASSWORD)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(s.password.issuePasswordReset(ctx, { id: member.user.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await app.ds.getRepository(Membership).countBy({ userId: other.user.id })).toBe(1);
  });

  it('audit rows made under impersonation name both the user and the impersonator', async () => {
    const { admin, member, imp } = await setup();
    const r = await app.gql(UPDATE_USER, { input: { userId: String(member.user.id), firstName: 'Renamed' } }, imp.token);
    expect(r.data!.updateUser.user.firstName).toBe('Renamed');
    const rows = await auditRows(app, { action: 'user.update', targetUserId: member.user.id });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorUserId: member.user.id, impersonatorUserId: admin.user.id });
    await app.gql(CHANGE_PASSWORD, { c: member.password, n: STRONG_PASSWORD }, imp.token);
    // The GraphQL door refuses it (the access policy's decision, before the service runs).
    const denied = await auditRows(app, { action: 'graphql.Mutation.changePassword', actorUserId: member.user.id });
    expect(denied[0]).toMatchObject({ outcome: 'FORBIDDEN', actorUserId: member.user.id, impersonatorUserId: admin.user.id });
    // Straight at the service, the same policy refuses it, audited under the service's action.
    await expect(
      app.server.services.password.changePassword(await ctxFor(imp.token), member.password, STRONG_PASSWORD),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const byService = await auditRows(app, { action: 'user.change_password', targetUserId: member.user.id });
    expect(byService[0]).toMatchObject({ outcome: 'FORBIDDEN', actorUserId: member.user.id, impersonatorUserId: admin.user.id });
  });

  it('stopImpersonating ends the impersonation session only; it is refused outside one', async () => {
    const { admin, member, imp } = await setup();
    expect(errorCode(await admin.gql(STOP_IMPERSONATING))).toBe('BAD_USER_INPUT');
    expect(errorCode(await member.gql(STOP_IMPERSONATING))).toBe('BAD_USER_INPUT');
    expect((await app.gql(STOP_IMPERSONATING, {}, imp.token)).data).toEqual({ stopImpersonating: { impersonationEnded: true } });
    expect(errorCode(await app.gql(ME, {}, imp.token))).toBe('UNAUTHENTICATED');
    expect((await admin.gql(ME)).data!.me.user.id).toBe(String(admin.user.id));
    expect((await member.gql(ME)).data!.me.user.id).toBe(String(member.user.id));
    const rows = await auditRows(app, { action: 'user.impersonate_stop', targetUserId: member.user.id });
    expect(rows[0]).toMatchObject({ actorUserId: member.user.id, impersonatorUserId: admin.user.id });
  });

  it('ends as soon as the impersonator is no longer an active admin, and when the user is deactivated', async () => {
    const ms = app.ds.getRepository(Membership);
    const a = await setup();
    await ms.update({ id: a.admin.membership.id }, { isAdmin: false });
    expect(errorCode(await app.gql(ME, {}, a.imp.token))).toBe('UNAUTHENTICATED');
    await ms.update({ id: a.admin.membership.id }, { isAdmin: true });
    expect((await app.gql(ME, {}, a.imp.token)).data!.me.user.id).toBe(String(a.member.user.id));

    const b = await setup();
    await ms.update({ id: b.admin.membership.id }, { isActive: false });
    expect(errorCode(await app.gql(ME, {}, b.imp.token))).toBe('UNAUTHENTICATED');

    const c = await setup();
    await ms.update({ id: c.member.membership.id }, { isActive: false });
    expect(errorCode(await app.gql(ME, {}, c.imp.token))).toBe('UNAUTHENTICATED');
  });
});
