import { signIn, startTestApp, testDbKind, type TestApp } from '../support/harness';
import { SEED_PASSWORD, seedBulk, type SeedReport } from '../../src/cli/seed';
import { assertIndexesAsDeclared } from '../../src/cli/bulk-indexes';
import { memberKeys, searchPrefixRows } from '../../src/services/members/member-keys';
import { rebuildMemberCounters } from '../../src/services/memberships/member-counters';
import type { Org } from '../../src/entities';

const TABLES = ['memberships', 'users', 'user_group_members', 'mfa_factors', 'role_assignments'];

async function count(app: TestApp, sql: string): Promise<number> {
  const rows = (await app.ds.query(sql)) as Array<{ n: number | string }>;
  return Number(rows[0].n);
}

describe(`bulk seed (${testDbKind()})`, () => {
  let app: TestApp;
  let first: SeedReport;

  beforeAll(async () => {
    app = await startTestApp();
    first = await seedBulk(app.ds, { orgs: 6, users: 3000, bigOrgUsers: 1200, out: () => undefined });
  });
  afterAll(async () => {
    await app.stop();
  });

  it('loads the requested orgs, users and memberships with the big tenant first', async () => {
    expect(await count(app, 'SELECT COUNT(*) AS n FROM orgs')).toBe(6);
    expect(await count(app, 'SELECT COUNT(*) AS n FROM users')).toBe(3000);
    expect(await count(app, 'SELECT COUNT(*) AS n FROM memberships')).toBe(first.rows.memberships);
    expect(first.rows.memberships).toBeGreaterThanOrEqual(3000);
    expect(await count(app, `SELECT COUNT(*) AS n FROM memberships WHERE orgId = ${first.bigOrg.id}`)).toBe(1200);
    // Every org has exactly one admin@ address, and it is an active admin of that org.
    expect(
      await count(
        app,
        `SELECT COUNT(*) AS n FROM users u JOIN memberships m ON m.userId = u.id
          WHERE u.email LIKE 'admin@bench-%' AND m.isAdmin = 1 AND m.isActive = 1`,
      ),
    ).toBe(6);
    // A realistic mix of flags.
    expect(await count(app, 'SELECT COUNT(*) AS n FROM memberships WHERE isActive = 0')).toBeGreaterThan(50);
    expect(await count(app, 'SELECT COUNT(*) AS n FROM memberships WHERE mfaOptOut = 1')).toBeGreaterThan(10);
    expect(await count(app, 'SELECT COUNT(*) AS n FROM role_assignments')).toBe(first.rows.assignments);
    expect(await count(app, 'SELECT COUNT(*) AS n FROM user_group_members')).toBe(first.rows.groupMembers);
    expect(first.rows.groupMembers).toBeGreaterThan(500);
  });

  it('keeps the sort/search keys of each membership equal to its profile and its account’s email; every member has joined', async () => {
    const rows = (await app.ds.query(
      `SELECT m.firstName, m.lastName, u.email, u.emailKey AS userEmailKey, m.status,
              m.nameKey, m.fullNameKey, m.emailKey
         FROM memberships m JOIN users u ON u.id = m.userId`,
    )) as Array<Record<string, string | null>>;
    expect(rows.length).toBe(first.rows.memberships);
    const wrong = rows.filter((r) => {
      const keys = memberKeys({ firstName: r.firstName!, lastName: r.lastName!, email: r.email! });
      return (
        r.nameKey !== keys.nameKey ||
        r.fullNameKey !== keys.fullNameKey ||
        r.emailKey !== keys.emailKey ||
        r.userEmailKey !== keys.emailKey ||
        r.status !== 'active'
      );
    });
    expect(wrong).toEqual([]);
    expect(rows.some((r) => r.lastName === "O'Brien")).toBe(true);
    // The search index holds each membership's prefixes (member-keys.ts searchPrefixRows; the seed's names are ASCII).
    const counts = new Map(
      (
        (await app.ds.query('SELECT orgId, userId, COUNT(*) AS n FROM member_search_prefixes GROUP BY orgId, userId')) as Array<
          Record<string, number | string>
        >
      ).map((r) => [`${r.orgId}/${r.userId}`, Number(r.n)]),
    );
    const index = (await app.ds.query('SELECT orgId, userId, nameKey, fullNameKey, emailKey FROM memberships')) as Array<{
      orgId: number;
      userId: number;
      nameKey: string;
      fullNameKey: string;
      emailKey: string;
    }>;
    const missing = index.filter((r) => {
      const want = searchPrefixRows(r);
      return counts.get(`${r.orgId}/${r.userId}`) !== want.names.length + want.emailOnly.length;
    });
    expect(index.length).toBe(first.rows.memberships);
    expect(missing.slice(0, 3)).toEqual([]);
    // externalRef is each org's: unique within the org.
    expect(
      await count(
        app,
        'SELECT COUNT(*) AS n FROM (SELECT orgId, externalRef FROM memberships WHERE externalRef IS NOT NULL GROUP BY orgId, externalRef HAVING COUNT(*) > 1) d',
      ),
    ).toBe(0);
  });

  it('writes counters that a rebuild from the memberships does not change', async () => {
    const before = (await app.ds.query('SELECT id, enabledCount, inactiveCount, seatCount FROM orgs ORDER BY id')) as Array<
      Record<string, number | string>
    >;
    for (const o of before) {
      await rebuildMemberCounters(app.ds.manager, Number(o.id));
    }
    const after = (await app.ds.query('SELECT id, enabledCount, inactiveCount, seatCount FROM orgs ORDER BY id')) as Array<
      Record<string, number | string>
    >;
    expect(after.map((o) => Object.values(o).map(Number))).toEqual(before.map((o) => Object.values(o).map(Number)));
    const big = after.find((o) => Number(o.id) === first.bigOrg.id)!;
    expect(Number(big.enabledCount) + Number(big.inactiveCount)).toBe(1200);
  });

  it('ends with exactly the migrations’ indexes and no schema drift', async () => {
    await assertIndexesAsDeclared(app.ds, TABLES);
    const diff = await app.ds.driver.createSchemaBuilder().log();
    expect(diff.upQueries.map((q) => q.query)).toEqual([]);
    if (testDbKind() === 'sqlite') {
      // The load ran with synchronous=OFF and an in-memory journal; both are restored.
      expect(((await app.ds.query('PRAGMA journal_mode')) as Array<{ journal_mode: string }>)[0].journal_mode).toBe('wal');
    }
  });

  it('gives confirmed MFA factors no secret, so no code can ever verify against them', async () => {
    expect(first.rows.factors).toBeGreaterThan(300);
    expect(await count(app, 'SELECT COUNT(*) AS n FROM mfa_factors WHERE confirmedAt IS NOT NULL')).toBe(first.rows.factors);
    expect(await count(app, 'SELECT COUNT(*) AS n FROM mfa_factors WHERE secretCiphertext IS NOT NULL')).toBe(0);
  });

  it('a seeded member with a confirmed factor in an enforcing org cannot complete MFA with any code', async () => {
    await app.ds.query(`UPDATE orgs SET mfaRequired = 1 WHERE id = ${first.bigOrg.id + 1}`);
    const [m] = (await app.ds.query(
      `SELECT u.email, o.slug FROM mfa_factors f JOIN memberships m ON m.id = f.membershipId JOIN users u ON u.id = m.userId
        JOIN orgs o ON o.id = m.orgId WHERE o.mfaRequired = 1 AND m.isActive = 1 AND m.mfaOptOut = 0 ORDER BY m.id LIMIT 1`,
    )) as Array<{ email: string; slug: string }>;
    const s = await signIn(app, { slug: m.slug } as Org, m.email, SEED_PASSWORD);
    expect(s.status).toBe('MFA_REQUIRED');
    for (const code of ['000000', '123456']) {
      const r = await app.gql('mutation($c: String!) { verifyMfa(input: { code: $c }) { status token } }', { c: code }, s.token);
      expect(r.data?.verifyMfa).toBeFalsy();
      expect(r.errors?.length).toBeGreaterThan(0);
    }
  });

  it('lets the big tenant’s admin sign in with the seed password alone', async () => {
    const org = { slug: first.bigOrg.slug } as Org;
    const s = await signIn(app, org, first.bigOrg.adminEmail, SEED_PASSWORD);
    expect(s.status).toBe('SIGNED_IN');
  });

  it('appends a second seed after the existing ids, and refuses a database with undeclared indexes', async () => {
    const second = await seedBulk(app.ds, { orgs: 2, users: 100, out: () => undefined });
    expect(second.bigOrg.id).toBe(first.bigOrg.id + 6);
    expect(await count(app, 'SELECT COUNT(*) AS n FROM users')).toBe(3100);
    await assertIndexesAsDeclared(app.ds, TABLES);

    await app.ds.query('CREATE INDEX IDX_users_extra ON users (email)');
    await expect(seedBulk(app.ds, { orgs: 1, users: 10, out: () => undefined })).rejects.toThrow(/not declared/);
    await expect(assertIndexesAsDeclared(app.ds, TABLES)).rejects.toThrow(/unexpected users.IDX_users_extra/);
    await app.ds.query(testDbKind() === 'sqlite' ? 'DROP INDEX IDX_users_extra' : 'DROP INDEX IDX_users_extra ON users');
    expect(await count(app, 'SELECT COUNT(*) AS n FROM users')).toBe(3100);
    await assertIndexesAsDeclared(app.ds, TABLES);
  });
});
