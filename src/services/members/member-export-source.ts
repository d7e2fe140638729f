import type { Readable } from 'node:stream';
import type { EntityManager, QueryRunner } from 'typeorm';
import type { MembershipStatus } from '../../entities';
import { rawQuery, toBool, toDate } from '../../db/raw';
import { instantFromDb } from '../../db/instant';
import type { Dialect } from '../../db/dialect';
import { memberPageSql, seekOf, type MemberQuery, type Seek } from './member-query';

/**
 * The rows of the member export, read for speed (issue 14; docs/benchmark.md "CSV export"): one
 * statement per export on MySQL/MariaDB (streamed, with the socket's backpressure), keyset batches
 * on SQLite (synchronous: an open iterator would hold the only connection between batches); the
 * org's roles, groups and MFA status read once up front, not per batch; only the columns the CSV
 * shows, as plain records (no entity, no member view).
 */

/** One exported member as the org sees them (the member view's rules: email of the account once joined). */
export interface ExportRow {
  userId: number;
  firstName: string;
  lastName: string;
  email: string;
  status: MembershipStatus;
  isActive: boolean;
  isAdmin: boolean;
  allAccess: boolean;
  mfaOptOut: boolean;
  /** ISO 8601 UTC: six fraction digits (an exact time). */
  mfaOptOutUntil: string | null;
  /** ISO 8601 UTC to the millisecond. */
  lastLoginAt: string | null;
  /** Role and group names by name; the same array object for members with the same names. */
  roles: readonly string[];
  groups: readonly string[];
  mfaEnrolled: boolean;
}

/**
 * The export's select list: what the CSV shows, and the account's email (the first subquery is
 * NULL when the account is deleted: that member is not exported, as the member view has no
 * account to show). `until` and `login` select the two times (as stored, or formatted on MySQL).
 */
function exportColumns(until: string, login: string): string {
  return [
    'm.userId',
    'm.firstName',
    'm.lastName',
    'm.status',
    'm.inviteEmail',
    'm.isActive',
    'm.isAdmin',
    'm.allAccess',
    'm.mfaOptOut',
    `${until} AS mfaOptOutUntil`,
    `${login} AS lastLoginAt`,
    '(SELECT 1 FROM users a WHERE a.id = m.userId AND a.deletedAt IS NULL) AS accountLive',
    '(SELECT a.email FROM users a WHERE a.id = m.userId AND a.deletedAt IS NULL) AS accountEmail',
  ].join(', ');
}

const EXPORT_COLUMNS = exportColumns('m.mfaOptOutUntil', 'm.lastLoginAt');

/** "No limit" for the one streamed statement (a LIMIT both engines and the UNION branches accept). */
const ALL_ROWS = 2 ** 31 - 1;

const NONE: readonly string[] = Object.freeze([]);

/** Per-org lookups, read once per export. */
interface OrgLookups {
  roles: Map<number, readonly string[]>;
  groups: Map<number, readonly string[]>;
  mfaEnrolled: Set<number>;
}

/** Names by user from `userId, name` rows ordered by user then name; equal lists share one array. */
function namesByUser(rows: Array<{ userId: unknown; name: string }>): Map<number, readonly string[]> {
  const out = new Map<number, readonly string[]>();
  const interned = new Map<string, readonly string[]>();
  let current: number | null = null;
  let names: string[] = [];
  const flush = (): void => {
    if (current !== null) {
      const key = names.join('\u0000');
      let shared = interned.get(key);
      if (!shared) {
        shared = Object.freeze(names);
        interned.set(key, shared);
      }
      out.set(current, shared);
    }
  };
  for (const r of rows) {
    const id = Number(r.userId);
    if (id !== current) {
      flush();
      current = id;
      names = [];
    }
    names.push(r.name);
  }
  flush();
  return out;
}

async function orgLookups(manager: EntityManager, orgId: number): Promise<OrgLookups> {
  const [roles, groups, enrolled] = await Promise.all([
    rawQuery<{ userId: unknown; name: string }>(
      manager,
      `SELECT ra.userId, r.name FROM role_assignments ra JOIN roles r ON r.id = ra.roleId
        WHERE ra.orgId = :orgId AND ra.removedAt IS NULL ORDER BY ra.userId, r.name, r.id`,
      { orgId },
    ),
    rawQuery<{ userId: unknown; name: string }>(
      manager,
      `SELECT gm.userId, g.name FROM user_group_members gm JOIN user_groups g ON g.id = gm.groupId
        WHERE gm.orgId = :orgId ORDER BY gm.userId, g.name, g.id`,
      { orgId },
    ),
    rawQuery<{ userId: unknown }>(
      manager,
      `SELECT m.userId FROM memberships m JOIN mfa_factors f ON f.membershipId = m.id
        WHERE m.orgId = :orgId AND f.confirmedAt IS NOT NULL`,
      { orgId },
    ),
  ]);
  return { roles: namesByUser(roles), groups: namesByUser(groups), mfaEnrolled: new Set(enrolled.map((r) => Number(r.userId))) };
}

