import { PasswordToken, User } from '../../src/entities';
import {
  asAdmin,
  asMember,
  createMember,
  createOrg,
  errorCode,
  fakeDateOnly,
  signIn,
  startTestApp,
  TEST_PASSWORD,
  testDbKind,
  type TestApp,
  auditRows,
  countRows,
} from '../support/harness';
import { ACTIVATE, CHANGE_PASSWORD, DELETE_USER, ISSUE_RESET, ME, STRONG_PASSWORD, invite, mailedToken } from '../support/accounts';

const SIGN_IN =
  'mutation($o: String!, $e: String!, $p: String!) { signIn(input: { orgSlug: $o, email: $e, password: $p }) { status token } }';

describe(`accounts: activation, reset and password change (${testDbKind()})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    jest.useRealTimers();
    await app.stop();
  });

  /** A new person invited by admin, with the invitation token from their mailbox. */
  async function newAccount(admin: Awaited<ReturnType<typeof asAdmin>>) {
    const email = `new-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;
    const { id, token } = await invite(admin, app, { email, firstName: 'New', lastName: 'Comer' });
    return { email, id, token };
  }
  const hashOf = async (id: number): Promise<string | null> => (await app.ds.getRepository(User).findOneByOrFail({ id })).passwordHash;

  it('the invitation token sets a new person’s password once; the policy is checked first and a refusal spends nothing', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const acc = await newAccount(admin);
    for (const [password, why] of [
      ['short-pw-1', 'short'],
      [acc.email, 'email'],
      ['Password1234', 'common'],
    ]) {
      const r = await app.gql(ACTIVATE, { t: acc.token, p: password });
      expect({ why, code: errorCode(r), field: r.errors?.[0]?.extensions?.field }).toEqual({
        why,
        code: 'BAD_USER_INPUT',
        field: 'password',
      });
    }
    expect(await hashOf(acc.id)).toBeNull();
    expect((await app.ds.getRepository(PasswordToken).findOneByOrFail({ userId: acc.id })).usedAt).toBeNull();

    expect((await app.gql(ACTIVATE, { t: acc.token, p: STRONG_PASSWORD })).data).toEqual({ activateAccount: { activated: true } });
    expect(await hashOf(acc.id)).toMatch(/^\$argon2id\$/);
    expect((await signIn(app, org, acc.email, STRONG_PASSWORD)).status).toBe('SIGNED_IN');

    const again = await app.gql(ACTIVATE, { t: acc.token, p: 'another-Strong-pass-77' });
    const garbage = await app.gql(ACTIVATE, { t: 'x'.repeat(43), p: 'another-Strong-pass-77' });
    expect(errorCode(again)).toBe('BAD_USER_INPUT');
    expect(again.errors![0].message).toBe(garbage.errors![0].message);
    expect((await signIn(app, org, acc.email, STRONG_PASSWORD)).status).toBe('SIGNED_IN');

    const accepted = await auditRows(app, { action: 'user.invitation_accept', targetUserId: acc.id });
    expect(accepted.map((a) => a.outcome)).toEqual(['success']);
    expect(accepted[0]).toMatchObject({ orgId: org.id, actorUserId: acc.id });
    const audit = [...accepted, ...(await auditRows(app, { action: 'user.activate', targetUserId: acc.id }))];
    expect(audit.map((a) => a.outcome)).toEqual(['success', 'INVALID_TOKEN']);
    expect(JSON.stringify(audit)).not.toContain(acc.token);
    expect(JSON.stringify(audit)).not.toContain(STRONG_PASSWORD);
  });

  it('an expired invitation token is refused (7 days), with the same message', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const acc = await newAccount(admin);
    fakeDateOnly();
    try {
      jest.setSystemTime(Date.now() + 7 * 24 * 3600_000 + 1000);
      const r = await app.gql(ACTIVATE, { t: acc.token, p: STRONG_PASSWORD });
      expect(errorCode(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].message).toMatch(/invalid or has expired/);
    } finally {
      jest.useRealTimers();
    }
    expect(await hashOf(acc.id)).toBeNull();
    // Still within its 7 days in real time: it works (so it was the clock that refused it).
    expect((await app.gql(ACTIVATE, { t: acc.token, p: STRONG_PASSWORD })).data).toEqual({ activateAccount: { activated: true } });
  });

  it('two concurrent redeems of one token: exactly one wins', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const acc = await newAccount(admin);
    const results = await Promise.all([
      app.gql(ACTIVATE, { t: acc.token, p: 'first-Strong-pass-11' }),
      app.gql(ACTIVATE, { t: acc.token, p: 'second-Strong-pass-22' }),
    ]);
    expect(results.filter((r) => r.data?.activateAccount.activated === true)).toHaveLength(1);
    expect(results.filter((r) => errorCode(r) === 'BAD_USER_INPUT')).toHaveLength(1);
  });

  it('a withdrawn invitation’s token no longer works', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const acc = await newAccount(admin);
    await admin.gql(DELETE_USER, { id: String(acc.id) });
    expect(errorCode(await app.gql(ACTIVATE, { t: acc.token, p: STRONG_PASSWORD }))).toBe('BAD_USER_INPUT');
  });

  it('issuePasswordReset: the token goes to the member’s own mailbox, never to the admin; 1 h; voids earlier ones; redeeming it replaces the password and ends sessions in every org', async () => {
    const orgA = await createOrg(app);
    const orgB = await createOrg(app);
    const adminA = await asAdmin(app, orgA);
    const member = await asMember(app, orgA);
    await app.server.services.provisioning.addMember(app.systemCtx(), orgB.id, { email: member.email, firstName: 'x', lastName: 'y' });
    const inB = await signIn(app, orgB, member.email);
    const loner = await createMember(app, orgA);

    // The same answer whether or not the account opens another org (adminA does not administer orgB).
    const shape = (r: any) => ({
      purpose: r.data.issuePasswordReset.reset.purpose,
      expiresAt: typeof r.data.issuePasswordReset.reset.expiresAt,
    });
    const first = await adminA.gql(ISSUE_RESET, { id: String(member.user.id) });
    expect(first.errors).toBeUndefined();
    expect(shape(first)).toEqual(shape(await adminA.gql(ISSUE_RESET, { id: String(loner.user.id) })));
    expect(JSON.stringify(first)).not.toMatch(/token"/);
    const firstToken = (await mailedToken(app, 'password_reset', member.email)).token;
    const second = await adminA.gql(ISSUE_RESET, { id: String(member.user.id) });
    expect(second.data!.issuePasswordReset.reset.purpose).toBe('RESET');
    const ttl = new Date(second.data!.issuePasswordReset.reset.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(3600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);
    const mail = await mailedToken(app, 'password_reset', member.email);
    expect(mail.userId).toBe(member.user.id);
    expect(errorCode(await app.gql(ACTIVATE, { t: firstToken, p: STRONG_PASSWORD }))).toBe('BAD_USER_INPUT');
    // Until redeemed, the old password still works.
    expect((await signIn(app, orgA, member.email)).status).toBe('SIGNED_IN');

    expect((await app.gql(ACTIVATE, { t: mail.token, p: STRONG_PASSWORD })).data).toEqual({
      activateAccount: { activated: true },
    });
    expect(errorCode(await member.gql(ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await app.gql(ME, {}, inB.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await app.gql(SIGN_IN, { o: orgA.slug, e: member.email, p: TEST_PASSWORD }))).toBe('UNAUTHENTICATED');
    expect((await signIn(app, orgB, member.email, STRONG_PASSWORD)).status).toBe('SIGNED_IN');

    const issued = await auditRows(app, { action: 'user.password_reset_issued', targetUserId: member.user.id });
    expect(issued.map((a) => a.outcome)).toEqual(['success', 'success']);
    expect(JSON.stringify(issued)).not.toContain(mail.token);
    const redeemed = await auditRows(app, { action: 'user.activate', targetUserId: member.user.id, outcome: 'success' });
    expect(redeemed.map((a) => a.orgId).sort()).toEqual([orgA.id, orgB.id].sort());
  });

  it('issuePasswordReset: non-admins are FORBIDDEN, other orgs NOT_FOUND', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const member = await asMember(app, org);
    const stranger = await createMember(app, await createOrg(app));
    expect(errorCode(await member.gql(ISSUE_RESET, { id: String(member.user.id) }))).toBe('FORBIDDEN');
    expect(errorCode(await admin.gql(ISSUE_RESET, { id: String(stranger.user.id) }))).toBe('NOT_FOUND');
    expect(await countRows(app, 'password_tokens', 'userId = ?', [stranger.user.id])).toBe(0);
  });

  it('changePassword: verifies the current password, applies the policy, keeps this session and ends the others in every org', async () => {
    const orgA = await createOrg(app);
    const orgB = await createOrg(app);
    const member = await asMember(app, orgA);
    const otherA = await signIn(app, orgA, member.email);
    await app.server.services.provisioning.addMember(app.systemCtx(), orgB.id, { email: member.email, firstName: 'x', lastName: 'y' });
    const inB = await signIn(app, orgB, member.email);
    const hashBefore = await hashOf(member.user.id);

    const wrong = await member.gql(CHANGE_PASSWORD, { c: 'not-my-password-1', n: STRONG_PASSWORD });
    expect(wrong.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
    const weak = await member.gql(CHANGE_PASSWORD, { c: TEST_PASSWORD, n: 'short' });
    expect(weak.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'newPassword' });
    const same = await member.gql(CHANGE_PASSWORD, { c: TEST_PASSWORD, n: TEST_PASSWORD });
    expect(errorCode(same)).toBe('BAD_USER_INPUT');
    expect(await hashOf(member.user.id)).toBe(hashBefore);
    expect((await app.gql(ME, {}, otherA.token)).data).toBeTruthy();

    expect((await member.gql(CHANGE_PASSWORD, { c: TEST_PASSWORD, n: STRONG_PASSWORD })).data).toEqual({
      changePassword: { passwordChanged: true },
    });
    expect((await member.gql(ME)).data!.me.user.id).toBe(String(member.user.id));
    expect(errorCode(await app.gql(ME, {}, otherA.token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await app.gql(ME, {}, inB.token))).toBe('UNAUTHENTICATED');
    expect((await signIn(app, orgB, member.email, STRONG_PASSWORD)).status).toBe('SIGNED_IN');
    expect(errorCode(await app.gql(SIGN_IN, { o: orgA.slug, e: member.email, p: TEST_PASSWORD }))).toBe('UNAUTHENTICATED');

    const audit = await auditRows(app, { action: 'user.change_password', targetUserId: member.user.id });
    expect(audit.map((a) => a.outcome)).toEqual(['WRONG_PASSWORD', 'success']);
    expect(audit[1].changes!).toEqual({ otherSessionsRevoked: 2 });
    expect(JSON.stringify(audit)).not.toContain(STRONG_PASSWORD);
  });

  it('changePassword: wrong current passwords count against the sign-in throttle and void pending reset tokens on success', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const member = await asMember(app, org);
    await admin.gql(ISSUE_RESET, { id: String(member.user.id) });
    const reset = await mailedToken(app, 'password_reset', member.email);
    expect((await member.gql(CHANGE_PASSWORD, { c: TEST_PASSWORD, n: STRONG_PASSWORD })).data).toEqual({
      changePassword: { passwordChanged: true },
    });
    expect(errorCode(await app.gql(ACTIVATE, { t: reset.token, p: 'another-Strong-pass-77' }))).toBe('BAD_USER_INPUT');

    for (let i = 0; i < 10; i++) {
      expect(errorCode(await member.gql(CHANGE_PASSWORD, { c: `wrong-password-${i}`, n: 'another-Strong-pass-77' }))).toBe(
        'BAD_USER_INPUT',
      );
    }
    expect(errorCode(await member.gql(CHANGE_PASSWORD, { c: STRONG_PASSWORD, n: 'another-Strong-pass-77' }))).toBe('RATE_LIMITED');
    expect(errorCode(await app.gql(SIGN_IN, { o: org.slug, e: member.email, p: STRONG_PASSWORD }))).toBe('RATE_LIMITED');
  });
});
