import { memberPageSql } from '../src/services/members/member-query';
import { USER_COLUMNS } from '../src/services/members/member-rows';

/**
 * The SQL of one `users(first: N)` request, for the raw baseline. Keep it equal to what the
 * service runs (the benchmark prints the statements the server ran beside these).
 */

/** SessionService.resolve's statement (named parameters :hash, :now, :yes, :active). */
export { PRINCIPAL_SQL as SESSION_SQL } from '../src/services/auth/session.service';

/** The first keyset page by last name: the service's own SQL builder (services/member-query.ts). */
export function firstPageSql(orgId: number, limit: number): { sql: string; params: Record<string, unknown> } {
  return memberPageSql(
    { orgId, sort: { field: 'LAST_NAME', direction: 'ASC' }, filter: {}, search: null, searchEmail: true },
    null,
    limit,
    0,
    'mysql',
  );
}

/** The page's accounts (their email) in one IN (...): MemberLoaderService.accountsByIds's statement. */
export function usersSql(ids: number[]): { sql: string; params: unknown[] } {
  return { sql: `SELECT ${USER_COLUMNS} FROM users WHERE id IN (${ids.map(() => '?').join(', ')}) AND deletedAt IS NULL`, params: ids };
}
