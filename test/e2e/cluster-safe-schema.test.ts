import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { rawQuery } from '../../src/db/raw';
import { testDbKind, useTestApp } from '../support/harness';

/**
 * What a Galera cluster needs of the schema and the SQL (docs/operations.md, "Consistency on a
 * cluster"): every table has a primary key (rows without one replicate unreliably and are not
 * certified), every table is InnoDB (MyISAM is not replicated), and no code relies on what Galera
 * does not replicate (LOCK TABLES, GET_LOCK).
 */
describe(`cluster-safe schema (${testDbKind()})`, () => {
  const app = useTestApp();

  it('every table has a primary key', async () => {
    const withoutKey =
      testDbKind() === 'mysql'
        ? await rawQuery<{ t: string }>(
            app.ds.manager,
            `SELECT t.TABLE_NAME AS t FROM information_schema.TABLES t
              WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
                AND NOT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS c
                                 WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME AND c.CONSTRAINT_TYPE = 'PRIMARY KEY')`,
          )
        : await rawQuery<{ t: string }>(
            app.ds.manager,
            `SELECT m.name AS t FROM sqlite_master m
              WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
                AND NOT EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.pk > 0)`,
          );
    const tables = await rawQuery<{ n: unknown }>(
      app.ds.manager,
      testDbKind() === 'mysql'
        ? "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"
        : "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    );
    expect(Number(tables[0].n)).toBeGreaterThan(10);
    expect(withoutKey.map((r) => r.t)).toEqual([]);
  });

  if (testDbKind() === 'mysql') {
    it('every table is InnoDB', async () => {
      const other = await rawQuery<{ t: string; e: string }>(
        app.ds.manager,
        "SELECT TABLE_NAME AS t, ENGINE AS e FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND ENGINE <> 'InnoDB'",
      );
      expect(other).toEqual([]);
    });
  }

  it('no source relies on LOCK TABLES, GET_LOCK or a non-InnoDB engine', () => {
    const root = path.join(__dirname, '../../src');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) {
          walk(p);
        } else if (p.endsWith('.ts')) {
          files.push(p);
        }
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(50);
    const offending = files.filter((f) => /\bLOCK\s+TABLES?\b|\bGET_LOCK\s*\(|ENGINE\s*=\s*(?!InnoDB)\w+/i.test(readFileSync(f, 'utf8')));
    expect(offending.map((f) => path.relative(root, f))).toEqual([]);
  });
});
