import { rawExecute, rawQuery } from '../../src/db/raw';
import { withTransaction } from '../../src/db/transaction';
import { asAdmin, asMember, createOrg, errorCode, startTestApp, testDbKind, type TestApp } from '../support/harness';
import { membershipRow, updateMembership } from '../support/membership';

/** What MySQL/MariaDB throws for a deadlock, and Galera for a certification failure at COMMIT. */
const deadlock = (): Error =>
  Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { errno: 1213, code: 'ER_LOCK_DEADLOCK' });

/**
 * src/db/transaction.ts: a transaction aborted by a deadlock (on Galera also a certification
 * failure) is run again from its start, a bounded number of times (DB_TX_RETRIES), logged and
 * counted; with DB_TX_RETRIES=0 the failure reaches the caller. Nothing of an aborted attempt stays.
 */
describe(`transaction retries (${testDbKind()})`, () => {
  let app: TestApp;
  let noRetries: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { DB_TX_RETRIES: '3', LOG_LEVEL: 'warn' } });
    noRetries = await startTestApp({ env: { DB_TX_RETRIES: '0', LOG_LEVEL: 'warn' } });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await noRetries?.stop();
  });

  const ready = async (a: TestApp): Promise<{ txRetries: number; txRetriesExhausted: number }> => (await a.http('GET', '/ready')).body.db;

  /** Renames the org inside a transaction; the first `failures` attempts end in a deadlock after their write. */
  async function renameWithDeadlocks(a: TestApp, orgId: number, failures: number): Promise<{ calls: number; result: unknown }> {
    let calls = 0;
    const result = await withTransaction(a.systemCtx(), async (tx) => {
      calls++;
      const [{ name }] = await rawQuery<{ name: string }>(tx.manager, 'SELECT name FROM orgs WHERE id = :id', { id: orgId });
      await rawExecute(tx.manager, 'UPDATE orgs SET name = :name WHERE id = :id', { name: `${name}+`, id: orgId });
      if (calls <= failures) {
        throw deadlock();
      }
      return calls;
    }).catch((e: unknown) => e);
    return { calls, result };
  }

  const orgName = async (a: TestApp, id: number): Promise<string> =>
    (await rawQuery<{ name: string }>(a.ds.manager, 'SELECT name FROM orgs WHERE id = :id', { id }))[0].name;

  it('a deadlocked transaction is run again from the start: each attempt re-reads, only the last commits, the retries are counted and logged', async () => {
    const org = await createOrg(app);
    const name = await orgName(app, org.id);
    const before = await ready(app);
    const { calls, result } = await renameWithDeadlocks(app, org.id, 2);
    expect(result).toBe(3);
    expect(calls).toBe(3);
    // One "+" only: the aborted attempts' writes were rolled back and the last attempt read the original row.
    expect(await orgName(app, org.id)).toBe(`${name}+`);
    const after = await ready(app);
    expect(after.txRetries - before.txRetries).toBe(2);
    expect(after.txRetriesExhausted).toBe(before.txRetriesExhausted);
    const warnings = app.logs.filter((l) => l.includes('running it again from the start'));
    expect(warnings.map((l) => JSON.parse(l).attempt).slice(-2)).toEqual([1, 2]);
  });

  it('bounded: after DB_TX_RETRIES retries the deadlock reaches the caller, and nothing was written', async () => {
    const org = await createOrg(app);
    const name = await orgName(app, org.id);
    const before = await ready(app);
    const { calls, result } = await renameWithDeadlocks(app, org.id, 100);
    expect(calls).toBe(4);
    expect((result as { errno?: number }).errno).toBe(1213);
    expect(await orgName(app, org.id)).toBe(name);
    const after = await ready(app);
    expect(after.txRetries - before.txRetries).toBe(3);
    expect(after.txRetriesExhausted - before.txRetriesExhausted).toBe(1);
  });

  it('DB_TX_RETRIES=0: the first deadlock surfaces', async () => {
    const org = await createOrg(noRetries);
    const name = await orgName(noRetries, org.id);
    const { calls, result } = await renameWithDeadlocks(noRetries, org.id, 1);
    expect(calls).toBe(1);
    expect((result as { errno?: number }).errno).toBe(1213);
    expect(await orgName(noRetries, org.id)).toBe(name);
    expect((await ready(noRetries)).txRetries).toBe(0);
  });

  it('a joined transaction is not retried inside: only the outermost one starts again', async () => {
    const org = await createOrg(app);
    let inner = 0;
    let outer = 0;
    await withTransaction(app.systemCtx(), async (tx) => {
      outer++;
      await withTransaction(tx, async () => {
        inner++;
        if (inner === 1) {
          throw deadlock();
        }
      });
    });
    expect([outer, inner]).toEqual([2, 2]);
    expect(org.id).toBeGreaterThan(0);
  });

  if (testDbKind() === 'mysql') {
    /**
     * The server itself answers 1213 (a trigger SIGNALs it on the audit insert, the last statement of
     * the mutation, as a Galera certification failure comes at the very end). The trigger's counter
     * is a MyISAM table so the rollback does not undo it: the first `n` inserts fail.
     */
    async function failAuditInserts(a: TestApp, n: number): Promise<() => Promise<void>> {
      await a.ds.query('CREATE TABLE retry_fail (n INT NOT NULL PRIMARY KEY) ENGINE=MyISAM');
      await a.ds.query('INSERT INTO retry_fail VALUES (?)', [n]);
      await a.ds.query(`CREATE TRIGGER retry_fail_audit BEFORE INSERT ON audit_events FOR EACH ROW
        BEGIN
          IF (SELECT n FROM retry_fail) > 0 THEN
            UPDATE retry_fail SET n = n - 1;
            SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'Deadlock found when trying to get lock; try restarting transaction';
          END IF;
        END`);
      return async () => {
        await a.ds.query('DROP TRIGGER retry_fail_audit');
        await a.ds.query('DROP TABLE retry_fail');
      };
    }

    it('over HTTP: a mutation whose commit the server aborts twice succeeds whole, with one change and one audit row', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const m = await asMember(app, org);
      const before = await ready(app);
      const audits = async (): Promise<number> =>
        Number((await app.ds.query('SELECT COUNT(*) AS n FROM audit_events WHERE orgId = ?', [org.id]))[0].n);
      const auditsBefore = await audits();
      const wanted = !(await membershipRow(app, m.membership.id)).portalAccess;
      const restore = await failAuditInserts(app, 2);
      let r;
      try {
        r = await updateMembership(admin, m.user.id, { portalAccess: wanted });
      } finally {
        await restore();
      }
      expect(r.errors).toBeUndefined();
      expect(r.data!.updateMembership.membership.portalAccess).toBe(wanted);
      expect((await membershipRow(app, m.membership.id)).portalAccess).toBe(wanted);
      expect((await audits()) - auditsBefore).toBe(1);
      expect((await ready(app)).txRetries - before.txRetries).toBe(2);
    });

    it('over HTTP with DB_TX_RETRIES=0: the aborted mutation fails and changes nothing', async () => {
      const org = await createOrg(noRetries);
      const admin = await asAdmin(noRetries, org);
      const m = await asMember(noRetries, org);
      const row = await membershipRow(noRetries, m.membership.id);
      const restore = await failAuditInserts(noRetries, 1);
      let r;
      try {
        r = await updateMembership(admin, m.user.id, { portalAccess: !row.portalAccess });
      } finally {
        await restore();
      }
      expect(errorCode(r)).toBe('INTERNAL_SERVER_ERROR');
      expect(await membershipRow(noRetries, m.membership.id)).toEqual(row);
    });
  }
});
