import { existsSync } from 'node:fs';
import { openDataSource } from '../../ormconfig';
import { createConnection, type Connection } from 'mysql2/promise';
import { startThrowawayMariaDb, type ThrowawayMariaDb } from '../support/mariadb';
import { freePort } from '../support/ports';
import { asMember, createOrg, errorCode, startTestApp, testDbKind, type Principal, type TestApp } from '../support/harness';

const ME = '{ me { user { id } } }';

/** Polls cond until it holds; returns how long that took (ms). */
async function waitFor(what: string, cond: () => Promise<boolean>, ms = 15_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await cond().catch(() => false)) {
      return Date.now() - started;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

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
        r = await member.gql('mutation { signOut { signedOut } }');
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
      expect((await member.gql('mutation { signOut { signedOut } }')).data).toEqual({ signOut: { signedOut: true } });
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
        app.gql('mutation { signIn(input: { orgSlug: "x", email: "a@example.test", password: "whatever-password" }) { token } }'),
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
            app.gql('mutation { signIn(input: { orgSlug: "x", email: "a@example.test", password: "whatever-password" }) { token } }'),
          );
          return { door: 'graphql signIn', status: r.value.status, code: errorCode(r.value), ms: r.ms };
        }),
        ...Array.from({ length: 8 }, async () => {
          const r = await timed(() => member.http('GET', '/user/users/me'));
          return { door: 'rest me', status: r.value.status, code: r.value.body?.error, ms: r.ms };
        }),
      ];
      db.freeze(true);
      const frozenAt = Date.now();
      let answers: Answer[] | 'hung';
      let ready: { value: { status: number }; ms: number };
      try {
        const waves: Array<Promise<Answer[]>> = [];
        for (const delay of [0, TIMEOUT_MS + 200, 2 * TIMEOUT_MS + 400]) {
          await new Promise((r) => setTimeout(r, Math.max(0, frozenAt + delay - Date.now())));
          waves.push(Promise.all(wave()));
        }
        ready = await timed(() => app.http('GET', '/ready'));
        // The database stays frozen until every answer is in: a request that waited for the thaw
        // (as on main) never answers, and the guard ends the wait.
        const guard = new Promise<'hung'>((r) => setTimeout(() => r('hung'), 3 * (TIMEOUT_MS + MARGIN_MS) + 2000));
        answers = await Promise.race([Promise.all(waves).then((w) => w.flat()), guard]);
      } finally {
        db.freeze(false);
      }
      expect(answers).not.toBe('hung');
      answers = answers as Answer[];
      expect(Date.now() - frozenAt).toBeGreaterThan(2 * TIMEOUT_MS);
      expect(answers).toHaveLength(72);
      const wrong = answers.filter((a) => a.status !== 503 || a.code !== 'SERVICE_UNAVAILABLE' || a.ms > TIMEOUT_MS + MARGIN_MS);
      expect(wrong).toEqual([]);
      expect(ready!.value.status).toBe(503);
      expect(ready!.ms).toBeLessThan(2000 + MARGIN_MS);
      // The queued requests were ended by the acquire deadline (or refused by the full queue).
      const after = (await app.http('GET', '/ready')).body.db;
      expect(after.acquireTimeouts + after.queueRejections).toBeGreaterThan(before.acquireTimeouts + before.queueRejections);
      const recovered = await waitFor('me to work again', async () => (await member.gql(ME)).data?.me.user.id === String(member.user.id));
      expect(recovered).toBeLessThan(5000);
      expect((await app.http('GET', '/ready')).status).toBe(200);
      // Writes work again too (the pool replaced the connections the timeouts destroyed).
      expect((await member.gql('mutation { signOut { signedOut } }')).data).toEqual({ signOut: { signedOut: true } });
    }, 60_000);
  });
}

/** The Galera provider (Debian package galera-4, which mariadb-server brings; .ci/run installs it). */
const GALERA = '/usr/lib/galera/libgalera_smm.so';

