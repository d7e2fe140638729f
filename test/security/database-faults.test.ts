import { openDataSource } from '../../ormconfig';
import { createConnection } from 'mysql2/promise';
import { startThrowawayMariaDb, type ThrowawayMariaDb } from '../support/mariadb';
import { asMember, createOrg, errorCode, startTestApp, testDbKind, type Principal, type TestApp } from '../support/harness';

const ME = '{ me { user { id } } }';

/**
 * Database faults (ASVS V16 / fail securely; OWASP API8). A server that goes away or freezes
 * under a running process exists only for MariaDB. Embedded SQLite lives in the process; what
 * can happen to it is another process (the CLI) holding the write lock: that case is tested on
 * the sqlite project instead.
 */
if (testDbKind() === 'sqlite') {
  describe('database faults (sqlite)', () => {
    let app: TestApp;
    let member: Principal;
    beforeAll(async () => {
      app = await startTestApp();
      member = await asMember(app, await createOrg(app));
    }, 60_000);
    afterAll(async () => {
      await app.stop();
    });

    it('a write lock held by another process: writes fail after the busy timeout with SERVICE_UNAVAILABLE (503), then work again', async () => {
      // A second connection to the same file, as the CLI would have.
      const other = await openDataSource(app.config.database);
      await other.query('BEGIN EXCLUSIVE');
      let r;
      const started = Date.now();
      try {
        r = await member.gql('mutation { signOut }');
      } finally {
        await other.query('ROLLBACK');
        await other.destroy();
      }
      expect(Date.now() - started).toBeLessThan(8000);
      expect(errorCode(r)).toBe('SERVICE_UNAVAILABLE');
      expect(r.status).toBe(503);
      expect(JSON.stringify(r.errors)).not.toMatch(/SQLITE_BUSY|locked|sqlite/i);
      // Nothing was written: the session still works, and signing out now succeeds.
      expect((await member.gql(ME)).data?.me.user.id).toBe(String(member.user.id));
      expect((await member.gql('mutation { signOut }')).data).toEqual({ signOut: true });
    }, 30_000);
  });
}

