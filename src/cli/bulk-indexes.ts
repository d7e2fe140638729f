import type { DataSource } from 'typeorm';

/** A secondary index as the entities (and therefore the migrations) declare it. */
interface IndexDef {
  table: string;
  name: string;
  unique: boolean;
  columns: string[];
}

const key = (d: IndexDef): string => `${d.table}.${d.name} ${d.unique ? 'UNIQUE ' : ''}(${d.columns.join(', ')})`;

/**
 * The secondary indexes the entities declare for a table. The migrations test proves the
 * migrations create exactly these, so a bulk load that drops indexes rebuilds them from here.
 */
function declaredIndexes(ds: DataSource, table: string): IndexDef[] {
  const meta = ds.entityMetadatas.find((m) => m.tableName === table);
  if (!meta) {
    throw new Error(`no entity for table ${table}`);
  }
  return meta.indices
    .map((i) => ({ table, name: i.name, unique: i.isUnique, columns: i.columns.map((c) => c.databaseName) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The secondary indexes the database has on a table (primary keys and SQLite auto-indexes excluded). */
async function actualIndexes(ds: DataSource, table: string): Promise<IndexDef[]> {
  if (ds.options.type === 'better-sqlite3') {
    const list = (await ds.query(`PRAGMA index_list("${table}")`)) as Array<{ name: string; unique: number; origin: string }>;
    const out: IndexDef[] = [];
    for (const ix of list.filter((i) => i.origin === 'c')) {
      const cols = (await ds.query(`PRAGMA index_info("${ix.name}")`)) as Array<{ seqno: number; name: string }>;
      out.push({ table, name: ix.name, unique: ix.unique === 1, columns: cols.sort((a, b) => a.seqno - b.seqno).map((c) => c.name) });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }
  const rows = (await ds.query(
    `SELECT INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS col FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [table],
  )) as Array<{ name: string; nonUnique: number | string; col: string }>;
  const byName = new Map<string, IndexDef>();
  for (const r of rows) {
    const d = byName.get(r.name) ?? { table, name: r.name, unique: Number(r.nonUnique) === 0, columns: [] };
    d.columns.push(r.col);
    byName.set(r.name, d);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Throws unless the database has exactly the declared secondary indexes on these tables
 * (same names, columns in the same order, same uniqueness): a bulk load must not leave drift.
 */
export async function assertIndexesAsDeclared(ds: DataSource, tables: string[]): Promise<void> {
  const problems: string[] = [];
  for (const table of tables) {
    const want = new Set(declaredIndexes(ds, table).map(key));
    const have = new Set((await actualIndexes(ds, table)).map(key));
    for (const k of want) {
      if (!have.has(k)) {
        problems.push(`missing ${k}`);
      }
    }
    for (const k of have) {
      if (!want.has(k)) {
        problems.push(`unexpected ${k}`);
      }
    }
  }
  if (problems.length) {
    throw new Error(`indexes differ from the entities/migrations: ${problems.join('; ')}`);
  }
}

/**
 * Drops the declared secondary indexes of these tables that exist (before a bulk load) and
 * refuses to start if the database has indexes the entities do not declare.
 */
export async function dropDeclaredIndexes(ds: DataSource, tables: string[]): Promise<void> {
  const existing = new Map<string, IndexDef[]>();
  for (const table of tables) {
    const declared = new Set(declaredIndexes(ds, table).map(key));
    const have = await actualIndexes(ds, table);
    const foreign = have.filter((d) => !declared.has(key(d)));
    if (foreign.length) {
      throw new Error(`refusing to bulk-load: ${foreign.map(key).join(', ')} not declared by the entities`);
    }
    existing.set(table, have);
  }
  for (const [table, have] of existing) {
    if (!have.length) {
      continue;
    }
    if (ds.options.type === 'better-sqlite3') {
      for (const d of have) {
        await ds.query(`DROP INDEX "${d.name}"`);
      }
    } else {
      await ds.query(`ALTER TABLE \`${table}\` ${have.map((d) => `DROP INDEX \`${d.name}\``).join(', ')}`);
    }
  }
}

/**
 * Creates the declared indexes that are missing, each table in one statement (InnoDB sorts and
 * builds them in one pass over the rows). Tables are rebuilt in parallel on MySQL.
 */
export async function rebuildDeclaredIndexes(
  ds: DataSource,
  tables: string[],
  runners: Array<(sql: string) => Promise<unknown>>,
): Promise<void> {
  const work: Array<(run: (sql: string) => Promise<unknown>) => Promise<void>> = [];
  for (const table of tables) {
    const existing = new Set((await actualIndexes(ds, table)).map(key));
    const missing = declaredIndexes(ds, table).filter((d) => !existing.has(key(d)));
    if (!missing.length) {
      continue;
    }
    if (ds.options.type === 'better-sqlite3') {
      for (const d of missing) {
        work.push(async (run) => {
          await run(`CREATE ${d.unique ? 'UNIQUE ' : ''}INDEX "${d.name}" ON "${table}" (${d.columns.map((c) => `"${c}"`).join(', ')})`);
        });
      }
    } else {
      const adds = missing.map(
        (d) => `ADD ${d.unique ? 'UNIQUE ' : ''}INDEX \`${d.name}\` (${d.columns.map((c) => `\`${c}\``).join(', ')})`,
      );
      work.push(async (run) => {
        await run(`ALTER TABLE \`${table}\` ${adds.join(', ')}`);
      });
    }
  }
  // Callers list the biggest tables first, so the parallel builds end at about the same time.
  let next = 0;
  await Promise.all(
    runners.slice(0, Math.max(1, Math.min(runners.length, work.length))).map(async (runner) => {
      while (next < work.length) {
        await work[next++](runner);
      }
    }),
  );
}
