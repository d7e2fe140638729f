import { createMember, createOrg, errorCode, signIn, startTestApp, testDbKind, withToken, type TestApp, clock } from '../support/harness';
import { enroll, GENERATE, ME_MFA, oathtool, REGENERATE, RESET, setOptOut, VALIDATE, VERIFY } from '../support/mfa';
import { describeWithTools } from '../support/tools';

type OptOut = 'none' | 'open-ended' | 'until-future' | 'expired';

/**
 * Rules 9-10 as sign-in sees them. `enrolled` means a confirmed factor in THIS org. A member who
 * enrolled voluntarily in a non-enforcing org is still challenged (the factor protects the
 * account); an effective opt-out in an enforcing org signs in without a code (the seed's use case).
 */
const MATRIX: Array<[boolean, boolean, OptOut, string]> = [
  [true, true, 'none', 'MFA_REQUIRED'],
  [true, true, 'open-ended', 'SIGNED_IN'],
  [true, true, 'until-future', 'SIGNED_IN'],
  [true, true, 'expired', 'MFA_REQUIRED'],
  [true, false, 'none', 'MFA_ENROLLMENT_REQUIRED'],
  [true, false, 'open-ended', 'SIGNED_IN'],
  [true, false, 'until-future', 'SIGNED_IN'],
  [true, false, 'expired', 'MFA_ENROLLMENT_REQUIRED'],
  [false, true, 'none', 'MFA_REQUIRED'],
  [false, true, 'open-ended', 'MFA_REQUIRED'],
  [false, true, 'expired', 'MFA_REQUIRED'],
  [false, false, 'none', 'SIGNED_IN'],
  [false, false, 'open-ended', 'SIGNED_IN'],
  [false, false, 'expired', 'SIGNED_IN'],
];

describeWithTools(['oathtool'], `MFA at sign-in (${testDbKind()})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    clock.install();
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
    clock.uninstall();
  });

  it.each(MATRIX)('enforced=%s enrolled=%s opt-out=%s -> %s', async (enforced, enrolled, optOut, expected) => {
    const org = await createOrg(app, { mfaRequired: enforced });
    const m = await createMember(app, org);
    if (enrolled) {
      await enroll(app, org, m);
    }
    const until = optOut === 'until-future' ? new Date(clock.now + 3_600_000) : optOut === 'expired' ? new Date(clock.now - 1_000) : null;
    await setOptOut(app, m, optOut !== 'none', until);
    const s = await signIn(app, org, m.email);
    expect(s.status).toBe(expected);
    const rows: Array<{ kind: string }> = await app.ds.query('SELECT kind FROM sessions WHERE membershipId = ? ORDER BY id DESC', [
      m.membership.id,
    ]);
    expect(rows[0].kind).toBe({ SIGNED_IN: 'full', MFA_REQUIRED: 'mfa_challenge', MFA_ENROLLMENT_REQUIRED: 'mfa_enrollment' }[expected]);
  });

  it('an opt-out that runs out while time passes is enforcement again (no job needed)', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    await setOptOut(app, m, true, new Date(clock.now + 60_000));
    expect((await signIn(app, org, m.email)).status).toBe('SIGNED_IN');
    clock.advance(61_000);
    expect((await signIn(app, org, m.email)).status).toBe('MFA_ENROLLMENT_REQUIRED');
  });

  it('an opt-out in org A leaves the same user enforced in org B; enrollment is per membership', async () => {
    const a = await createOrg(app, { mfaRequired: true });
    const b = await createOrg(app, { mfaRequired: true });
    const inA = await createMember(app, a);
    const inB = await createMember(app, b, { email: inA.email });
    expect(inB.user.id).toBe(inA.user.id);
    await setOptOut(app, inA, true);
    expect((await signIn(app, a, inA.email)).status).toBe('SIGNED_IN');
    expect((await signIn(app, b, inA.email)).status).toBe('MFA_ENROLLMENT_REQUIRED');
    await enroll(app, b, inB);
    expect((await signIn(app, b, inA.email)).status).toBe('MFA_REQUIRED');
    await setOptOut(app, inA, false);
    expect((await signIn(app, a, inA.email)).status).toBe('MFA_ENROLLMENT_REQUIRED');
  });

  it('an enrollment-only session can generate and validate, and nothing else', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    const s = await signIn(app, org, m.email);
    expect(s.status).toBe('MFA_ENROLLMENT_REQUIRED');
    const p = withToken(app, m, s.token);
    for (const [q, v] of [
      [ME_MFA, {}],
      ['{ me { user { id } } }', {}],
      [VERIFY, { c: '123456' }],
      [REGENERATE, { c: '123456' }],
      [RESET, { u: String(m.user.id) }],
    ] as const) {
      expect(errorCode(await p.gql(q, v))).toBe('FORBIDDEN');
    }
    const gen = await p.gql(GENERATE);
    expect(gen.errors).toBeUndefined();
    const v = await p.gql(VALIDATE, { c: await oathtool(gen.data!.generateMfaTempSecret.tempSecret.secret) });
    expect(v.errors).toBeUndefined();
    expect(v.data!.validateMfaCode.session.status).toBe('SIGNED_IN');
    // The enrollment token is spent; the new one is a full session.
    expect(errorCode(await p.gql(GENERATE))).toBe('UNAUTHENTICATED');
    const full = withToken(app, m, v.data!.validateMfaCode.session.token);
    expect((await full.gql(ME_MFA)).data!.me).toEqual({
      sessionKind: 'FULL',
      mfa: { enrolled: true, enrollmentPending: false, required: true, optedOut: false, recoveryCodesRemaining: 10, lockedUntil: null },
    });
    const denied: Array<{ n: number }> = await app.ds.query(
      "SELECT COUNT(*) AS n FROM audit_events WHERE actorUserId = ? AND outcome = 'FORBIDDEN'",
      [m.user.id],
    );
    expect(Number(denied[0].n)).toBeGreaterThanOrEqual(5);
  });

  it('a challenge session can call verifyMfa and nothing else', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    await enroll(app, org, m);
    const s = await signIn(app, org, m.email);
    expect(s.status).toBe('MFA_REQUIRED');
    const p = withToken(app, m, s.token);
    for (const q of [GENERATE, ME_MFA]) {
      expect(errorCode(await p.gql(q))).toBe('FORBIDDEN');
    }
    expect(errorCode(await p.gql(VALIDATE, { c: '123456' }))).toBe('FORBIDDEN');
    expect(errorCode(await p.gql(REGENERATE, { c: '123456' }))).toBe('FORBIDDEN');
  });

  it('me.mfa reflects enforcement and opt-out for a member who has not enrolled', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    await setOptOut(app, m, true, new Date(clock.now + 3_600_000));
    const p = withToken(app, m, (await signIn(app, org, m.email)).token);
    expect((await p.gql(ME_MFA)).data!.me.mfa).toEqual({
      enrolled: false,
      enrollmentPending: false,
      required: false,
      optedOut: true,
      recoveryCodesRemaining: 0,
      lockedUntil: null,
    });
  });
});
