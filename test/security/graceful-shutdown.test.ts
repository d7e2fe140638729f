import { createConnection, type Connection } from 'mysql2/promise';
import { freshDatabase, testDbKind, TEST_PASSWORD, type FreshDatabase } from '../support/harness';
import { arrange, spawnServer, type Arranger, type SpawnedServer } from '../support/processes';
import type { Org } from '../../src/entities';

const SIGN_IN =
  'mutation($o: String!, $e: String!, $p: String!) { signIn(input: { orgSlug: $o, email: $e, password: $p }) { status token } }';

/**
 * SIGTERM with a mutation in flight. The mutation is made slow deterministically: the test holds
 * a row lock (SELECT … FOR UPDATE on the user's row) so the sign-in transaction blocks inside the
 * database until the test lets go. Needs a lock-holding second client: MariaDB project only
 * (SQLite's single-writer lock would block the whole process, not one request).
 */
if (testDbKind() === 'sqlite') {
  // SQLite: no second client can hold one row (its lock is the whole file, and better-sqlite3
  // waits for it synchronously), so the in-flight case is tested on MariaDB. What matters for
  // the embedded file is that a drained process leaves it whole.
  describe('graceful shutdown (sqlite)', () => {
    it('SIGTERM on an idle server: exit 0 at once, the database file intact and readable', async () => {
      const db = await freshDatabase();
      const arr = await arrange(db.url);
      try {
        await arr.services.provisioning.createOrg(arr.ctx, { slug: `idle-${Date.now()}`, name: 'Idle' });
        const server = await spawnServer({ DATABASE_URL: db.url, SHUTDOWN_GRACE_MS: '5000' });
        expect((await fetch(`${server.url}/ready`)).status).toBe(200);
        const termAt = Date.now();
        server.proc.kill('SIGTERM');
        expect(await server.exited).toBe(0);
        expect(Date.now() - termAt).toBeLessThan(2000);
        expect(await arr.ds.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
        expect(Number((await arr.ds.query('SELECT COUNT(*) AS n FROM orgs'))[0].n)).toBe(1);
      } finally {
        await arr.close();
        await db.drop();
      }
    }, 60_000);
  });
}

if (testDbKind() === 'mysql') {
  describe('graceful shutdown (mysql)', () => {
    let db: FreshDatabase;
    let arr: Arranger;
    let org: Org;

    beforeAll(async () => {
      db = await freshDatabase();
      arr = await arrange(db.url);
      org = await arr.services.provisioning.createOrg(arr.ctx, { slug: `drain-${Date.now()}`, name: 'Drain' });
    }, 60_000);
    afterAll(async () => {
      await arr?.close();
      await db?.drop();
    }, 30_000);

    async function member(): Promise<{ email: string; userId: number; membershipId: number }> {
      const email = `d-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`;
      const { user, membership } = await arr.services.provisioning.addMember(arr.ctx, org.id, {
        firstName: 'D',
        lastName: 'R',
        email,
        password: TEST_PASSWORD,
      });
      return { email, userId: user.id, membershipId: membership.id };
    }

    /** Sign-in writes the membership's last sign-in (to this org): a lock on that row blocks it. */
    async function lockMembershipRow(membershipId: number): Promise<Connection> {
      const conn = await createConnection(db.url);
      await conn.query('START TRANSACTION');
      await conn.query('SELECT id FROM memberships WHERE id = ? FOR UPDATE', [membershipId]);
      return conn;
    }

    async function waitForLockWait(): Promise<void> {
      for (let i = 0; i < 40; i++) {
        // InnoDB refreshes this view's cache only when it was last read more than 100 ms ago:
        // polling faster than that would read the same stale snapshot forever.
        const rows: Array<{ trx_state: string }> = await arr.ds.query('SELECT trx_state FROM information_schema.INNODB_TRX');
        if (rows.some((r) => r.trx_state === 'LOCK WAIT')) {
          return;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error('the mutation never blocked on the row lock');
    }

    const count = async (sql: string, params: unknown[]): Promise<number> => Number((await arr.ds.query(sql, params))[0].n);

    it('the in-flight mutation completes, new requests get 503, /ready is 503, the process exits 0 within the grace period', async () => {
      const m = await member();
      const server: SpawnedServer = await spawnServer({ DATABASE_URL: db.url, SHUTDOWN_GRACE_MS: '8000' });
      const lock = await lockMembershipRow(m.membershipId);
      try {
        const inFlight = server.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD });
        await waitForLockWait();
        const termAt = Date.now();
        server.proc.kill('SIGTERM');
        await new Promise((r) => setTimeout(r, 300));

        const ready = await fetch(`${server.url}/ready`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({ status: 'draining' });
        const refused = await server.gql('{ me { user { id } } }');
        expect(refused.status).toBe(503);
        expect(refused.body.error).toBe('SERVICE_UNAVAILABLE');

        await lock.query('ROLLBACK');
        const done = await inFlight;
        expect(done.status).toBe(200);
        expect(done.body.data.signIn.status).toBe('SIGNED_IN');
        expect(await server.exited).toBe(0);
        expect(Date.now() - termAt).toBeLessThan(8000);
        // Completed whole: the session and its audit row are both there.
        expect(await count('SELECT COUNT(*) AS n FROM sessions WHERE userId = ?', [m.userId])).toBe(1);
        expect(
          await count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'auth.sign_in' AND targetUserId = ? AND outcome = 'success'", [
            m.userId,
          ]),
        ).toBe(1);
      } finally {
        await lock.end();
        await server.kill();
      }
    }, 60_000);

    it('a mutation still blocked when the grace period ends is cut and rolls back whole; the process still exits in time', async () => {
      const m = await member();
      const server = await spawnServer({ DATABASE_URL: db.url, SHUTDOWN_GRACE_MS: '1500' });
      const lock = await lockMembershipRow(m.membershipId);
      try {
        const inFlight = server.gql(SIGN_IN, { o: org.slug, e: m.email, p: TEST_PASSWORD }).then(
          (r) => r,
          (e: Error) => e,
        );
        await waitForLockWait();
        const termAt = Date.now();
        server.proc.kill('SIGTERM');
        const exitCode = await server.exited;
        const tookMs = Date.now() - termAt;
        expect(tookMs).toBeLessThan(1500 + 1500);
        expect(exitCode === 0 || exitCode === 1).toBe(true);
        // The client sees its connection cut (undici's TypeError comes from another realm than jest's Error).
        expect(String(await inFlight)).toMatch(/fetch failed/);
        expect(server.output.join('\n')).toMatch(/grace period over/);
      } finally {
        await lock.query('ROLLBACK');
        await lock.end();
      }
      // The blocked transaction belonged to a connection that is gone: nothing of it commits.
      await new Promise((r) => setTimeout(r, 500));
      expect(await count('SELECT COUNT(*) AS n FROM sessions WHERE userId = ?', [m.userId])).toBe(0);
      expect(await count("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'auth.sign_in' AND targetUserId = ?", [m.userId])).toBe(0);
      const rows: Array<{ lastLoginAt: unknown }> = await arr.ds.query('SELECT lastLoginAt FROM memberships WHERE id = ?', [
        m.membershipId,
      ]);
      expect(rows[0].lastLoginAt).toBeNull();
    }, 60_000);
  });
}
