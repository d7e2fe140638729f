import { Membership } from '../../src/entities';
import { asAdmin, asMember, createMember, createOrg, errorCode, useTestApp, TEST_PASSWORD, testDbKind } from '../support/harness';

const SIGN_IN =
  'mutation($o: String!, $e: String!, $p: String!) { signIn(input: { orgSlug: $o, email: $e, password: $p }) { status token expiresAt } }';
const ME = '{ me { user { id firstName lastName email } org { slug } membership { isAdmin isActive } sessionKind impersonator { id } } }';

describe(`sign-in and sessions (${testDbKind()})`, () => {
  const app = useTestApp();

  it('signIn returns a full session; me shows user, org, membership and session kind', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org, { firstName: 'Ada', lastName: 'Lovelace' });
    expect(admin.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await admin.gql(ME);
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toEqual({
      user: { id: String(admin.user.id), firstName: 'Ada', lastName: 'Lovelace', email: admin.email },
      org: { slug: org.slug },
      membership: { isAdmin: true, isActive: true },
      sessionKind: 'FULL',
      impersonator: null,
    });
  });

  it('stores only the SHA-256 of the token', async () => {
    const org = await createOrg(app);
    const m = await asMember(app, org);
    const rows: Array<{ tokenHash: string }> = await app.ds.query('SELECT tokenHash FROM sessions');
    expect(rows.some((r) => r.tokenHash === m.token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.tokenHash))).toBe(true);
  });

  it('email is matched case-insensitively', async () => {
    const org = await createOrg(app);
    const m = await createMember(app, org, { email: `Mixed.Case.${Date.now()}@Example.test` });
    const r = await app.gql(SIGN_IN, { o: org.slug, e: m.email.toUpperCase(), p: TEST_PASSWORD });
    expect(r.data?.signIn.status).toBe('SIGNED_IN');
  });

  it('wrong password, unknown email, unknown org, other org and inactive membership get the same answer', async () => {
    const org = await createOrg(app);
    const other = await createOrg(app);
    const m = await createMember(app, org);
    const inactive = await createMember(app, org, { isActive: false });
    const cases = [
      { o: org.slug, e: m.email, p: 'wrong-password-123' },
      { o: org.slug, e: `nobody-${Date.now()}@example.test`, p: TEST_PASSWORD },
      { o: 'no-such-org', e: m.email, p: TEST_PASSWORD },
      { o: other.slug, e: m.email, p: TEST_PASSWORD },
      { o: org.slug, e: inactive.email, p: TEST_PASSWORD },
    ];
    const answers = [];
    for (const c of cases) {
      const r = await app.gql(SIGN_IN, c);
      answers.push({ code: errorCode(r), message: r.errors?.[0]?.message, data: r.data });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0].code).toBe('UNAUTHENTICATED');
  });

  it('repeated failures lock the account in the database, even for the right password; other accounts are unaffected', async () => {
    const org = await createOrg(app);
    const m = await createMember(app, org);
    const bystander = await createMember(app, org);
    for (let i = 0; i < 10; i++) {
      const r = await app.gql(SIGN_IN, { o: org.slug, e: m.email, p: `wrong-password-${i}` });
      expect(errorCode(r)).toBe('UNAUTHENTICATED');
    }
    const locked = await app.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD });
    expect(errorCode(locked)).toBe('RATE_LIMITED');
    const ok = await app.gql(SIGN_IN, { o: org.slug, e: bystander.email, p: TEST_PASSWORD });
    expect(ok.data?.signIn.status).toBe('SIGNED_IN');
    const audit: Array<{ n: number }> = await app.ds.query(
      "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'auth.sign_in' AND outcome = 'RATE_LIMITED'",
    );
    expect(Number(audit[0].n)).toBeGreaterThanOrEqual(1);
  });

  it('unknown emails are throttled too, so the lock does not reveal which accounts exist', async () => {
    const org = await createOrg(app);
    const ghost = `ghost-${Date.now()}@example.test`;
    for (let i = 0; i < 10; i++) {
      await app.gql(SIGN_IN, { o: org.slug, e: ghost, p: `wrong-password-${i}` });
    }
    expect(errorCode(await app.gql(SIGN_IN, { o: org.slug, e: ghost, p: TEST_PASSWORD }))).toBe('RATE_LIMITED');
  });

  it('no token, a garbage token and a signed-out token are all UNAUTHENTICATED', async () => {
    const org = await createOrg(app);
    const m = await asMember(app, org);
    expect(errorCode(await app.gql(ME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await app.gql(ME, {}, 'not-a-real-token-at-all-xxxxxxxxxxxxxxx'))).toBe('UNAUTHENTICATED');
    const out = await m.gql('mutation { signOut { signedOut } }');
    expect(out.data).toEqual({ signOut: { signedOut: true } });
    expect(errorCode(await m.gql(ME))).toBe('UNAUTHENTICATED');
  });

  it('a deactivated membership loses its session on the next request', async () => {
    const org = await createOrg(app);
    const m = await asMember(app, org);
    expect((await m.gql(ME)).data?.me.user.id).toBe(String(m.user.id));
    await app.ds.getRepository(Membership).update({ id: m.membership.id }, { isActive: false });
    expect(errorCode(await m.gql(ME))).toBe('UNAUTHENTICATED');
  });

  it('sign-in records lastLoginAt and audits the sign-in without the password or token', async () => {
    const org = await createOrg(app);
    const m = await asMember(app, org);
    const me = await m.gql('{ me { user { lastLoginAt } } }');
    expect(new Date(me.data!.me.user.lastLoginAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const rows: Array<{ changes: string | null }> = await app.ds.query(
      "SELECT changes FROM audit_events WHERE action = 'auth.sign_in' AND targetUserId = ?",
      [m.user.id],
    );
    expect(rows.length).toBe(1);
    expect(JSON.stringify(rows)).not.toContain(m.token);
    expect(JSON.stringify(rows)).not.toContain(TEST_PASSWORD);
  });
});
