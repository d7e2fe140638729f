import { DataSource, type DataSourceOptions } from 'typeorm';
import { Membership, User } from '../../src/entities';
import { freshDatabase, testDbKind } from '../support/harness';
import { openDataSource } from '../../ormconfig';
import { parseDatabaseUrl } from '../../src/config/config';
import { searchPrefixRows } from '../../src/services/members/member-keys';

describe(`migrations (${testDbKind()})`, () => {
  it('produce exactly the schema the entities describe', async () => {
    const db = await freshDatabase();
    const ds = await openDataSource(parseDatabaseUrl(db.url));
    try {
      const ran = await ds.runMigrations({ transaction: 'each' });
      expect(ran.length).toBeGreaterThan(0);
      const diff = await ds.driver.createSchemaBuilder().log();
      expect(diff.upQueries.map((q) => q.query)).toEqual([]);
      // And they can be undone to an empty database.
      for (let i = 0; i < ran.length; i++) {
        await ds.undoLastMigration({ transaction: 'each' });
      }
      const tables = await ds.createQueryRunner().getTables(['users', 'memberships', 'orgs']);
      expect(tables).toEqual([]);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});

describe(`migration AccountMembershipSplit moves each account's profile onto its memberships (${testDbKind()})`, () => {
  it('copies names, language, externalRef and last sign-in into every membership, keeps updatedAt, then drops them from users; undo restores them', async () => {
    const db = await freshDatabase();
    const all = await openDataSource(parseDatabaseUrl(db.url));
    const classes = all.options.migrations as Function[];
    const split = classes.findIndex((m) => /^AccountMembershipSplit/.test(m.name));
    expect(split).toBeGreaterThan(0);
    // The schema as it was before the split, with data in it.
    const before = new DataSource({ ...all.options, migrations: classes.slice(0, split) } as DataSourceOptions);
    await all.destroy();
    await before.initialize();
    try {
      await before.runMigrations({ transaction: 'each' });
      const q = (sql: string, params: unknown[] = []) => before.query(sql, params);
      // UTC DATETIME text, the form both engines store (a Date would not bind on better-sqlite3's raw query).
      const t = (s: string) => `2026-0${s.replace('T', ' ')}`;
      await q(
        "INSERT INTO orgs (id, name, slug, enabledCount, inactiveCount, seatCount) VALUES (1, 'A', 'a', 1, 1, 1), (2, 'B', 'b', 1, 0, 1)",
      );
      await q(
        `INSERT INTO users (id, externalRef, firstName, lastName, email, emailKey, language, passwordHash, lastLoginAt, createdAt, updatedAt, deletedAt)
         VALUES (1, 'HR-1', 'Ada', 'Lovelace', 'Ada@x.test', 'ada@x.test', 'en-GB', 'h', ?, ?, ?, NULL),
                (2, NULL, 'Bob', 'Stone', 'bob@x.test', 'bob@x.test', 'de-CH', NULL, NULL, ?, ?, NULL)`,
        [t('3-04T05:06:07'), t('1-01T00:00:00'), t('2-02T00:00:00'), t('1-01T00:00:00'), t('1-01T00:00:00')],
      );
      const member = (id: number, org: number, user: number, active: number, keys: [string, string, string]) =>
        q(
          `INSERT INTO memberships (id, orgId, userId, isActive, nameKey, fullNameKey, emailKey, lastLoginAt, createdAt, updatedAt)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [id, org, user, active, ...keys, user === 1 ? t('3-04T05:06:07') : null, t('1-05T00:00:00'), t('1-06T00:00:00')],
        );
      await member(1, 1, 1, 1, ['lovelace ada', 'ada lovelace', 'ada@x.test']);
      await member(2, 2, 1, 1, ['lovelace ada', 'ada lovelace', 'ada@x.test']);
      await member(3, 1, 2, 0, ['stone bob', 'bob stone', 'bob@x.test']);
    } finally {
      await before.destroy();
    }

    const ds = await openDataSource(parseDatabaseUrl(db.url));
    try {
      expect((await ds.runMigrations({ transaction: 'each' })).map((m) => m.name)[0]).toMatch(/^AccountMembershipSplit/);
      expect((await ds.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
      const rows = await ds.getRepository(Membership).find({ order: { id: 'ASC' } });
      expect(
        rows.map((m) => [m.id, m.firstName, m.lastName, m.language, m.externalRef, m.status, m.lastLoginAt?.toISOString() ?? null]),
      ).toEqual([
        [1, 'Ada', 'Lovelace', 'en-GB', 'HR-1', 'active', '2026-03-04T05:06:07.000Z'],
        [2, 'Ada', 'Lovelace', 'en-GB', 'HR-1', 'active', '2026-03-04T05:06:07.000Z'],
        [3, 'Bob', 'Stone', 'de-CH', null, 'active', null],
      ]);
      // SearchPrefixes filled the search index from the keys (member-keys.ts computes the same rows).
      const indexed = (await ds.query(
        'SELECT orgId, userId, COUNT(*) AS n FROM member_search_prefixes GROUP BY orgId, userId ORDER BY orgId, userId',
      )) as Array<Record<string, number | string>>;
      expect(indexed.map((r) => [Number(r.orgId), Number(r.userId), Number(r.n)])).toEqual(
        [...rows]
          .sort((a, b) => a.orgId - b.orgId || a.userId - b.userId)
          .map((m) => {
            const want = searchPrefixRows(m);
            return [m.orgId, m.userId, want.names.length + want.emailOnly.length];
          }),
      );
      // The move is not a change of the members: updatedAt (the sync feeds' "changed since") stays.
      expect(rows.every((m) => m.updatedAt.getTime() === Date.parse('2026-01-06T00:00:00.000Z'))).toBe(true);
      const accounts = await ds.getRepository(User).find({ order: { id: 'ASC' } });
      expect(accounts.map((u) => [u.id, u.email, u.emailKey, u.passwordHash])).toEqual([
        [1, 'Ada@x.test', 'ada@x.test', 'h'],
        [2, 'bob@x.test', 'bob@x.test', null],
      ]);
      const columns = (await ds.createQueryRunner().getTable('users'))!.columns.map((c) => c.name);
      expect(columns).not.toEqual(expect.arrayContaining(['firstName']));
      expect(columns.filter((c) => ['firstName', 'lastName', 'language', 'externalRef', 'lastLoginAt'].includes(c))).toEqual([]);

      // Undo (the later migrations first, then the split): each account takes the profile of its oldest membership again.
      for (let i = split; i < classes.length; i++) {
        await ds.undoLastMigration({ transaction: 'each' });
      }
      const back = await ds.query('SELECT id, firstName, lastName, language, externalRef, lastLoginAt FROM users ORDER BY id');
      expect(back.map((r: Record<string, unknown>) => [Number(r.id), r.firstName, r.lastName, r.language, r.externalRef])).toEqual([
        [1, 'Ada', 'Lovelace', 'en-GB', 'HR-1'],
        [2, 'Bob', 'Stone', 'de-CH', null],
      ]);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
