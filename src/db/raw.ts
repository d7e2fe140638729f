import type { EntityManager } from 'typeorm';
import { Instant, instantToDb } from './instant';

/** Instant parameters keep their microseconds (src/db/instant.ts); other values go as they are. */
function withExactTimes(params: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(params)) {
    if (v instanceof Instant) {
      out ??= { ...params };
      out[k] = instantToDb(v);
    }
  }
  return out ?? params;
}

/**
 * Runs hand-written SQL with :named parameters on either engine. TypeORM's driver rewrites the
 * placeholders (? for both) and converts Date parameters to the engine's UTC DATETIME form, so
 * one SQL text serves SQLite and MySQL. Column names are camelCase and unquoted: both engines
 * treat unquoted identifiers case-insensitively.
 */
export async function rawQuery<T = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const [text, values] = manager.connection.driver.escapeQueryWithParameters(sql, withExactTimes(params));
  return (await manager.query(text, values)) as T[];
}

/** Rows changed by an UPDATE/DELETE run through rawQuery/manager.query, on either driver. */
export async function rawExecute(manager: EntityManager, sql: string, params: Record<string, unknown> = {}): Promise<number> {
  const [text, values] = manager.connection.driver.escapeQueryWithParameters(sql, withExactTimes(params));
  const qr = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await qr.query(text, values, true);
    return result.affected ?? 0;
  } finally {
    if (!manager.queryRunner) {
      await qr.release();
    }
  }
}

/**
 * DATETIME values from raw reads: Date on MySQL, 'YYYY-MM-DD HH:MM:SS[.SSS]' UTC text on SQLite,
 * as a plain Date. Exact columns (ExactTimeColumn) are read with instantFromDb instead.
 */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (value instanceof Instant) {
    return new Date(value.getTime());
  }
  if (value instanceof Date) {
    return value;
  }
  const s = String(value);
  return new Date(s.includes('T') ? s : s.replace(' ', 'T') + 'Z');
}

/** Booleans from raw reads: 0/1 on both engines. */
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}