if (testDbKind() === 'mysql') {
  /**
   * One node of a Galera cluster (a cluster of one, bootstrapped): what the database layer does on
   * a Galera node, on this one server — probe, causal reads, the node-state monitor, error 1047.
   * The three-node behaviour (certification conflicts, a node lost, a partition) is npm run test:galera.
   */
  describe('a Galera node (one-node cluster)', () => {
    const TIMEOUT_MS = 1500;
    const CHECK_MS = 200;
    let db: ThrowawayMariaDb;
    let root: Connection;
    let app: TestApp;
    let member: Principal;

    beforeAll(async () => {
      if (!existsSync(GALERA)) {
        throw new Error(`${GALERA} not found: apt-get install galera-4 (.ci/run does)`);
      }
      db = await startThrowawayMariaDb({
        bufferPoolMb: 32,
        extraArgs: [
          '--wsrep-on=ON',
          `--wsrep-provider=${GALERA}`,
          '--wsrep-cluster-address=gcomm://',
          `--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${await freePort()}`,
          '--wsrep-node-address=127.0.0.1',
          '--wsrep-cluster-name=gatehouse-faults',
          '--binlog-format=ROW',
          '--innodb-autoinc-lock-mode=2',
        ],
      });
      root = await createConnection(db.url);
      for (const name of ['gh_galera1', 'gh_galera1_off']) {
        await root.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      }
      app = await startTestApp({
        env: {
          DATABASE_URL: db.urlFor('gh_galera1'),
          DB_QUERY_TIMEOUT_MS: String(TIMEOUT_MS),
          DB_CLUSTER_CHECK_INTERVAL_MS: String(CHECK_MS),
        },
      });
      member = await asMember(app, await createOrg(app));
    }, 90_000);
    afterAll(async () => {
      await root?.end();
      await app?.stop().catch(() => undefined);
      await db?.stop();
    }, 30_000);

    const syncWaits = async (a: TestApp): Promise<string[]> => {
      // Several at once, so several pool connections answer.
      const rows = await Promise.all(
        Array.from({ length: 4 }, () => a.ds.query("SHOW SESSION VARIABLES LIKE 'wsrep_sync_wait'") as Promise<Array<{ Value: string }>>),
      );
      return rows.map((r) => r[0].Value);
    };

    async function expectRefused(): Promise<void> {
      const started = Date.now();
      const [gql, rest, signIn, ready] = await Promise.all([
        member.gql(ME),
        member.http('GET', '/user/users/me'),
        app.gql('mutation { signIn(input: { orgSlug: "x", email: "a@example.test", password: "whatever-password" }) { token } }'),
        app.http('GET', '/ready'),
      ]);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
      expect([gql.status, errorCode(gql)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      expect([rest.status, rest.body.error]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      expect([signIn.status, errorCode(signIn)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      expect(ready.status).toBe(503);
      expect(JSON.stringify([gql.body, rest.body, signIn.body])).not.toMatch(/WSREP|mysql|mariadb|SELECT/i);
    }

    const works = async (): Promise<boolean> =>
      (await member.gql(ME)).data?.me.user.id === String(member.user.id) && (await app.http('GET', '/ready')).status === 200;

    it('is detected at start-up: every pool connection reads causally, and /ready shows the node state', async () => {
      const ready = await app.http('GET', '/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.db.cluster).toMatchObject({
        galera: true,
        causalReads: true,
        ready: true,
        status: { wsrep_ready: 'ON', wsrep_cluster_status: 'Primary', wsrep_local_state_comment: 'Synced' },
      });
      expect(await syncWaits(app)).toEqual(['1', '1', '1', '1']);
    });

    it('DB_CAUSAL_READS=off leaves the reads as the server has them', async () => {
      const off = await startTestApp({ env: { DATABASE_URL: db.urlFor('gh_galera1_off'), DB_CAUSAL_READS: 'off' } });
      try {
        expect(await syncWaits(off)).toEqual(['0', '0', '0', '0']);
        expect((await off.http('GET', '/ready')).body.db.cluster).toMatchObject({ galera: true, causalReads: false });
      } finally {
        await off.stop();
      }
    });

    it('a node that is not synced refuses every request at once (503) and /ready says why; it serves again by itself when synced', async () => {
      await root.query('SET GLOBAL wsrep_desync = ON');
      try {
        const noticed = await waitFor('/ready 503', async () => (await app.http('GET', '/ready')).status === 503, 5000);
        expect(noticed).toBeLessThan(CHECK_MS + 1500);
        expect((await app.http('GET', '/ready')).body).toMatchObject({
          status: 'database node not ready',
          db: { cluster: { ready: false, reason: expect.stringMatching(/not synced/) } },
        });
        await expectRefused();
      } finally {
        await root.query('SET GLOBAL wsrep_desync = OFF');
      }
      expect(await waitFor('service again', works, 5000)).toBeLessThan(CHECK_MS + 1500);
    });

    it('a node that refuses queries (error 1047, as outside the primary component): 503 on both doors, never a wrong answer', async () => {
      await root.query("SET GLOBAL wsrep_reject_queries = 'ALL'");
      try {
        await expectRefused();
        expect(app.logs.some((l) => /WSREP has not yet prepared node/.test(l))).toBe(true);
      } finally {
        await root.query("SET GLOBAL wsrep_reject_queries = 'NONE'");
      }
      await waitFor('service again', works, 5000);
    });
  });
}
