import { freshDatabase, testDbKind } from '../support/harness';
import { openDataSource } from '../../ormconfig';
import { parseDatabaseUrl } from '../../src/config/config';

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
