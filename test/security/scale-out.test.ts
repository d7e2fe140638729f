import { freshDatabase, testDbKind, TEST_PASSWORD, type FreshDatabase } from '../support/harness';
import { oathtool, VERIFY } from '../support/mfa';
import { arrange, spawnServer, type Arranger, type SpawnedServer } from '../support/processes';
import type { Org } from '../../src/entities';

const SIGN_IN =
  'mutation($o: String!, $e: String!, $p: String!) { signIn(input: { orgSlug: $o, email: $e, password: $p }) { status token } }';
const ME = '{ me { user { id } } }';
const code = (r: { body: any }): string | undefined => r.body.errors?.[0]?.extensions?.code;

/**
 * Stateless processes (docs/product.md §5): two server processes on one database behave as one,
 * because sessions, throttling, MFA replay and lockout state all live in the database. The
 * deployment that scales out is MySQL/MariaDB; on SQLite the same holds for two processes on
 * one file (WAL, busy timeout), which the CLI beside a running server relies on.
 */
{
  describe(`two server processes, one database (${testDbKind()})`, () => {
    let db: FreshDatabase;
    let arr: Arranger;
    let a: SpawnedServer;
    let b: SpawnedServer;
    let org: Org;

    beforeAll(async () => {
      db = await freshDatabase();
      arr = await arrange(db.url);
      // Migrated above, so the two may start at once.
      [a, b] = await Promise.all([spawnServer({ DATABASE_URL: db.url }), spawnServer({ DATABASE_URL: db.url })]);
      org = await arr.services.provisioning.createOrg(arr.ctx, { slug: `scale-${Date.now()}`, name: 'Scale Out' });
    }, 60_000);
    afterAll(async () => {
      await Promise.all([a?.kill(), b?.kill()]);
      await arr?.close();
      await db?.drop();
    }, 30_000);

    async function member(): Promise<{ email: string; userId: number }> {
      const email = `m-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`;
      const { user } = await arr.services.provisioning.addMember(arr.ctx, org.id, {
        firstName: 'Multi',
        lastName: 'Process',
        email,
        password: TEST_PASSWORD,
      });
      return { email, userId: user.id };
    }

    it('a session from A works on B, and signing out on A ends it on B', async () => {
      const m = await member();
      const signIn = await a.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD });
      const token = signIn.body.data.signIn.token as string;
      expect((await b.gql(ME, {}, token)).body.data.me.user.id).toBe(String(m.userId));
      expect((await a.gql('mutation { signOut { signedOut } }', {}, token)).body.data.signOut.signedOut).toBe(true);
      expect(code(await b.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
      expect(code(await a.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
    });

    it('sign-in failures on A and B count together: the lock holds on both', async () => {
      const m = await member();
      for (let i = 0; i < 10; i++) {
        const server = i % 2 === 0 ? a : b;
        expect(code(await server.gql(SIGN_IN, { o: org.slug, e: m.email, p: `wrong-password-${i}` }))).toBe('UNAUTHENTICATED');
      }
      expect(code(await a.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD }))).toBe('RATE_LIMITED');
      expect(code(await b.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD }))).toBe('RATE_LIMITED');
    });

    it('a burst of wrong passwords on both processes: at most 10 are checked (each takes a slot first), the rest RATE_LIMITED', async () => {
      const m = await member();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).gql(SIGN_IN, { o: org.slug, e: m.email, p: `wrong-password-${i}` })),
      );
      const checked = results.filter((r) => code(r) === 'UNAUTHENTICATED').length;
      expect(checked).toBeLessThanOrEqual(10);
      expect(checked + results.filter((r) => code(r) === 'RATE_LIMITED').length).toBe(20);
      expect(code(await b.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD }))).toBe('RATE_LIMITED');
    });

    it('concurrent sign-ins on both processes each get their own session', async () => {
      const m = await member();
      const results = await Promise.all([a, b, a, b].map((s) => s.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD })));
      const tokens = results.map((r) => r.body.data.signIn.token as string);
      expect(new Set(tokens).size).toBe(4);
      for (const t of tokens) {
        expect((await b.gql(ME, {}, t)).body.data.me.user.id).toBe(String(m.userId));
      }
    });

    it('MFA: a code accepted by A is refused by B (replay), and wrong codes on A and B lock the factor on both', async () => {
      const m = await member();
      const signed = await a.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD });
      const full = signed.body.data.signIn.token as string;
      const gen = await a.gql('mutation { generateMfaTempSecret { tempSecret { secret } } }', {}, full);
      const secret = gen.body.data.generateMfaTempSecret.tempSecret.secret as string;
      const used = await oathtool(secret, Date.now());
      const validated = await a.gql('mutation($c: String!) { validateMfaCode(input: { code: $c }) { recoveryCodes } }', { c: used }, full);
      expect(validated.body.data.validateMfaCode.recoveryCodes).toHaveLength(10);
      await arr.ds.query('UPDATE orgs SET mfaRequired = ? WHERE id = ?', [true, org.id]);
      try {
        const onB = await b.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD });
        expect(onB.body.data.signIn.status).toBe('MFA_REQUIRED');
        const replay = await b.gql(VERIFY, { c: used }, onB.body.data.signIn.token);
        expect(code(replay)).toBe('BAD_USER_INPUT');
        expect(replay.body.errors[0].message).toMatch(/already been used/);

        // Lockout: the replay on B was failure 1; 4 wrong codes alternating between the processes
        // make 5, and the factor is locked for both, even for the right code.
        const challengeA = (await a.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD })).body.data.signIn.token as string;
        const challengeB = (await b.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD })).body.data.signIn.token as string;
        const wrong = used === '000000' ? '111111' : '000000';
        for (let i = 0; i < 4; i++) {
          expect(code(await (i % 2 ? b : a).gql(VERIFY, { c: wrong }, i % 2 ? challengeB : challengeA))).toBe('BAD_USER_INPUT');
        }
        const fresh = await oathtool(secret, Date.now());
        expect(code(await a.gql(VERIFY, { c: fresh }, challengeA))).toBe('RATE_LIMITED');
        expect(code(await b.gql(VERIFY, { c: fresh }, challengeB))).toBe('RATE_LIMITED');
      } finally {
        await arr.ds.query('UPDATE orgs SET mfaRequired = ? WHERE id = ?', [false, org.id]);
      }
    });

    it('attack 6: 25 wrong TOTP codes at once, spread over both processes: at most 5 evaluated, failedAttempts never above 5, the rest RATE_LIMITED', async () => {
      const m = await member();
      const full = (await a.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD })).body.data.signIn.token as string;
      const secret = (await a.gql('mutation { generateMfaTempSecret { tempSecret { secret } } }', {}, full)).body.data.generateMfaTempSecret
        .tempSecret.secret as string;
      const enrolled = await a.gql(
        'mutation($c: String!) { validateMfaCode(input: { code: $c }) { recoveryCodes } }',
        { c: await oathtool(secret, Date.now()) },
        full,
      );
      expect(enrolled.body.data.validateMfaCode.recoveryCodes).toHaveLength(10);
      // A confirmed factor: every sign-in is an MFA challenge. Five challenge sessions, five guesses each.
      const challenges: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await (i % 2 ? b : a).gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD });
        expect(r.body.data.signIn.status).toBe('MFA_REQUIRED');
        challenges.push(r.body.data.signIn.token as string);
      }
      const valid = new Set([
        await oathtool(secret, Date.now()),
        await oathtool(secret, Date.now() - 30_000),
        await oathtool(secret, Date.now() + 30_000),
      ]);
      const wrong = ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c))!;
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => (i % 2 ? b : a).gql(VERIFY, { c: wrong }, challenges[i % 5])));
      const messages = results.map((r) => r.body.errors?.[0]?.message as string);
      const evaluated = messages.filter((msg) => msg === 'Invalid MFA code.').length;
      const limited = results.filter((r) => code(r) === 'RATE_LIMITED').length;
      expect(evaluated).toBeLessThanOrEqual(5);
      expect(evaluated).toBeGreaterThan(0);
      expect(evaluated + limited).toBe(25);
      const [row] = await arr.ds.query(
        'SELECT f.failedAttempts, f.lockedUntil FROM mfa_factors f JOIN memberships ms ON ms.id = f.membershipId WHERE ms.userId = ?',
        [m.userId],
      );
      expect(Number(row.failedAttempts)).toBeLessThanOrEqual(5);
      expect(row.lockedUntil).not.toBeNull();
      const [audited] = await arr.ds.query(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'mfa.verify' AND outcome = 'INVALID_CODE' AND targetUserId = ?",
        [m.userId],
      );
      expect(Number(audited.n)).toBe(evaluated);
      // Locked now, for the right code too, on both processes.
      expect(code(await a.gql(VERIFY, { c: await oathtool(secret, Date.now()) }, challenges[0]))).toBe('RATE_LIMITED');
    }, 60_000);
  });
}