if (testDbKind() === 'mysql') {
  describe('database faults (mysql)', () => {
    /** DB_QUERY_TIMEOUT_MS of this suite; every request must end within it plus MARGIN_MS. */
    const TIMEOUT_MS = 1500;
    const MARGIN_MS = 1500;
    let db: ThrowawayMariaDb;
    let app: TestApp;
    let member: Principal;

    beforeAll(async () => {
      db = await startThrowawayMariaDb({ bufferPoolMb: 32 });
      const c = await createConnection(db.url);
      await c.query('CREATE DATABASE gh_faults CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
      await c.end();
      app = await startTestApp({ env: { DATABASE_URL: db.urlFor('gh_faults'), DB_QUERY_TIMEOUT_MS: String(TIMEOUT_MS) } });
      member = await asMember(app, await createOrg(app));
    }, 60_000);
    afterAll(async () => {
      await app?.stop().catch(() => undefined);
      await db?.stop();
    }, 30_000);

    const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> => {
      const started = Date.now();
      const value = await fn();
      return { value, ms: Date.now() - started };
    };

    async function waitFor(what: string, cond: () => Promise<boolean>, ms = 15_000): Promise<number> {
      const started = Date.now();
      while (Date.now() - started < ms) {
        if (await cond().catch(() => false)) {
          return Date.now() - started;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`timed out waiting for ${what}`);
    }

    it('database stopped: requests fail fast and closed with 503, /ready is 503 within 2 s; it recovers by itself when the database is back', async () => {
      expect((await member.gql(ME)).data?.me.user.id).toBe(String(member.user.id));
      // Requests in flight while the database goes away.
      const inFlight = Array.from({ length: 6 }, () => member.gql(ME));
      await db.shutdown();
      const during = await Promise.all(inFlight);
      for (const r of during) {
        expect(r.data?.me?.user.id === String(member.user.id) || errorCode(r) === 'SERVICE_UNAVAILABLE').toBe(true);
      }

      // A valid token is neither accepted nor treated as "no session": the request fails closed.
      const me = await timed(() => member.gql(ME));
      expect(me.ms).toBeLessThan(3000);
      expect(me.value.status).toBe(503);
      expect(errorCode(me.value)).toBe('SERVICE_UNAVAILABLE');
      expect(me.value.data ?? null).toBeNull();
      const body = JSON.stringify(me.value.errors);
      expect(body).not.toMatch(/ECONNREFUSED|mysql|mariadb|SELECT|sessions|127\.0\.0\.1|stack/i);
      expect(me.value.errors![0].extensions!.requestId).toBe(me.value.headers.get('x-request-id'));
      // The public sign-in fails closed too (no session issued without the database), as a 503.
      const signIn = await timed(() =>
        app.gql('mutation { signIn(orgSlug: "x", email: "a@example.test", password: "whatever-password") { token } }'),
      );
      expect(signIn.ms).toBeLessThan(3000);
      expect(errorCode(signIn.value)).toBe('SERVICE_UNAVAILABLE');
      expect(signIn.value.status).toBe(503);
      expect(signIn.value.headers.get('retry-after')).toBe('5');
      expect(JSON.stringify(signIn.value.errors)).not.toMatch(/ECONNREFUSED|mysql|mariadb|SELECT|127\.0\.0\.1/i);

      // The REST door fails closed too: 503, not 401 (a valid token is not "no session").
      const rest = await timed(() => member.http('GET', '/user/users/me'));
      expect(rest.value.status).toBe(503);
      expect(rest.ms).toBeLessThan(3000);
      expect(rest.value.text).not.toMatch(/ECONNREFUSED|mysql|mariadb|SELECT|sessions/i);

      const ready = await timed(() => app.http('GET', '/ready'));
      expect(ready.value.status).toBe(503);
      expect(ready.ms).toBeLessThan(2000);
      expect((await app.http('GET', '/health')).status).toBe(200);
      // The log names the cause under the request id the client got.
      const id = String(me.value.errors![0].extensions!.requestId);
      expect(app.logs.some((l) => l.includes(id) && /ECONNREFUSED|connect|closed|Connection/i.test(l))).toBe(true);

      await db.restart();
      await waitFor('/ready 200', async () => (await app.http('GET', '/ready')).status === 200);
      await waitFor('me to work again', async () => (await member.gql(ME)).data?.me.user.id === String(member.user.id));
    }, 60_000);

    it('database frozen longer than the query timeout: every request, also those queued for a connection, is a 503 within the timeout; then service resumes', async () => {
      await waitFor('me to work', async () => (await member.gql(ME)).data?.me.user.id === String(member.user.id));
      const before = (await app.http('GET', '/ready')).body.db;
      // More requests than the pool has connections (5), on both doors, reads and a mutation,
      // in three waves: the later ones arrive when the first have used up their deadline (on main
      // they queued behind the frozen connections and hung until the thaw).
      type Answer = { door: string; status: number; code?: string; ms: number };
      const wave = (): Array<Promise<Answer>> => [
        ...Array.from({ length: 12 }, async () => {
          const r = await timed(() => member.gql(ME));
          return { door: 'graphql me', status: r.value.status, code: errorCode(r.value), ms: r.ms };
        }),
        ...Array.from({ length: 4 }, async () => {
          const r = await timed(() =>
            app.gql('mutation { signIn(orgSlug: "x", email: "a@example.test", password: "whatever-password") { token } }'),
          );
          return { door: 'graphql signIn', status: r.value.status, code: errorCode(r.value), ms: r.ms };
        }),
        ...Array.from({ length: 8 }, async () => {
          const r = await timed(() => member.http('GET', '/user/users/me'));
          return { door: 'rest me', status: r.value.status, code: r.value.body?.error, ms: r.ms };
        }),
      ];
      const frozenFor = TIMEOUT_MS * 4;
      db.freeze(true);
      const frozenAt = Date.now();
      let answers: Answer[] = [];
      let ready: { value: { status: number }; ms: number };
      try {
        const waves: Array<Promise<Answer[]>> = [];
        for (const delay of [0, TIMEOUT_MS + 200, 2 * TIMEOUT_MS + 400]) {
          await new Promise((r) => setTimeout(r, Math.max(0, frozenAt + delay - Date.now())));
          waves.push(Promise.all(wave()));
        }
        ready = await timed(() => app.http('GET', '/ready'));
        answers = (await Promise.all(waves)).flat();
        // Every answer came while the database was still frozen (none waited for the thaw).
        expect(Date.now() - frozenAt).toBeLessThan(frozenFor);
      } finally {
        await new Promise((r) => setTimeout(r, Math.max(0, frozenAt + frozenFor - Date.now())));
        db.freeze(false);
      }
      expect(answers).toHaveLength(72);
      const wrong = answers.filter((a) => a.status !== 503 || a.code !== 'SERVICE_UNAVAILABLE' || a.ms > TIMEOUT_MS + MARGIN_MS);
      expect(wrong).toEqual([]);
      expect(ready!.value.status).toBe(503);
      expect(ready!.ms).toBeLessThan(2000 + MARGIN_MS);
      // The queued requests were ended by the acquire deadline (or refused by the full queue).
      const after = (await app.http('GET', '/ready')).body?.db;
      if (after) {
        expect(after.acquireTimeouts + after.queueRejections).toBeGreaterThan(before.acquireTimeouts + before.queueRejections);
      }
      const recovered = await waitFor('me to work again', async () => (await member.gql(ME)).data?.me.user.id === String(member.user.id));
      expect(recovered).toBeLessThan(5000);
      expect((await app.http('GET', '/ready')).status).toBe(200);
      // Writes work again too (the pool replaced the connections the timeouts destroyed).
      expect((await member.gql('mutation { signOut }')).data).toEqual({ signOut: true });
    }, 60_000);
  });
}
