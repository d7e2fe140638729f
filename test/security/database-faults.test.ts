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

    it('a write lock held by another process: writes fail after the busy timeout with a generic error, then work again', async () => {
      // A second connection to the same file, as the CLI would have.
      const other = await openDataSource(app.config.database);
      await other.query('BEGIN EXCLUSIVE');
      let r;
      const started = Date.now();
      try {
        r = await member.gql('mutation { signOut { signedOut } }');
      } finally {
        await other.query('ROLLBACK');
        await other.destroy();
      }
      expect(Date.now() - started).toBeLessThan(8000);
      expect(errorCode(r)).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(r.errors)).not.toMatch(/SQLITE_BUSY|locked|sqlite/i);
      // Nothing was written: the session still works, and signing out now succeeds.
      expect((await member.gql(ME)).data?.me.user.id).toBe(String(member.user.id));
      expect((await member.gql('mutation { signOut { signedOut } }')).data).toEqual({ signOut: { signedOut: true } });
    }, 30_000);
  });
}

if (testDbKind() === 'mysql') {
  describe('database faults (mysql)', () => {
    let db: ThrowawayMariaDb;
    let app: TestApp;
    let member: Principal;

    beforeAll(async () => {
      db = await startThrowawayMariaDb({ bufferPoolMb: 32 });
      const c = await createConnection(db.url);
      await c.query('CREATE DATABASE gh_faults CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
      await c.end();
      app = await startTestApp({ env: { DATABASE_URL: db.urlFor('gh_faults'), DB_QUERY_TIMEOUT_MS: '1500' } });
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

    it('database stopped: requests fail fast and closed, /ready is 503; it recovers by itself when the database is back', async () => {
      expect((await member.gql(ME)).data?.me.user.id).toBe(String(member.user.id));
      // Requests in flight while the database goes away.
      const inFlight = Array.from({ length: 6 }, () => member.gql(ME));
      await db.shutdown();
      const during = await Promise.all(inFlight);
      for (const r of during) {
        expect(r.data?.me?.user.id === String(member.user.id) || errorCode(r) === 'INTERNAL_SERVER_ERROR').toBe(true);
      }

      // A valid token is neither accepted nor treated as "no session": the request fails closed.
      const me = await timed(() => member.gql(ME));
      expect(me.ms).toBeLessThan(3000);
      expect(errorCode(me.value)).toBe('INTERNAL_SERVER_ERROR');
      expect(me.value.data ?? null).toBeNull();
      const body = JSON.stringify(me.value.errors);
      expect(body).not.toMatch(/ECONNREFUSED|mysql|mariadb|SELECT|sessions|127\.0\.0\.1|stack/i);
      expect(me.value.errors![0].extensions!.requestId).toBe(me.value.headers.get('x-request-id'));
      // The public sign-in fails closed too (no session issued without the database).
      const signIn = await timed(() =>
        app.gql('mutation { signIn(input: { orgSlug: "x", email: "a@example.test", password: "whatever-password" }) { token } }'),
      );
      expect(signIn.ms).toBeLessThan(3000);
      expect(errorCode(signIn.value)).toBe('INTERNAL_SERVER_ERROR');

      // The REST door fails closed too: 503, not 401 (a valid token is not "no session").
      const rest = await timed(() => member.http('GET', '/user/users/me'));
      expect(rest.value.status).toBe(503);
      expect(rest.ms).toBeLessThan(3000);
      expect(rest.value.text).not.toMatch(/ECONNREFUSED|mysql|mariadb|SELECT|sessions/i);

      const ready = await timed(() => app.http('GET', '/ready'));
      expect(ready.value.status).toBe(503);
      expect(ready.ms).toBeLessThan(3000);
      expect((await app.http('GET', '/health')).status).toBe(200);
      // The log names the cause under the request id the client got.
      const id = String(me.value.errors![0].extensions!.requestId);
      expect(app.logs.some((l) => l.includes(id) && /ECONNREFUSED|connect|closed|Connection/i.test(l))).toBe(true);

      await db.restart();
      await waitFor('/ready 200', async () => (await app.http('GET', '/ready')).status === 200);
      await waitFor('me to work again', async () => (await member.gql(ME)).data?.me.user.id === String(member.user.id));
    }, 60_000);

    it('database frozen (accepts, never answers): requests end within the query timeout, then service resumes', async () => {
      await waitFor('me to work', async () => (await member.gql(ME)).data?.me.user.id === String(member.user.id));
      db.freeze(true);
      try {
        const results = await Promise.all(Array.from({ length: 3 }, () => timed(() => member.gql(ME))));
        for (const r of results) {
          expect(errorCode(r.value)).toBe('INTERNAL_SERVER_ERROR');
          expect(r.ms).toBeLessThan(5000);
        }
        const ready = await timed(() => app.http('GET', '/ready'));
        expect(ready.value.status).toBe(503);
        expect(ready.ms).toBeLessThan(3000);
      } finally {
        db.freeze(false);
      }
      await waitFor('me to work again', async () => (await member.gql(ME)).data?.me.user.id === String(member.user.id));
    }, 60_000);
  });
}