/** A row of the export's statement as an ExportRow; null when the account is gone. */
function exportRow(r: Record<string, unknown>, lookups: OrgLookups): ExportRow | null {
  if (r.accountLive == null) {
    return null;
  }
  const userId = Number(r.userId);
  const status = r.status as MembershipStatus;
  const inviteEmail = (r.inviteEmail as string | null) ?? null;
  return {
    userId,
    firstName: r.firstName as string,
    lastName: r.lastName as string,
    email: (status === 'invited' ? inviteEmail : (r.accountEmail as string | null)) ?? inviteEmail ?? '',
    status,
    isActive: toBool(r.isActive),
    isAdmin: toBool(r.isAdmin),
    allAccess: toBool(r.allAccess),
    mfaOptOut: toBool(r.mfaOptOut),
    mfaOptOutUntil: instantFromDb(r.mfaOptOutUntil)?.toISOString() ?? null,
    lastLoginAt: toDate(r.lastLoginAt)?.toISOString() ?? null,
    roles: lookups.roles.get(userId) ?? NONE,
    groups: lookups.groups.get(userId) ?? NONE,
    mfaEnrolled: lookups.mfaEnrolled.has(userId),
  };
}

/**
 * Every member the query matches, in its order, in batches of up to `batchSize` rows. The caller
 * has authorized and normalised the query (the org is the session's). Stopping early (return())
 * ends the statement: on MySQL the streaming connection is destroyed, not drained.
 */
export async function* exportRowBatches(
  manager: EntityManager,
  query: MemberQuery,
  dialect: Dialect,
  batchSize: number,
): AsyncGenerator<ExportRow[]> {
  const lookups = await orgLookups(manager, query.orgId);
  if (dialect === 'mysql') {
    yield* streamed(manager, query, lookups, batchSize);
    return;
  }
  let seek: Seek | null = null;
  for (;;) {
    const { sql, params } = memberPageSql(query, seek, batchSize, 0, dialect, 'index', EXPORT_COLUMNS);
    const rows = await rawQuery(manager, sql, params);
    const batch: ExportRow[] = [];
    for (const r of rows) {
      const row = exportRow(r, lookups);
      if (row) {
        batch.push(row);
      }
    }
    if (batch.length) {
      yield batch;
    }
    if (rows.length < batchSize) {
      return;
    }
    seek = seekOf(query.sort, rows[rows.length - 1]);
    // better-sqlite3 runs on this thread: let other requests in between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * MySQL's select list: the same values, times as text (mysql2 builds no Date; the CSV prints
 * lastLoginAt to the millisecond as a Date would, the exact opt-out end to the microsecond).
 */
const MYSQL_EXPORT_COLUMNS = exportColumns(
  "DATE_FORMAT(m.mfaOptOutUntil, '%Y-%m-%dT%H:%i:%s.%fZ')",
  "DATE_FORMAT(m.lastLoginAt, '%Y-%m-%dT%H:%i:%s.%f')",
);

/** A MYSQL_EXPORT_COLUMNS row (as an array) as an ExportRow; null when the account is gone. */
function mysqlExportRow(r: unknown[], lookups: OrgLookups): ExportRow | null {
  if (r[11] == null) {
    return null;
  }
  const userId = Number(r[0]);
  const status = r[3] as MembershipStatus;
  const inviteEmail = (r[4] as string | null) ?? null;
  const login = r[10] as string | null;
  const until = r[9] as string | null;
  return {
    userId,
    firstName: r[1] as string,
    lastName: r[2] as string,
    email: (status === 'invited' ? inviteEmail : (r[12] as string | null)) ?? inviteEmail ?? '',
    status,
    isActive: toBool(r[5]),
    isAdmin: toBool(r[6]),
    allAccess: toBool(r[7]),
    mfaOptOut: toBool(r[8]),
    mfaOptOutUntil: until,
    // A Date keeps milliseconds: the same 23 characters its toISOString prints.
    lastLoginAt: login === null ? null : login.slice(0, 23) + 'Z',
    roles: lookups.roles.get(userId) ?? NONE,
    groups: lookups.groups.get(userId) ?? NONE,
    mfaEnrolled: lookups.mfaEnrolled.has(userId),
  };
}

/** The mysql2 connection under a TypeORM query runner (callback API: query(...).stream()). */
interface Mysql2Connection {
  query(options: { sql: string; values: unknown[]; rowsAsArray: boolean }): { stream(options?: { highWaterMark?: number }): Readable };
  destroy(): void;
}

async function* streamed(manager: EntityManager, query: MemberQuery, lookups: OrgLookups, batchSize: number): AsyncGenerator<ExportRow[]> {
  const { sql, params } = memberPageSql(query, null, ALL_ROWS, 0, 'mysql', 'index', MYSQL_EXPORT_COLUMNS);
  const [text, values] = manager.connection.driver.escapeQueryWithParameters(sql, params);
  // Its own connection for the whole stream (the pool's others keep serving requests).
  const own = !manager.queryRunner;
  const runner: QueryRunner = manager.queryRunner ?? manager.connection.createQueryRunner();
  let finished = false;
  let connection: Mysql2Connection | null = null;
  try {
    connection = (await runner.connect()) as Mysql2Connection;
    // Arrays, not objects: the rows are read once, here, by position.
    const stream = connection.query({ sql: text, values, rowsAsArray: true }).stream({ highWaterMark: batchSize });
    let batch: ExportRow[] = [];
    for await (const r of stream) {
      const row = mysqlExportRow(r as unknown[], lookups);
      if (row) {
        batch.push(row);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length) {
      yield batch;
    }
    finished = true;
  } finally {
    if (!finished && own) {
      // The client went away: a paused result set would hold the connection; destroy it (the pool makes a new one).
      connection?.destroy();
    }
    if (own) {
      await runner.release();
    }
  }
}
