import {
  MfaFactor,
  Org,
  RecoveryCode,
  Role,
  RoleAssignment,
  User,
  UserGroup,
  UserGroupMember,
  Membership,
  PasswordToken,
} from '../../src/entities';
import {
  asAdmin,
  asMember,
  createMember,
  createOrg,
  errorCode,
  signIn,
  useTestApp,
  testDbKind,
  auditRows,
  countRows,
  tableCounts,
} from '../support/harness';
import { CREATE_USER, DELETE_USER, ME, UPDATE_USER } from '../support/accounts';

const uniqueEmail = (tag: string): string => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;

describe(`accounts: createUser, updateUser, deleteUser (${testDbKind()})`, () => {
  const app = useTestApp();

  const orgRow = (id: number): Promise<Org> => app.ds.getRepository(Org).findOneByOrFail({ id });

  describe('createUser', () => {
    it('creates a new account with a one-time activation token (24 h); only its SHA-256 is stored; audited without it', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const before = await orgRow(org.id);
      const email = uniqueEmail('Ada.New');
      const r = await admin.gql(CREATE_USER, { input: { email, firstName: 'Ada', lastName: 'Lovelace', externalRef: `ext-${email}` } });
      expect(r.errors).toBeUndefined();
      const out = r.data!.createUser;
      expect(out.user).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', email, language: 'en-US' });
      expect(out.membership).toEqual({ isAdmin: false, isActive: true, excludeFromMembershipCount: false });
      expect(out.activation.purpose).toBe('ACTIVATION');
      expect(out.activation.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const ttl = new Date(out.activation.expiresAt).getTime() - Date.now();
      expect(ttl).toBeGreaterThan(24 * 3600_000 - 60_000);
      expect(ttl).toBeLessThanOrEqual(24 * 3600_000);

      const tokens = await app.ds.getRepository(PasswordToken).find({ where: { userId: Number(out.user.id) } });
      expect(tokens).toHaveLength(1);
      expect(tokens[0].purpose).toBe('activation');
      expect(tokens[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(tokens[0].tokenHash).not.toBe(out.activation.token);
      const user = await app.ds.getRepository(User).findOneByOrFail({ id: Number(out.user.id) });
      expect(user.passwordHash).toBeNull();

      const after = await orgRow(org.id);
      expect(after.enabledCount - before.enabledCount).toBe(1);
      expect(after.seatCount - before.seatCount).toBe(1);
      const m = await app.ds.getRepository(Membership).findOneByOrFail({ orgId: org.id, userId: user.id });
      expect(m).toMatchObject({ nameKey: 'lovelace ada', fullNameKey: 'ada lovelace', emailKey: email.toLowerCase() });

      const audit = await auditRows(app, { action: 'user.create', targetUserId: user.id });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ orgId: org.id, actorUserId: admin.user.id, outcome: 'success', impersonatorUserId: null });
      expect(JSON.stringify(audit[0].changes)).not.toContain(out.activation.token);
      expect(audit[0].changes!.email).toEqual({ before: null, after: email });
    });

    it('an email that belongs to a user of another org (any case) adds a membership: same user, no token, password kept', async () => {
      const orgA = await createOrg(app);
      const orgB = await createOrg(app);
      const existing = await createMember(app, orgA, { email: uniqueEmail('Grace') });
      const admin = await asAdmin(app, orgB);
      const tokensBefore = await countRows(app, 'password_tokens');
      const r = await admin.gql(CREATE_USER, { input: { email: existing.email.toUpperCase(), firstName: 'Other', lastName: 'Name' } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.createUser.user.id).toBe(String(existing.user.id));
      expect(r.data!.createUser.user.firstName).toBe('Test');
      expect(r.data!.createUser.activation).toBeNull();
      expect(await countRows(app, 'password_tokens')).toBe(tokensBefore);
      expect(await countRows(app, 'users', 'emailKey = ?', [existing.email.toLowerCase()])).toBe(1);
      // The existing password opens the new org too.
      expect((await signIn(app, orgB, existing.email, existing.password)).status).toBe('SIGNED_IN');
      const audit = await auditRows(app, { action: 'user.create', targetUserId: existing.user.id, orgId: orgB.id });
      expect(audit[0].changes!.existingUser).toBe(true);
    });

    it('an existing member of this org (any case) is a CONFLICT and writes nothing', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const m = await createMember(app, org);
      const before = await tableCounts(app);
      const r = await admin.gql(CREATE_USER, { input: { email: m.email.toUpperCase(), firstName: 'X', lastName: 'Y' } });
      expect(errorCode(r)).toBe('CONFLICT');
      expect(await tableCounts(app)).toEqual(before);
    });

    it('at the seat limit: SEAT_LIMIT_REACHED and no user, membership, token or audit row is left behind', async () => {
      const org = await createOrg(app, { licensedSeats: 1 });
      const admin = await asAdmin(app, org);
      const email = uniqueEmail('seatless');
      const before = await tableCounts(app);
      const counters = await orgRow(org.id);
      const r = await admin.gql(CREATE_USER, { input: { email, firstName: 'No', lastName: 'Seat' } });
      expect(errorCode(r)).toBe('SEAT_LIMIT_REACHED');
      expect(await tableCounts(app)).toEqual(before);
      expect(await countRows(app, 'users', 'emailKey = ?', [email])).toBe(0);
      expect(await orgRow(org.id)).toMatchObject({ enabledCount: counters.enabledCount, seatCount: counters.seatCount });
      // A member excluded from the count needs no seat.
      const ok = await admin.gql(CREATE_USER, { input: { email, firstName: 'No', lastName: 'Seat', excludeFromMembershipCount: true } });
      expect(ok.errors).toBeUndefined();
    });

    it('validates input (email, names, isAdmin with advanced permissions, unknown fields) and refuses non-admins', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const member = await asMember(app, org);
      const bad = await admin.gql(CREATE_USER, { input: { email: 'not-an-email', firstName: 'A', lastName: 'B' } });
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(bad.errors![0].extensions!.field).toBe('email');
      const blank = await admin.gql(CREATE_USER, { input: { email: uniqueEmail('blank'), firstName: '  ', lastName: 'B' } });
      expect(blank.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'firstName' });
      const both = await admin.gql(CREATE_USER, {
        input: { email: uniqueEmail('both'), firstName: 'A', lastName: 'B', isAdmin: true, hasAdvancedPermissions: true },
      });
      expect(errorCode(both)).toBe('BAD_USER_INPUT');
      const unknown = await admin.gql(CREATE_USER, {
        input: { email: uniqueEmail('u'), firstName: 'A', lastName: 'B', passwordHash: 'x' },
      });
      expect(errorCode(unknown)).toBe('BAD_USER_INPUT');
      const denied = await member.gql(CREATE_USER, { input: { email: uniqueEmail('denied'), firstName: 'A', lastName: 'B' } });
      expect(errorCode(denied)).toBe('FORBIDDEN');
      expect((await auditRows(app, { actorUserId: member.user.id, outcome: 'FORBIDDEN' })).length).toBeGreaterThan(0);
    });

    it('an externalRef already in use is a CONFLICT', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const ref = `ref-${Date.now()}`;
      await createMember(app, await createOrg(app), { externalRef: ref });
      const r = await admin.gql(CREATE_USER, { input: { email: uniqueEmail('ref'), firstName: 'A', lastName: 'B', externalRef: ref } });
      expect(errorCode(r)).toBe('CONFLICT');
    });
  });

  describe('updateUser', () => {
    it('partial update by an admin: only sent fields change, keys on every membership are rewritten, audited with before/after', async () => {
      const orgA = await createOrg(app);
      const orgB = await createOrg(app);
      const admin = await asAdmin(app, orgA);
      const target = await createMember(app, orgA, { firstName: 'Zed', lastName: 'Zulu' });
      await app.server.services.provisioning.addMember(app.systemCtx(), orgB.id, { email: target.email, firstName: 'x', lastName: 'y' });
      const peer = await createMember(app, orgA, { firstName: 'Mia', lastName: 'Mike' });

      const r = await admin.gql(UPDATE_USER, { id: String(target.user.id), input: { lastName: 'Alpha', language: 'de-CH' } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.updateUser).toMatchObject({ firstName: 'Zed', lastName: 'Alpha', language: 'de-CH', email: target.email });

      const keys = await app.ds.getRepository(Membership).find({ where: { userId: target.user.id } });
      expect(keys).toHaveLength(2);
      expect(keys.every((m) => m.nameKey === 'alpha zed' && m.fullNameKey === 'zed alpha')).toBe(true);
      // A sort by name now puts the renamed member before Mike.
      const order: Array<{ userId: number }> = await app.ds.query(
        'SELECT userId FROM memberships WHERE orgId = ? AND userId IN (?, ?) ORDER BY nameKey, userId',
        [orgA.id, target.user.id, peer.user.id],
      );
      expect(order.map((o) => Number(o.userId))).toEqual([target.user.id, peer.user.id]);

      const audit = await auditRows(app, { action: 'user.update', targetUserId: target.user.id });
      expect(audit).toHaveLength(1);
      expect(audit[0].changes).toEqual({
        lastName: { before: 'Zulu', after: 'Alpha' },
        language: { before: 'en-US', after: 'de-CH' },
      });
    });

    it('a no-op update writes nothing and records nothing', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const target = await createMember(app, org, { firstName: 'Same', lastName: 'Name' });
      const before = await tableCounts(app);
      const stamp = (await app.ds.getRepository(User).findOneByOrFail({ id: target.user.id })).updatedAt;
      const r = await admin.gql(UPDATE_USER, {
        id: String(target.user.id),
        input: { firstName: ' Same ', lastName: 'Name', email: target.email },
      });
      expect(r.errors).toBeUndefined();
      expect(await tableCounts(app)).toEqual(before);
      expect((await app.ds.getRepository(User).findOneByOrFail({ id: target.user.id })).updatedAt).toEqual(stamp);
    });

    it('email: unique case-insensitively (CONFLICT), rewrites emailKey; externalRef unique; null firstName refused', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const a = await createMember(app, org, { externalRef: `a-${Date.now()}` });
      const b = await createMember(app, org);
      expect(errorCode(await admin.gql(UPDATE_USER, { id: String(b.user.id), input: { email: a.email.toUpperCase() } }))).toBe('CONFLICT');
      expect(errorCode(await admin.gql(UPDATE_USER, { id: String(b.user.id), input: { externalRef: a.user.externalRef } }))).toBe(
        'CONFLICT',
      );
      const nulled = await admin.gql(UPDATE_USER, { id: String(b.user.id), input: { firstName: null } });
      expect(nulled.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'firstName' });

      const newEmail = uniqueEmail('Renamed');
      const ok = await admin.gql(UPDATE_USER, { id: String(b.user.id), input: { email: newEmail, externalRef: null } });
      expect(ok.data!.updateUser.email).toBe(newEmail);
      const m = await app.ds.getRepository(Membership).findOneByOrFail({ orgId: org.id, userId: b.user.id });
      expect(m.emailKey).toBe(newEmail.toLowerCase());
      expect((await signIn(app, org, newEmail.toUpperCase())).status).toBe('SIGNED_IN');
      expect(
        errorCode(
          await app.gql('mutation($o:String!,$e:String!,$p:String!){ signIn(orgSlug:$o,email:$e,password:$p){ token } }', {
            o: org.slug,
            e: b.email,
            p: b.password,
          }),
        ),
      ).toBe('UNAUTHENTICATED');
    });

    it('an email change needs an admin of every org the user belongs to (no cross-org takeover)', async () => {
      const orgA = await createOrg(app);
      const orgB = await createOrg(app);
      const adminA = await asAdmin(app, orgA);
      const target = await createMember(app, orgA);
      await app.server.services.provisioning.addMember(app.systemCtx(), orgB.id, { email: target.email, firstName: 'x', lastName: 'y' });

      const r = await adminA.gql(UPDATE_USER, { id: String(target.user.id), input: { email: uniqueEmail('takeover') } });
      expect(errorCode(r)).toBe('FORBIDDEN');
      expect((await app.ds.getRepository(User).findOneByOrFail({ id: target.user.id })).email).toBe(target.email);
      expect(await auditRows(app, { action: 'user.update', targetUserId: target.user.id, outcome: 'FORBIDDEN' })).toHaveLength(1);
      // Names are fine: they open nothing.
      expect((await adminA.gql(UPDATE_USER, { id: String(target.user.id), input: { firstName: 'Fine' } })).errors).toBeUndefined();

      // An admin of both orgs may.
      const both = await asAdmin(app, orgA);
      await app.server.services.provisioning.addMember(app.systemCtx(), orgB.id, {
        email: both.email,
        firstName: 'x',
        lastName: 'y',
        isAdmin: true,
      });
      const email = uniqueEmail('allowed');
      expect((await both.gql(UPDATE_USER, { id: String(target.user.id), input: { email } })).data!.updateUser.email).toBe(email);
      // ... but not when the B membership is inactive.
      await app.ds.getRepository(Membership).update({ orgId: orgB.id, userId: both.user.id }, { isActive: false });
      expect(errorCode(await both.gql(UPDATE_USER, { id: String(target.user.id), input: { email: uniqueEmail('again') } }))).toBe(
        'FORBIDDEN',
      );
    });

    it('a member may change their own names and language, not their email, and nobody else; other orgs are NOT_FOUND', async () => {
      const org = await createOrg(app);
      const member = await asMember(app, org);
      const other = await createMember(app, org);
      const stranger = await createMember(app, await createOrg(app));
      const self = await member.gql(UPDATE_USER, { id: String(member.user.id), input: { firstName: 'Me', language: 'fr-FR' } });
      expect(self.data!.updateUser).toMatchObject({ firstName: 'Me', language: 'fr-FR' });
      expect(errorCode(await member.gql(UPDATE_USER, { id: String(member.user.id), input: { email: uniqueEmail('self') } }))).toBe(
        'FORBIDDEN',
      );
      expect(errorCode(await member.gql(UPDATE_USER, { id: String(other.user.id), input: { firstName: 'You' } }))).toBe('FORBIDDEN');
      const admin = await asAdmin(app, org);
      expect(errorCode(await admin.gql(UPDATE_USER, { id: String(stranger.user.id), input: { firstName: 'X' } }))).toBe('NOT_FOUND');
      expect(errorCode(await admin.gql(UPDATE_USER, { id: '99999999', input: { firstName: 'X' } }))).toBe('NOT_FOUND');
    });
  });

  it('the services take a user by id or by externalRef (the REST shim’s byRef)', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const ref = `rest-${Date.now()}`;
    const target = await createMember(app, org, { externalRef: ref });
    const ctx = { ...app.systemCtx(), principal: await app.server.services.session.resolve(app.ds.manager, admin.token) };
    const users = app.server.services.userAdmin;
    expect((await users.loadUser(ctx, { externalRef: ref })).id).toBe(target.user.id);
    expect((await users.updateUser(ctx, { externalRef: ref }, { firstName: 'ByRef' })).firstName).toBe('ByRef');
    await expect(users.loadUser(ctx, { externalRef: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await users.deleteUser(ctx, { externalRef: ref })).toBe(true);
    await expect(users.loadUser(ctx, { id: target.user.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  describe('deleteUser', () => {
    it('removes the membership with its factor, codes, groups and sessions, marks role removal, moves counters, soft-deletes the account', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const target = await asMember(app, org);
      const ms = app.ds.getRepository(Membership);
      await app.ds.getRepository(MfaFactor).insert({ membershipId: target.membership.id, secretCiphertext: 'x', confirmedAt: new Date() });
      await app.ds.getRepository(RecoveryCode).insert({ membershipId: target.membership.id, codeHash: `h${Date.now()}` });
      const role = await app.ds.getRepository(Role).save({ orgId: org.id, name: `r${Date.now()}` });
      await app.ds.getRepository(RoleAssignment).insert({ orgId: org.id, roleId: role.id, userId: target.user.id, assignedAt: new Date() });
      const group = await app.ds.getRepository(UserGroup).save({ orgId: org.id, name: `g${Date.now()}` });
      await app.ds.getRepository(UserGroupMember).insert({ orgId: org.id, groupId: group.id, userId: target.user.id });
      const before = await orgRow(org.id);

      const r = await admin.gql(DELETE_USER, { id: String(target.user.id) });
      expect(r.data).toEqual({ deleteUser: true });
      expect(await ms.countBy({ id: target.membership.id })).toBe(0);
      expect(await app.ds.getRepository(MfaFactor).countBy({ membershipId: target.membership.id })).toBe(0);
      expect(await app.ds.getRepository(RecoveryCode).countBy({ membershipId: target.membership.id })).toBe(0);
      expect(await app.ds.getRepository(UserGroupMember).countBy({ userId: target.user.id })).toBe(0);
      const ra = await app.ds.getRepository(RoleAssignment).findOneByOrFail({ roleId: role.id, userId: target.user.id });
      expect(ra.removedAt).not.toBeNull();
      const after = await orgRow(org.id);
      expect(before.enabledCount - after.enabledCount).toBe(1);
      expect(before.seatCount - after.seatCount).toBe(1);
      expect(errorCode(await target.gql(ME))).toBe('UNAUTHENTICATED');
      const user = await app.ds.getRepository(User).findOneOrFail({ where: { id: target.user.id }, withDeleted: true });
      expect(user.deletedAt).not.toBeNull();
      expect(await countRows(app, 'sessions', 'userId = ? AND revokedAt IS NULL', [target.user.id])).toBe(0);
      const audit = await auditRows(app, { action: 'user.delete', targetUserId: target.user.id });
      expect(audit[0].changes).toMatchObject({ accountDeleted: true, membership: { after: null } });
      // Gone means NOT_FOUND now.
      expect(errorCode(await admin.gql(DELETE_USER, { id: String(target.user.id) }))).toBe('NOT_FOUND');
    });

    it('a user who belongs to another org keeps the account and that org’s session', async () => {
      const orgA = await createOrg(app);
      const orgB = await createOrg(app);
      const admin = await asAdmin(app, orgA);
      const target = await asMember(app, orgA);
      await app.server.services.provisioning.addMember(app.systemCtx(), orgB.id, { email: target.email, firstName: 'x', lastName: 'y' });
      const inB = await signIn(app, orgB, target.email);
      expect((await admin.gql(DELETE_USER, { id: String(target.user.id) })).data).toEqual({ deleteUser: true });
      expect(errorCode(await target.gql(ME))).toBe('UNAUTHENTICATED');
      expect((await app.gql(ME, {}, inB.token)).data!.me.user.id).toBe(String(target.user.id));
      expect((await app.ds.getRepository(User).findOneByOrFail({ id: target.user.id })).deletedAt).toBeNull();
    });

    it('an inactive member: the inactive counter moves', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const target = await createMember(app, org, { isActive: false });
      const before = await orgRow(org.id);
      await admin.gql(DELETE_USER, { id: String(target.user.id) });
      const after = await orgRow(org.id);
      expect(before.inactiveCount - after.inactiveCount).toBe(1);
      expect(after.enabledCount).toBe(before.enabledCount);
    });

    it('an admin cannot delete themself (the last admin stays); another admin can be deleted; non-admins are refused', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const member = await asMember(app, org);
      const before = await tableCounts(app);
      expect(errorCode(await admin.gql(DELETE_USER, { id: String(admin.user.id) }))).toBe('FORBIDDEN');
      const after = await tableCounts(app);
      expect(after).toEqual({ ...before, audit_events: before.audit_events + 1 });
      expect(errorCode(await member.gql(DELETE_USER, { id: String(admin.user.id) }))).toBe('FORBIDDEN');

      const second = await asAdmin(app, org);
      expect((await admin.gql(DELETE_USER, { id: String(second.user.id) })).data).toEqual({ deleteUser: true });
      expect(errorCode(await second.gql(ME))).toBe('UNAUTHENTICATED');
    });

    it('two admins deleting each other at once: one wins, the org keeps an active admin', async () => {
      const org = await createOrg(app);
      const a = await asAdmin(app, org);
      const b = await asAdmin(app, org);
      const results = await Promise.all([a.gql(DELETE_USER, { id: String(b.user.id) }), b.gql(DELETE_USER, { id: String(a.user.id) })]);
      expect(results.filter((r) => r.data?.deleteUser === true)).toHaveLength(1);
      expect(['FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'CONFLICT']).toContain(errorCode(results.find((r) => !r.data?.deleteUser)!));
      expect(await app.ds.getRepository(Membership).countBy({ orgId: org.id, isAdmin: true, isActive: true })).toBe(1);
      expect((await orgRow(org.id)).enabledCount).toBe(1);
    });

    it('a deleted account can be created again: it comes back clean with a new activation token', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const target = await createMember(app, org, { firstName: 'Old' });
      await admin.gql(DELETE_USER, { id: String(target.user.id) });
      const r = await admin.gql(CREATE_USER, { input: { email: target.email, firstName: 'New', lastName: 'Person' } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.createUser.user).toMatchObject({ id: String(target.user.id), firstName: 'New' });
      expect(r.data!.createUser.activation.token).toBeTruthy();
    });
  });
});
