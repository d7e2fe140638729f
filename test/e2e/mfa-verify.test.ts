import {
  createMember,
  createOrg,
  errorCode,
  signIn,
  startTestApp,
  testDbKind,
  type TestApp,
  type TestMember,
  clock,
} from '../support/harness';
import { challenge, deniedCount, enroll, factorRow, ME_MFA, oathtool, startSibling, VERIFY } from '../support/mfa';
import type { Org } from '../../src/entities';
import { describeWithTools } from '../support/tools';

describeWithTools(['oathtool'], `MFA challenge: replay, window, lockout, batching (${testDbKind()})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    clock.install();
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
    clock.uninstall();
  });

  async function enrolledMember(): Promise<{ org: Org; m: TestMember; secret: string }> {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    const { secret } = await enroll(app, org, m);
    return { org, m, secret };
  }

  async function failures(m: TestMember): Promise<number> {
    return Number((await factorRow(app, m.membership.id))!.failedAttempts);
  }

  async function fullSessions(m: TestMember): Promise<number> {
    const rows: Array<{ n: number }> = await app.ds.query(
      "SELECT COUNT(*) AS n FROM sessions WHERE membershipId = ? AND kind = 'full' AND revokedAt IS NULL",
      [m.membership.id],
    );
    return Number(rows[0].n);
  }

  it('a code is accepted once: the enrollment code, and a used sign-in code, are replays (audited, counted)', async () => {
    const { org, m, secret } = await enrolledMember();
    const enrollCode = await oathtool(secret);
    const c1 = await challenge(app, org, m);
    const replay = await c1.gql(VERIFY, { c: enrollCode });
    expect(errorCode(replay)).toBe('BAD_USER_INPUT');
    expect(replay.errors![0].message).toMatch(/already been used/);
    expect(await deniedCount(app, 'mfa.verify', 'REPLAY', m.user.id)).toBe(1);
    expect(await failures(m)).toBe(1);

    clock.nextStep();
    const code = await oathtool(secret);
    expect((await c1.gql(VERIFY, { c: code })).data!.verifyMfa.status).toBe('SIGNED_IN');
    expect(await failures(m)).toBe(0);
    const c2 = await challenge(app, org, m);
    expect(errorCode(await c2.gql(VERIFY, { c: code }))).toBe('BAD_USER_INPUT');
    expect(await deniedCount(app, 'mfa.verify', 'REPLAY', m.user.id)).toBe(2);
  });

  it('two concurrent verifyMfa with one code, on two server instances: exactly one succeeds', async () => {
    const { org, m, secret } = await enrolledMember();
    const sibling = await startSibling(app);
    try {
      for (let round = 0; round < 3; round++) {
        clock.nextStep();
        const [a, b, c] = [await challenge(app, org, m), await challenge(app, org, m), await challenge(app, org, m)];
        const code = await oathtool(secret);
        const results = await Promise.all([
          a.gql(VERIFY, { c: code }),
          sibling.gql(VERIFY, { c: code }, b.token),
          c.gql(VERIFY, { c: code }),
        ]);
        const winners = results.filter((r) => r.data?.verifyMfa?.status === 'SIGNED_IN');
        expect(winners).toHaveLength(1);
        expect(results.filter((r) => errorCode(r) === 'BAD_USER_INPUT')).toHaveLength(2);
      }
      expect(await deniedCount(app, 'mfa.verify', 'REPLAY', m.user.id)).toBe(6);
    } finally {
      await sibling.stop();
    }
  });

  it('accepted window: the previous step is fine; two steps back and the next step are refused', async () => {
    const { org, m, secret } = await enrolledMember();
    clock.advance(5 * 60_000);
    clock.nextStep(10_000);
    const c = await challenge(app, org, m);
    const twoBack = await c.gql(VERIFY, { c: await oathtool(secret, clock.now - 60_000) });
    expect(errorCode(twoBack)).toBe('BAD_USER_INPUT');
    const next = await c.gql(VERIFY, { c: await oathtool(secret, clock.now + 30_000) });
    expect(errorCode(next)).toBe('BAD_USER_INPUT');
    expect(await deniedCount(app, 'mfa.verify', 'INVALID_CODE', m.user.id)).toBe(2);
    const previous = await c.gql(VERIFY, { c: await oathtool(secret, clock.now - 30_000) });
    expect(previous.data!.verifyMfa.status).toBe('SIGNED_IN');
    expect(Number((await factorRow(app, m.membership.id))!.lastAcceptedStep)).toBe(Math.floor(clock.now / 30_000) - 1);
    // After the previous step was used, the current step is still available once.
    const again = await challenge(app, org, m);
    expect((await again.gql(VERIFY, { c: await oathtool(secret) })).data!.verifyMfa.status).toBe('SIGNED_IN');
  });

  it('5 failures across two sessions and two instances lock the factor; a correct code is RATE_LIMITED; 15 minutes later it works', async () => {
    const { org, m, secret } = await enrolledMember();
    const sibling = await startSibling(app);
    try {
      clock.nextStep();
      const a = await challenge(app, org, m);
      const b = await challenge(app, org, m);
      for (const code of ['000001', '000002', '000003']) {
        expect(errorCode(await a.gql(VERIFY, { c: code }))).toBe('BAD_USER_INPUT');
      }
      for (const code of ['000004', '000005']) {
        expect(errorCode(await sibling.gql(VERIFY, { c: code }, b.token))).toBe('BAD_USER_INPUT');
      }
      const locked = await a.gql(VERIFY, { c: await oathtool(secret) });
      expect(errorCode(locked)).toBe('RATE_LIMITED');
      expect(locked.errors![0].extensions!.retryAfterSeconds).toBe(15 * 60);
      const fresh = await challenge(app, org, m);
      expect(errorCode(await sibling.gql(VERIFY, { c: await oathtool(secret) }, fresh.token))).toBe('RATE_LIMITED');
      expect(await deniedCount(app, 'mfa.verify', 'RATE_LIMITED', m.user.id)).toBe(2);
      expect(await fullSessions(m)).toBe(1); // the enrollment's only

      clock.advance(14 * 60_000);
      const stillLocked = await challenge(app, org, m);
      expect(errorCode(await stillLocked.gql(VERIFY, { c: await oathtool(secret) }))).toBe('RATE_LIMITED');
      clock.advance(60_000 + 1_000);
      clock.nextStep();
      const later = await challenge(app, org, m);
      expect((await later.gql(VERIFY, { c: await oathtool(secret) })).data!.verifyMfa.status).toBe('SIGNED_IN');
      expect(await failures(m)).toBe(0);
    } finally {
      await sibling.stop();
    }
  });

  it('failures older than 15 minutes do not add up to a lock', async () => {
    const { org, m, secret } = await enrolledMember();
    const c = await challenge(app, org, m);
    for (const code of ['111111', '222222', '333333', '444444']) {
      await c.gql(VERIFY, { c: code });
    }
    expect(await failures(m)).toBe(4);
    clock.advance(15 * 60_000 + 1_000);
    const d = await challenge(app, org, m);
    expect(errorCode(await d.gql(VERIFY, { c: '555555' }))).toBe('BAD_USER_INPUT');
    expect(await failures(m)).toBe(1);
    clock.nextStep();
    expect((await d.gql(VERIFY, { c: await oathtool(secret) })).data!.verifyMfa.status).toBe('SIGNED_IN');
  });

  it('codes with spaces, letters, full-width digits or 7 digits are refused and counted (5 of them lock)', async () => {
    const { org, m, secret } = await enrolledMember();
    clock.nextStep();
    const code = await oathtool(secret);
    const fullWidth = [...code].map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)).join('');
    const c = await challenge(app, org, m);
    const variants = [` ${code}`, `${code.slice(0, 3)} ${code.slice(3)}`, `${code.slice(0, 5)}a`, fullWidth, `${code}0`];
    for (const [i, v] of variants.entries()) {
      const r = await c.gql(VERIFY, { c: v });
      expect(errorCode(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].extensions!.field).toBe('code');
      expect(await failures(m)).toBe(i + 1);
    }
    expect(await deniedCount(app, 'mfa.verify', 'MALFORMED_CODE', m.user.id)).toBe(5);
    expect(errorCode(await c.gql(VERIFY, { c: code }))).toBe('RATE_LIMITED');
  });

  it('six aliased verifyMfa in one request are refused before execution, nothing verified, and all six count', async () => {
    const { org, m, secret } = await enrolledMember();
    clock.nextStep();
    const c = await challenge(app, org, m);
    const right = await oathtool(secret);
    const guesses = ['000000', '111111', '222222', right, '333333', '444444'];
    const query = `mutation { ${guesses.map((g, i) => `a${i}: verifyMfa(input: { code: "${g}" }) { status token }`).join(' ')} }`;
    const r = await c.gql(query);
    // A request error: 200 as application/json (GraphQL over HTTP; 400 as application/graphql-response+json).
    expect(r.status).toBe(200);
    expect(errorCode(r)).toBe('BAD_USER_INPUT');
    expect(r.data).toBeUndefined();
    expect(await fullSessions(m)).toBe(1);
    expect(await deniedCount(app, 'mfa.batched_attempts', 'BATCH_REJECTED', m.user.id)).toBe(1);
    const row = await factorRow(app, m.membership.id);
    // All six count: the counter stops at the limit (5, never above) and the factor is locked.
    expect(Number(row!.failedAttempts)).toBe(5);
    expect(row!.lockedUntil).not.toBeNull();
    expect(Number(row!.lastAcceptedStep)).toBeLessThan(Math.floor(clock.now / 30_000));
    expect(errorCode(await c.gql(VERIFY, { c: right }))).toBe('RATE_LIMITED');
  });

  it('two verification fields via fragments are refused too', async () => {
    const { org, m, secret } = await enrolledMember();
    clock.nextStep();
    const c = await challenge(app, org, m);
    const code = await oathtool(secret);
    const r = await c.gql(
      `mutation($c: String!) { ...V ... on Mutation { again: verifyMfa(input: { code: $c }) { status } } } fragment V on Mutation { verifyMfa(input: { code: $c }) { status } }`,
      { c: code },
    );
    expect(errorCode(r)).toBe('BAD_USER_INPUT');
    expect(await failures(m)).toBe(2);
    expect((await c.gql(VERIFY, { c: code })).data!.verifyMfa.status).toBe('SIGNED_IN');
  });

  it('array-batched requests are refused outright (allowBatchedHttpRequests: false)', async () => {
    const { org, m, secret } = await enrolledMember();
    clock.nextStep();
    const c = await challenge(app, org, m);
    const code = await oathtool(secret);
    const r = await app.http('POST', '/graphql', {
      token: c.token,
      body: [
        { query: VERIFY, variables: { c: '000000' } },
        { query: VERIFY, variables: { c: code } },
      ],
    });
    expect(r.status).toBe(400);
    expect(await fullSessions(m)).toBe(1);
    expect((await c.gql(VERIFY, { c: code })).data!.verifyMfa.status).toBe('SIGNED_IN');
  });

  it('me.mfa shows the lock to its owner', async () => {
    const { org, m, secret } = await enrolledMember();
    clock.nextStep();
    const c = await challenge(app, org, m);
    const ok = await c.gql(VERIFY, { c: await oathtool(secret) });
    const full = ok.data!.verifyMfa.token as string;
    const d = await challenge(app, org, m);
    for (let i = 0; i < 5; i++) {
      await d.gql(VERIFY, { c: `00000${i}` });
    }
    const me = await app.gql(ME_MFA, {}, full);
    expect(new Date(me.data!.me.mfa.lockedUntil).getTime()).toBe(clock.now + 15 * 60_000);
    expect((await signIn(app, org, m.email)).status).toBe('MFA_REQUIRED');
  });
});
