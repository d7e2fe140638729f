import 'reflect-metadata';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDataSource } from '../../ormconfig';
import { parseDatabaseUrl } from '../config/config';

/**
 * Developer tool: `npm run migration:generate -- <Name> [mysql-url]` writes the SQL that takes a
 * database at the latest migration to the entities' schema, as a new migration for each dialect
 * (SQLite always; MySQL when a URL is given). Review the files before committing them.
 */
async function generate(dialect: 'sqlite' | 'mysql', url: string, name: string, stamp: number): Promise<void> {
  const ds = await openDataSource(parseDatabaseUrl(url));
  try {
    await ds.runMigrations({ transaction: 'each' });
    const sql = await ds.driver.createSchemaBuilder().log();
    if (sql.upQueries.length === 0) {
      process.stdout.write(`${dialect}: no changes\n`);
      return;
    }
    const q = (s: string): string => JSON.stringify(s);
    // The timestamp must END the class name: TypeORM orders migrations by the number in the last 13
    // characters (a suffix after it would shorten the number and reorder the migrations).
    const className = `${name}${dialect === 'mysql' ? 'Mysql' : 'Sqlite'}${stamp}`;
    const up = sql.upQueries.map((x) => `    await queryRunner.query(${q(x.query)});`).join('\n');
    const down = [...sql.downQueries]
      .reverse()
      .map((x) => `    await queryRunner.query(${q(x.query)});`)
      .join('\n');
    const dir = path.join(__dirname, '..', '..', '..', 'src', 'migrations', dialect);
    const file = path.join(dir, `${stamp}-${name}.ts`);
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\n` +
        `export class ${className} implements MigrationInterface {\n  name = '${className}';\n\n` +
        `  public async up(queryRunner: QueryRunner): Promise<void> {\n${up}\n  }\n\n` +
        `  public async down(queryRunner: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
    );
    writeIndex(dir, dialect);
    process.stdout.write(`${dialect}: wrote ${file}\n`);
  } finally {
    await ds.destroy();
  }
}

/** Rewrites <dialect>/index.ts to list every migration file's class, oldest first. */
function writeIndex(dir: string, dialect: 'sqlite' | 'mysql'): void {
  const files = readdirSync(dir)
    .filter((f) => /^\d+-.*\.ts$/.test(f))
    .sort();
  const entries = files.map((f) => {
    const cls = /export class (\w+)/.exec(readFileSync(path.join(dir, f), 'utf8'))![1];
    return { cls, mod: `./${f.replace(/\.ts$/, '')}` };
  });
  const constName = dialect === 'mysql' ? 'MYSQL_MIGRATIONS' : 'SQLITE_MIGRATIONS';
  writeFileSync(
    path.join(dir, 'index.ts'),
    entries.map((e) => `import { ${e.cls} } from '${e.mod}';\n`).join('') +
      `\n/** ${dialect === 'mysql' ? 'MySQL / MariaDB' : 'SQLite'} migrations, oldest first (written by npm run migration:generate). */\n` +
      `export const ${constName}: Function[] = [${entries.map((e) => e.cls).join(', ')}];\n`,
  );
}

async function main(): Promise<void> {
  const [name, mysqlUrl] = process.argv.slice(2);
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    throw new Error('usage: npm run migration:generate -- <PascalCaseName> [mysql://user:pass@host:port/db]');
  }
  const stamp = Date.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-migration-'));
  await generate('sqlite', `sqlite:${path.join(tmp, 'db.sqlite')}`, name, stamp);
  if (mysqlUrl) {
    await generate('mysql', mysqlUrl, name, stamp);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
