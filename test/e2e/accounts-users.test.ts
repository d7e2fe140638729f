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
  NotificationOutbox,
  PasswordToken,
} from '../../src/entities';
import { hashToken } from '../../src/security/tokens';
import {
  asAdmin,
  asMember,
  auditRows,
  countRows,
  createMember,
  createOrg,
  errorCode,
  signIn,
  tableCounts,
  testDbKind,
  useTestApp,
} from '../support/harness';
import {
  ACTIVATE,
  CONFIRM_EMAIL,
  CREATE_USER,
  DELETE_USER,
  ME,
  STRONG_PASSWORD,
  UPDATE_USER,
  invite,
  mailedToken,
} from '../support/accounts';

const SIGN_IN =
  'mutation($o: String!, $e: String!, $p: String!) { signIn(input: { orgSlug: $o, email: $e, password: $p }) { status token } }';

const uniqueEmail = (tag: string): string => `${tag}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;

describe(`accounts: createUser, updateUser, deleteUser (${testDbKind()})`, () => {
  const app = useTestApp();

  const orgRow = (id: number): Promise<Org> => app.ds.getRepository(Org).findOneByOrFail({ id });

  describe('createUser (an invitation, docs/product.md rule 3a)', () => {
    it('invites: a pending member (not active, no seat, counted as invited) holding what the admin typed, a 7-day token mailed sealed; only its SHA-256 is stored; audited without it', async () => {
      const org = await createOrg(app, { name: 'Acme Invites' });
      const admin = await asAdmin(app, org);
      const before = await orgRow(org.id);
      const email = uniqueEmail('Ada.New');
      const r = await admin.gql(CREATE_USER, { input: { email, firstName: 'Ada', lastName: 'Lovelace', externalRef: `ext-${email}` } });
      expect(r.errors).toBeUndefined();
      const out = r.data!.createUser;
      expect(out.user).toMatchObject({
        firstName: 'Ada',
        lastName: 'Lovelace',
        email,
        language: 'en-US',
        status: 'INVITED',
        lastLoginAt: null,
      });
      expect(out.membership).toEqual({ isAdmin: false, isActive: true, excludeFromMembershipCount: false });
      expect(out.activation.purpose).toBe('INVITATION');
      expect(JSON.stringify(out)).not.toMatch(/token/i);
      const ttl = new Date(out.activation.expiresAt).getTime() - Date.now();
      expect(ttl).toBeGreaterThan(7 * 24 * 3600_000 - 60_000);
      expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600_000);

      const mail = await mailedToken(app, 'invitation', email);
      expect(mail).toMatchObject({ to: email, orgId: org.id, orgName: 'Acme Invites', userId: Number(out.user.id) });
      expect(mail.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const outbox = await app.ds.getRepository(NotificationOutbox).find({ where: { kind: 'invitation', userId: mail.userId } });
      expect(outbox[0].payload).not.toContain(mail.token);
      const tokens = await app.ds.getRepository(PasswordToken).find({ where: { userId: Number(out.user.id) } });
      expect(tokens).toHaveLength(1);
      expect(tokens[0]).toMatchObject({ purpose: 'invitation', tokenHash: hashToken(mail.token) });

      const after = await orgRow(org.id);
      expect(after.invitedCount - before.invitedCount).toBe(1);
      expect([after.enabledCount, after.inactiveCount, after.seatCount]).toEqual([
        before.enabledCount,
        before.inactiveCount,
        before.seatCount,
      ]);
      const m = await app.ds.getRepository(Membership).findOneByOrFail({ orgId: org.id, userId: Number(out.user.id) });
      expect(m).toMatchObject({
        status: 'invited',
        inviteEmail: email,
        nameKey: 'lovelace ada',
        fullNameKey: 'ada lovelace',
        emailKey: email.toLowerCase(),
      });
      // The invitation's own account: no address, no password until the invitee redeems it.
      expect(await app.ds.getRepository(User).findOneByOrFail({ id: Number(out.user.id) })).toMatchObject({
        email: null,
        passwordHash: null,
      });
      // Not a member yet: no sign-in to the org.
      expect(errorCode(await app.gql(SIGN_IN, { o: org.slug, e: email, p: STRONG_PASSWORD }))).toBe('UNAUTHENTICATED');

      const audit = await auditRows(app, { action: 'user.create', targetUserId: Number(out.user.id) });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ orgId: org.id, actorUserId: admin.user.id, outcome: 'success', impersonatorUserId: null });
      expect(JSON.stringify(audit[0].changes)).not.toContain(mail.token);
      expect(audit[0].changes!.email).toEqual({ before: null, after: email });
    });

    it('a person with an account in another org joins only with their own password; the membership moves onto their account, each org keeps its profile', async () => {
      const orgA = await createOrg(app);
      const orgB = await createOrg(app);
      const ceo = await createMember(app, orgA, {
        email: uniqueEmail('ceo'),
        firstName: 'Chief',
        lastName: 'OfA',
        externalRef: `A-CEO-${Date.now()}`,
        language: 'de-CH',
      });
      await signIn(app, orgA, ceo.email); // a lastLoginAt in A
      const adminB = await asAdmin(app, orgB);
      // (That the answer is the same as for an unknown address: test/security/tenant-isolation.test.ts, attack 1.)
      const invited = await adminB.gql(CREATE_USER, { input: { email: ceo.email.toUpperCase(), firstName: 'Typed', lastName: 'ByB' } });
      expect(invited.errors).toBeUndefined();
      // The existing password does not open B by itself.
      expect(errorCode(await app.gql(SIGN_IN, { o: orgB.slug, e: ceo.email, p: ceo.password }))).toBe('UNAUTHENTICATED');

      // The person joins with THEIR password (a new one is refused), then B sees their account's email, still B's names.
      const token = (await mailedToken(app, 'invitation', ceo.email.toUpperCase())).token;
      const wrong = await app.gql(ACTIVATE, { t: token, p: STRONG_PASSWORD });
      expect(wrong.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'password' });
      expect((await app.gql(ACTIVATE, { t: token, p: ceo.password })).data).toEqual({ activateAccount: { activated: true } });
      const inB = await signIn(app, orgB, ceo.email, ceo.password);
      expect(inB.status).toBe('SIGNED_IN');
      const seen = await adminB.gql('query($id: ID) { user(id: $id) { id firstName lastName email status externalRef } }', {
        id: String(ceo.user.id),
      });
      expect(seen.data!.user).toEqual({
        id: String(ceo.user.id),
        firstName: 'Typed',
        lastName: 'ByB',
        email: ceo.email,
        status: 'ACTIVE',
        externalRef: null,
      });
      // A still sees A's profile.
      const a = await app.ds.getRepository(Membership).findOneByOrFail({ orgId: orgA.id, userId: ceo.user.id });
      expect(a).toMatchObject({ firstName: 'Chief', lastName: 'OfA', language: 'de-CH' });
      // The invitation's account is gone, its membership moved onto the person's account.
      expect(
        await app.ds.getRepository(User).findOne({ where: { id: Number(invited.data!.createUser.user.id) }, withDeleted: true }),
      ).toBeNull();
      const accepted = await auditRows(app, { action: 'user.invitation_accept', orgId: orgB.id, targetUserId: ceo.user.id });
      expect(accepted.map((a) => a.outcome)).toEqual(['WRONG_PASSWORD', 'success']);
    });

    it('a new person redeems the invitation by setting a password (policy first); the membership takes its seat', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const email = uniqueEmail('fresh');
      const { id, token } = await invite(admin, app, { email, firstName: 'Fresh', lastName: 'Face' });
      expect(errorCode(await app.gql(ACTIVATE, { t: token, p: 'short' }))).toBe('BAD_USER_INPUT');
      const before = await orgRow(org.id);
      expect((await app.gql(ACTIVATE, { t: token, p: STRONG_PASSWORD })).data).toEqual({ activateAccount: { activated: true } });
      const after = await orgRow(org.id);
      expect([after.invitedCount, after.enabledCount, after.seatCount]).toEqual([
        before.invitedCount - 1,
        before.enabledCount + 1,
        before.seatCount + 1,
      ]);
      expect(await app.ds.getRepository(User).findOneByOrFail({ id })).toMatchObject({ email, emailKey: email.toLowerCase() });
      expect((await signIn(app, org, email, STRONG_PASSWORD)).status).toBe('SIGNED_IN');
      expect(errorCode(await app.gql(ACTIVATE, { t: token, p: STRONG_PASSWORD }))).toBe('BAD_USER_INPUT');
    });

    it('an existing member or a pending invitation of this org (any case) is a CONFLICT and writes nothing', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const m = await createMember(app, org);
      const pending = uniqueEmail('pending');
      await invite(admin, app, { email: pending });
      const before = await tableCounts(app);
      for (const email of [m.email.toUpperCase(), pending.toUpperCase()]) {
        const r = await admin.gql(CREATE_USER, { input: { email, firstName: 'X', lastName: 'Y' } });
        expect(errorCode(r)).toBe('CONFLICT');
      }
      expect(await tableCounts(app)).toEqual(before);
    });

    it('at the seat limit: the invitation is made (it needs no seat); accepting it is SEAT_LIMIT_REACHED and leaves it pending', async () => {
      const org = await createOrg(app, { licensedSeats: 1 });
      const admin = await asAdmin(app, org);
      const email = uniqueEmail('seatless');
      const { id, token } = await invite(admin, app, { email, firstName: 'No', lastName: 'Seat' });
      const before = await tableCounts(app);
      expect(errorCode(await app.gql(ACTIVATE, { t: token, p: STRONG_PASSWORD }))).toBe('SEAT_LIMIT_REACHED');
      expect(await tableCounts(app)).toEqual(before);
      expect(await app.ds.getRepository(Membership).findOneByOrFail({ orgId: org.id, userId: id })).toMatchObject({ status: 'invited' });
      expect(await app.ds.getRepository(User).findOneByOrFail({ id })).toMatchObject({ email: null, passwordHash: null });
      // A free seat: the same token works.
      await app.ds.getRepository(Org).update({ id: org.id }, { licensedSeats: 2 });
      expect((await app.gql(ACTIVATE, { t: token, p: STRONG_PASSWORD })).data).toEqual({ activateAccount: { activated: true } });
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

    it('attack 3: externalRef is unique within the org only: another org using it is no answer at all', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const ref = `ref-${Date.now()}`;
      await createMember(app, await createOrg(app), { externalRef: ref });
      const r = await admin.gql(CREATE_USER, { input: { email: uniqueEmail('ref'), firstName: 'A', lastName: 'B', externalRef: ref } });
      expect(r.errors).toBeUndefined();
      const again = await admin.gql(CREATE_USER, {
        input: { email: uniqueEmail('ref2'), firstName: 'A', lastName: 'B', externalRef: ref },
      });
      expect(errorCode(again)).toBe('CONFLICT');
    });
  });

  describe('updateUser', () => {
    it('attack 2: a partial update changes this org’s profile only; the other org sees nothing change; audited with before/after', async () => {
      const orgA = await createOrg(app);
      const orgB = await createOrg(app);
      const admin = await asAdmin(app, orgA);
      const target = await createMember(app, orgA, { firstName: 'Zed', lastName: 'Zulu' });
      await app.server.services.provisioning.addMember(app.systemCtx(), orgB.id, {
        email: target.email,
        firstName: 'Zed',
        lastName: 'Zulu',
        externalRef: 'B-REF',
      });
      const peer = await createMember(app, orgA, { firstName: 'Mia', lastName: 'Mike' });
      const inB = await app.ds.getRepository(Membership).findOneByOrFail({ orgId: orgB.id, userId: target.user.id });

      const r = await admin.gql(UPDATE_USER, {
        input: { userId: String(target.user.id), lastName: 'Alpha', language: 'de-CH', externalRef: 'A-OWNED' },
      });
      expect(r.errors).toBeUndefined();
      expect(r.data!.updateUser.user).toMatchObject({
        firstName: 'Zed',
        lastName: 'Alpha',
        language: 'de-CH',
        email: target.email,
        externalRef: 'A-OWNED',
      });

      const inA = await app.ds.getRepository(Membership).findOneByOrFail({ orgId: orgA.id, userId: target.user.id });
      expect(inA).toMatchObject({
        lastName: 'Alpha',
        language: 'de-CH',
        externalRef: 'A-OWNED',
        nameKey: 'alpha zed',
        fullNameKey: 'zed alpha',
      });
      expect(await app.ds.getRepository(Membership).findOneByOrFail({ id: inB.id })).toEqual(inB);
      // A sort by name now puts the renamed member before Mike.
      const order: Array<{ userId: number }> = await app.ds.query(
        'SELECT userId FROM memberships WHERE orgId = ? AND userId IN (?, ?) ORDER BY nameKey, userId',
        [orgA.id, target.user.id, peer.user.id],
      );
      expect(order.map((o) => Number(o.userId))).toEqual([target.user.id, peer.user.id]);

      const audit = await auditRows(app, { action: 'user.update', targetUserId: target.user.id });
      expect(audit).toHaveLength(1);
      expect(audit[0].changes!).toEqual({
        lastName: { before: 'Zulu', after: 'Alpha' },
        language: { before: 'en-US', after: 'de-CH' },
        externalRef: { before: null, after: 'A-OWNED' },
      });
    });

    it('a no-op update writes nothing and records nothing', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const target = await createMember(app, org, { firstName: 'Same', lastName: 'Name' });
      const before = await tableCounts(app);
      const stamp = (await app.ds.getRepository(Membership).findOneByOrFail({ id: target.membership.id })).updatedAt;
      const r = await admin.gql(UPDATE_USER, {
        input: { userId: String(target.user.id), firstName: ' Same ', lastName: 'Name', email: target.email },
      });
      expect(r.errors).toBeUndefined();
      expect(await tableCounts(app)).toEqual(before);
      expect((await app.ds.getRepository(Membership).findOneByOrFail({ id: target.membership.id })).updatedAt).toEqual(stamp);
    });

    it('attack 3: an email change answers the same whether or not the address is taken; it happens when the mailbox confirms, and a taken one fails only then', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const other = await createMember(app, await createOrg(app));
      const b = await createMember(app, org);
      const taken = await admin.gql(UPDATE_USER, { input: { userId: String(b.user.id), email: other.email.toUpperCase() } });
      const free = uniqueEmail('Renamed');
      const fresh = await admin.gql(UPDATE_USER, { input: { userId: String(b.user.id), email: free } });
      expect(taken.errors).toBeUndefined();
      expect(fresh).toEqual({ ...taken, headers: fresh.headers });
      expect(fresh.data!.updateUser.user.email).toBe(b.email);
      expect((await app.ds.getRepository(User).findOneByOrFail({ id: b.user.id })).email).toBe(b.email);

      // The confirmation went to the new address; the old one got a notice. Only the newest token works.
      const first = await mailedToken(app, 'email_change_confirmation', other.email);
      const second = await mailedToken(app, 'email_change_confirmation', free);
      expect(second.userId).toBe(b.user.id);
      expect(errorCode(await app.gql(CONFIRM_EMAIL, { t: first.token, p: b.password }))).toBe('BAD_USER_INPUT');
      // The person proves consent with their password (a wrong one is counted, like a sign-in).
      expect((await app.gql(CONFIRM_EMAIL, { t: second.token, p: 'not-the-password-1' })).errors![0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'password',
      });
      expect((await app.gql(CONFIRM_EMAIL, { t: second.token, p: b.password })).data).toEqual({
        confirmEmailChange: { emailChanged: true },
      });
      expect((await app.ds.getRepository(User).findOneByOrFail({ id: b.user.id })).email).toBe(free);
      const m = await app.ds.getRepository(Membership).findOneByOrFail({ orgId: org.id, userId: b.user.id });
      expect(m.emailKey).toBe(free.toLowerCase());
      expect((await signIn(app, org, free.toUpperCase())).status).toBe('SIGNED_IN');
      expect(errorCode(await app.gql(SIGN_IN, { o: org.slug, e: b.email, p: b.password }))).toBe('UNAUTHENTICATED');
      const audit = await auditRows(app, { action: 'user.email_change', targetUserId: b.user.id, outcome: 'success' });
      expect(audit.map((a) => [a.orgId, a.actorUserId])).toEqual([[org.id, b.user.id]]);

      // A taken address fails at confirmation, for the mailbox owner only.
      const c = await createMember(app, org);
      await admin.gql(UPDATE_USER, { input: { userId: String(c.user.id), email: other.email } });
      const takenToken = await mailedToken(app, 'email_change_confirmation', other.email);
      expect(errorCode(await app.gql(CONFIRM_EMAIL, { t: takenToken.token, p: c.password }))).toBe('CONFLICT');
      expect((await app.ds.getRepository(User).findOneByOrFail({ id: c.user.id })).email).toBe(c.email);

      // externalRef is unique within the org; a null firstName is refused.
      const a = await createMember(app, org, { externalRef: `a-${Date.now()}` });
      expect(errorCode(await admin.gql(UPDATE_USER, { input: { userId: String(b.user.id), externalRef: a.membership.externalRef } }))).toBe(
        'CONFLICT',
      );
      const nulled = await admin.gql(UPDATE_USER, { input: { userId: String(b.user.id), firstName: null } });
      expect(nulled.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'firstName' });
    });

    it('no admin can take over an account that also opens another org: the email stays until its mailbox owner confirms', async () => {
      const orgA = await createOrg(app);
      const orgB = await createOrg(app);
      const adminA = await asAdmin(app, orgA);
      const target = await createMember(app, orgA);
      await app.server.services.provisioning.addMember(app.systemCtx(), orgB.id, { email: target.email, firstName: 'x', lastName: 'y' });
      const attacker = uniqueEmail('takeover');
      const r = await adminA.gql(UPDATE_USER, { input: { userId: String(target.user.id), email: attacker } });
      expect(r.errors).toBeUndefined();
      expect((await app.ds.getRepository(User).findOneByOrFail({ id: target.user.id })).email).toBe(target.email);
      // Even holding the attacker mailbox's token, the admin lacks the person's password.
      const t = await mailedToken(app, 'email_change_confirmation', attacker);
      expect(errorCode(await app.gql(CONFIRM_EMAIL, { t: t.token, p: 'guessed-Password-123' }))).toBe('BAD_USER_INPUT');
      expect((await app.ds.getRepository(User).findOneByOrFail({ id: target.user.id })).email).toBe(target.email);
      expect((await signIn(app, orgB, target.email)).status).toBe('SIGNED_IN');
    });

    it('a member may change their own names, language and email (confirmed), nobody else’s; other orgs are NOT_FOUND', async () => {
      const org = await createOrg(app);
      const member = await asMember(app, org);
      const other = await createMember(app, org);
      const stranger = await createMember(app, await createOrg(app));
      const self = await member.gql(UPDATE_USER, { input: { userId: String(member.user.id), firstName: 'Me', language: 'fr-FR' } });
      expect(self.data!.updateUser.user).toMatchObject({ firstName: 'Me', language: 'fr-FR' });
      const mine = uniqueEmail('self');
      expect((await member.gql(UPDATE_USER, { input: { userId: String(member.user.id), email: mine } })).data!.updateUser.user.email).toBe(
        member.email,
      );
      expect((await mailedToken(app, 'email_change_confirmation', mine)).userId).toBe(member.user.id);
      expect(errorCode(await member.gql(UPDATE_USER, { input: { userId: String(member.user.id), externalRef: 'mine' } }))).toBe(
        'FORBIDDEN',
      );
      expect(errorCode(await member.gql(UPDATE_USER, { input: { userId: String(other.user.id), firstName: 'You' } }))).toBe('FORBIDDEN');
      const admin = await asAdmin(app, org);
      expect(errorCode(await admin.gql(UPDATE_USER, { input: { userId: String(stranger.user.id), firstName: 'X' } }))).toBe('NOT_FOUND');
      expect(errorCode(await admin.gql(UPDATE_USER, { input: { userId: '99999999', firstName: 'X' } }))).toBe('NOT_FOUND');
    });
    it('self-service changes apply to the org of the session only; an invitation’s address is the org’s typing and moves at once', async () => {
      const orgA = await createOrg(app);
      const orgB = await createOrg(app);
      const person = await asMember(app, orgA, { firstName: 'Sam' });
      await app.server.services.provisioning.addMember(app.systemCtx(), orgB.id, {
        email: person.email,
        firstName: 'Sam',
        lastName: 'InB',
      });
      const inB = await app.ds.getRepository(Membership).findOneByOrFail({ orgId: orgB.id, userId: person.user.id });
      expect(
        (await person.gql(UPDATE_USER, { input: { userId: String(person.user.id), firstName: 'Samantha' } })).data!.updateUser.user
          .firstName,
      ).toBe('Samantha');
      expect(await app.ds.getRepository(Membership).findOneByOrFail({ id: inB.id })).toEqual(inB);

      const admin = await asAdmin(app, orgA);
      const typo = uniqueEmail('typo');
      const pending = await invite(admin, app, { email: typo });
      const fixed = uniqueEmail('fixed');
      const r = await admin.gql(UPDATE_USER, { input: { userId: String(pending.id), email: fixed } });
      expect(r.data!.updateUser.user.email).toBe(fixed);
      expect(errorCode(await app.gql(ACTIVATE, { t: pending.token, p: STRONG_PASSWORD }))).toBe('BAD_USER_INPUT');
      const again = await mailedToken(app, 'invitation', fixed);
      expect((await app.gql(ACTIVATE, { t: again.token, p: STRONG_PASSWORD })).data).toEqual({ activateAccount: { activated: true } });
      expect((await signIn(app, orgA, fixed, STRONG_PASSWORD)).status).toBe('SIGNED_IN');
      // Another member's address is this org's conflict.
      const other = await invite(admin, app, { email: uniqueEmail('other') });
      expect(errorCode(await admin.gql(UPDATE_USER, { input: { userId: String(other.id), email: person.email } }))).toBe('CONFLICT');
    });
  });

  it('the services take a user by id or by externalRef (the REST shim’s byRef)', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const ref = `rest-${Date.now()}`;
    const target = await createMember(app, org, { externalRef: ref });
    const ctx = { ...app.systemCtx(), principal: await app.server.services.session.resolve(app.ds.manager, admin.token) };
    const dir = app.server.services.memberDirectory;
    const users = app.server.services.userAdmin;
    expect((await dir.getMember(ctx, { externalRef: ref })).id).toBe(target.user.id);
    expect((await users.updateUser(ctx, { externalRef: ref }, { firstName: 'ByRef' })).firstName).toBe('ByRef');
    await expect(dir.getMember(ctx, { externalRef: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await users.deleteUser(ctx, { externalRef: ref })).toBe(true);
    await expect(dir.getMember(ctx, { id: target.user.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
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
      expect(r.data).toEqual({ deleteUser: { deletedUserId: expect.any(String) } });
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
      // The org's audit trail does not say whether the account went too (that would tell whether the person belongs elsewhere).
      expect(audit[0].changes!).toEqual({ membership: { before: expect.objectContaining({ status: 'active' }), after: null } });
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
      expect((await admin.gql(DELETE_USER, { id: String(target.user.id) })).data).toEqual({
        deleteUser: { deletedUserId: expect.any(String) },
      });
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
      expect((await admin.gql(DELETE_USER, { id: String(second.user.id) })).data).toEqual({
        deleteUser: { deletedUserId: expect.any(String) },
      });
      expect(errorCode(await second.gql(ME))).toBe('UNAUTHENTICATED');
    });

    it('two admins deleting each other at once: one wins, the org keeps an active admin', async () => {
      const org = await createOrg(app);
      const a = await asAdmin(app, org);
      const b = await asAdmin(app, org);
      const results = await Promise.all([a.gql(DELETE_USER, { id: String(b.user.id) }), b.gql(DELETE_USER, { id: String(a.user.id) })]);
      expect(results.filter((r) => r.data?.deleteUser.deletedUserId)).toHaveLength(1);
      expect(['FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'CONFLICT']).toContain(
        errorCode(results.find((r) => !r.data?.deleteUser.deletedUserId)!),
      );
      expect(await app.ds.getRepository(Membership).countBy({ orgId: org.id, isAdmin: true, isActive: true })).toBe(1);
      expect((await orgRow(org.id)).enabledCount).toBe(1);
    });

    it('a deleted account’s address can be invited again: the invitee starts clean (a new password, a new account id), withdrawing an invitation leaves nothing', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const target = await createMember(app, org, { firstName: 'Old' });
      await admin.gql(DELETE_USER, { id: String(target.user.id) });
      const { id, token, reply } = await invite(admin, app, { email: target.email, firstName: 'New', lastName: 'Person' });
      expect(reply.user).toMatchObject({ firstName: 'New', status: 'INVITED' });
      // The old password is no key: the invitee sets a new one, and gets an account of their own.
      expect((await app.gql(ACTIVATE, { t: token, p: STRONG_PASSWORD })).data).toEqual({ activateAccount: { activated: true } });
      expect(id).not.toBe(target.user.id);
      expect((await signIn(app, org, target.email, STRONG_PASSWORD)).status).toBe('SIGNED_IN');
      expect(errorCode(await app.gql(SIGN_IN, { o: org.slug, e: target.email, p: target.password }))).toBe('UNAUTHENTICATED');

      const before = await orgRow(org.id);
      const pending = await invite(admin, app, { email: uniqueEmail('withdrawn') });
      expect((await admin.gql(DELETE_USER, { id: String(pending.id) })).data).toEqual({
        deleteUser: { deletedUserId: expect.any(String) },
      });
      expect((await orgRow(org.id)).invitedCount).toBe(before.invitedCount);
      expect(errorCode(await app.gql(ACTIVATE, { t: pending.token, p: STRONG_PASSWORD }))).toBe('BAD_USER_INPUT');
    });
  });
});
