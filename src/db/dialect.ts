import type { EntityManager } from 'typeorm';

/** The two SQL dialects Gatehouse speaks: embedded SQLite and MySQL/MariaDB. */
export type Dialect = 'sqlite' | 'mysql';

export function dialectOf(ctx: { manager: EntityManager }): Dialect {
  return ctx.manager.connection.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

/** `table alias` naming the index to use, in each engine's syntax (FORCE INDEX / INDEXED BY). */
export function tableWithIndex(dialect: Dialect, table: string, alias: string, index: string): string {
  return dialect === 'mysql' ? `${table} ${alias} FORCE INDEX (${index})` : `${table} ${alias} INDEXED BY ${index}`;
}
