import {
  asAdmin,
  createMember,
  createOrg,
  errorCode,
  startTestApp,
  testDbKind,
  TEST_PASSWORD,
  type Principal,
  type TestApp,
  clock,
} from '../support/harness';
import { ACTIVATE, IMPERSONATE, ISSUE_RESET, STOP_IMPERSONATING, STRONG_PASSWORD, invite, mailedToken } from '../support/accounts';
import type { Org } from '../../src/entities';
import { challenge, deniedCount, enroll, factorRow, oathtool, VERIFY } from '../support/mfa';
import { describeWithTools } from '../support/tools';

/**
 * OWASP API2 (broken authentication) and API6 (sensitive business flows): one-time secrets work
 * once, also under a race; ended sessions stay ended; guessing is counted per attempt, whether
 * the attempts come as aliases of one request or as separate requests.
 */
describeWithTools(['oathtool'], `replay and brute force (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let admin: Principal;
  beforeAll(async () => {
    app = await startTestApp();
    org = await createOrg(app);
    admin = await asAdmin(app, org);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('sign-in guesses sent as aliases of one request do not multiply: each is counted, and the first failure ends the request', async () => {
    const m = await createMember(app, org);
    const guesses = (n: number, from: number): string =>
      `mutation { ${Array.from(
        { length: n },
        (_, i) => `g${i}: signIn(input: { orgSlug: "${org.slug}", email: "${m.email}", password: "wrong-guess-${from + i}" }) { token }`,
      ).join(' ')} }`;
    const failures = async (): Promise<number> =>
      Number(
        (
          await app.ds.query(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'auth.sign_in' AND outcome = 'UNAUTHENTICATED' AND targetUserId = ?",
            [m.user.id],
          )
        )[0].n,
      );
    // signIn is non-null and mutations run in order: the first failed guess nulls the whole
    // answer and the remaining aliases never run. So 15 aliases buy one guess, counted once.
    const r = await app.gql(guesses(15, 0));
    expect(r.errors!.map((e) => e.extensions!.code)).toEqual(['UNAUTHENTICATED']);
    expect(r.data).toBeNull();
    expect(await failures()).toBe(1);
    for (let i = 1; i < 10; i++) {
      await app.gql(guesses(15, i * 100));
    }
    expect(await failures()).toBe(10);
    const right = await app.gql(
      'mutation($o: String!, $e: String!, $p: String!) { signIn(input: { orgSlug: $o, email: $e, password: $p }) { token } }',
      {
        o: org.slug,
        e: m.email,
        p: TEST_PASSWORD,
      },
    );
    expect(errorCode(right)).toBe('RATE_LIMITED');
  });

  it('an invitation token works once; a replay and a concurrent double redemption are refused', async () => {
    const { token } = await invite(admin, app, { email: `act-${Date.now()}@example.test`, firstName: 'A', lastName: 'B' });
    const results = await Promise.all([1, 2, 3].map((i) => app.gql(ACTIVATE, { t: token, p: `${STRONG_PASSWORD}-${i}` })));
    expect(results.filter((r) => r.data?.activateAccount.activated === true)).toHaveLength(1);
    expect(results.filter((r) => errorCode(r) === 'BAD_USER_INPUT')).toHaveLength(2);
    expect(errorCode(await app.gql(ACTIVATE, { t: token, p: `${STRONG_PASSWORD}-4` }))).toBe('BAD_USER_INPUT');
  });

  it('a password-reset token works once, and issuing a new one voids the old', async () => {
    const m = await createMember(app, org);
    await admin.gql(ISSUE_RESET, { id: String(m.user.id) });
    const first = (await mailedToken(app, 'password_reset', m.email)).token;
    await admin.gql(ISSUE_RESET, { id: String(m.user.id) });
    const second = (await mailedToken(app, 'password_reset', m.email)).token;
    expect(errorCode(await app.gql(ACTIVATE, { t: first, p: STRONG_PASSWORD }))).toBe('BAD_USER_INPUT');
    expect((await app.gql(ACTIVATE, { t: second, p: STRONG_PASSWORD })).data?.activateAccount.activated).toBe(true);
    expect(errorCode(await app.gql(ACTIVATE, { t: second, p: `${STRONG_PASSWORD}-again` }))).toBe('BAD_USER_INPUT');
  });

  it('an ended session token (signed out, impersonation stopped) cannot be replayed', async () => {
    const m = await createMember(app, org);
    const imp = await admin.gql(IMPERSONATE, { id: String(m.user.id) });
    const token = imp.data!.impersonate.token as string;
    expect((await app.gql(STOP_IMPERSONATING, {}, token)).data?.stopImpersonating.impersonationEnded).toBe(true);
    expect(errorCode(await app.gql('{ me { user { id } } }', {}, token))).toBe('UNAUTHENTICATED');
    expect(errorCode(await app.gql(STOP_IMPERSONATING, {}, token))).toBe('UNAUTHENTICATED');
  });

  describe('MFA codes', () => {
    beforeAll(() => clock.install());
    afterAll(() => clock.uninstall());

    it('a TOTP code is accepted once; its replay is refused and audited as REPLAY', async () => {
      const mfaOrg = await createOrg(app, { mfaRequired: true });
      const m = await createMember(app, mfaOrg);
      const { secret } = await enroll(app, mfaOrg, m);
      clock.nextStep();
      const code = await oathtool(secret);
      const first = await challenge(app, mfaOrg, m);
      expect((await first.gql(VERIFY, { c: code })).data?.verifyMfa.status).toBe('SIGNED_IN');
      const second = await challenge(app, mfaOrg, m);
      const replay = await second.gql(VERIFY, { c: code });
      expect(errorCode(replay)).toBe('BAD_USER_INPUT');
      expect(await deniedCount(app, 'mfa.verify', 'REPLAY', m.user.id)).toBe(1);
    });

    it('MFA guesses cannot be multiplied: two verification fields (aliases) or an array batch are refused; the aliases still count as attempts', async () => {
      const mfaOrg = await createOrg(app, { mfaRequired: true });
      const m = await createMember(app, mfaOrg);
      await enroll(app, mfaOrg, m);
      clock.nextStep();
      const c = await challenge(app, mfaOrg, m);
      const aliased = await c.gql(
        'mutation { a: verifyMfa(input: { code: "000000" }) { token } b: verifyMfa(input: { code: "111111" }) { token } }',
      );
      expect(errorCode(aliased)).toBe('BAD_USER_INPUT');
      const batch = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
        body: JSON.stringify([
          { query: 'mutation { verifyMfa(input: { code: "000000" }) { token } }' },
          { query: 'mutation { verifyMfa(input: { code: "111111" }) { token } }' },
        ]),
      });
      expect(batch.status).toBe(400);
      // Rule 13: each alias counts as an attempt (2), none was checked; the array never got that far.
      const factor = await factorRow(app, m.membership.id);
      expect(Number(factor!.failedAttempts)).toBe(2);
    });
  });
});
