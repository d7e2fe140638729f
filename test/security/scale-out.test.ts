import { freshDatabase, testDbKind, TEST_PASSWORD, type FreshDatabase } from '../support/harness';
import { arrange, spawnServer, type Arranger, type SpawnedServer } from '../support/processes';
import type { Org } from '../../src/entities';

const SIGN_IN = 'mutation($o: String!, $e: String!, $p: String!) { signIn(orgSlug: $o, email: $e, password: $p) { status token } }';
const ME = '{ me { user { id } } }';
const code = (r: { body: any }): string | undefined => r.body.errors?.[0]?.extensions?.code;

/**
 * Stateless processes (PRODUCT.md §5): two server processes on one database behave as one,
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
      expect((await a.gql('mutation { signOut }', {}, token)).body.data.signOut).toBe(true);
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

    it('concurrent sign-ins on both processes each get their own session', async () => {
      const m = await member();
      const results = await Promise.all([a, b, a, b].map((s) => s.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD })));
      const tokens = results.map((r) => r.body.data.signIn.token as string);
      expect(new Set(tokens).size).toBe(4);
      for (const t of tokens) {
        expect((await b.gql(ME, {}, t)).body.data.me.user.id).toBe(String(m.userId));
      }
    });
  });
}
