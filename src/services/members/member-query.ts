/**
 * SQL for one org's member list (the hot path). Pure: builds text + named parameters; the
 * service runs it. Every shape here was checked with EXPLAIN on SQLite and MariaDB (docs/graphql.md,
 * "Members: paging, search, filters"):
 *
 * - ORDER BY is always (sort key, userId) in one direction, and matches a composite index of
 *   memberships exactly: (orgId, nameKey, userId), (orgId, emailKey, userId),
 *   (orgId, lastLoginAt, userId), (orgId, createdAt, userId), or (orgId, isActive, nameKey,
 *   userId) when the list is filtered on isActive and sorted by name.
 * - Keyset seek in the guarded form `k >= :k AND (k > :k OR userId > :id)` (mirrored for DESC):
 *   the row constructor `(k, id) > (?, ?)` scans on MariaDB and the bare OR scans on SQLite.
 * - NULL lastLoginAt ("never signed in") sorts lowest on both engines: first in ASC, last in
 *   DESC. A seek that crosses the NULL/non-NULL boundary is a UNION ALL of two index ranges.
 * - Search is a prefix match on nameKey ("last first"), fullNameKey ("first last") and, for
 *   admins, emailKey, answered from the search index member_search_prefixes (member-keys.ts):
 *   its primary key (orgId, emailOnly, prefix, nameKey, userId) holds each member once per
 *   prefix of up to SEARCH_PREFIX_CHARS characters, so a term that long is one index range in
 *   (nameKey, userId) order: ordered by name, a page reads its rows and stops, whatever the
 *   prefix. A longer term seeks its first SEARCH_PREFIX_CHARS characters and filters the joined
 *   row by the whole term (MariaDB `LIKE 'p%' ESCAPE '!'` under the column's collation, SQLite
 *   `key >= :p AND key < :p || U+10FFFF`; either way `%`, `_`, `\` and quotes are literal).
 *   Admins search email too: a second range (emailOnly = 1, the email prefixes that are not also
 *   name prefixes), merged by UNION. Ordered by anything else (admin-only orders), a search reads
 *   the prefix's matches and sorts them (see searchBranches).
 */

import { tableWithIndex, type Dialect } from '../../db/dialect';
import { MEMBERSHIP_FLAGS } from '../memberships/membership-fields';
import { searchSeekPrefix } from './member-keys';

export const MEMBER_SORT_FIELDS = ['LAST_NAME', 'EMAIL', 'LAST_LOGIN_AT', 'CREATED_AT'] as const;
export type MemberSortField = (typeof MEMBER_SORT_FIELDS)[number];
export type SortDirection = 'ASC' | 'DESC';

/** The flags a member list can be filtered on (the keys of MemberFilter that are flags). */
const FLAG_FILTERS = [
  'isActive',
  'isAdmin',
  'allAccess',
  'mfaOptOut',
  'excludeFromMembershipCount',
  'portalAccess',
  'hasAdvancedPermissions',
] as const;

export type MemberFilter = Partial<Record<(typeof FLAG_FILTERS)[number] | 'mfaEnrolled', boolean | null>> & {
  roleId?: number | null;
  groupId?: number | null;
};

/** Every key of MemberFilter, in the order cursors bind them. */
export const MEMBER_FILTER_KEYS: ReadonlyArray<keyof MemberFilter> = [...FLAG_FILTERS, 'mfaEnrolled', 'roleId', 'groupId'];

export interface MemberSort {
  field: MemberSortField;
  direction: SortDirection;
}

/** A normalised member-list query (the org comes from the session). */
export interface MemberQuery {
  orgId: number;
  sort: MemberSort;
  filter: MemberFilter;
  /** Lower-cased, trimmed prefix, or null. */
  search: string | null;
  /** Admins also search email; members search names only (rule 4: email is admin-only). */
  searchEmail: boolean;
}

/** Position after the last row of a page: the sort key as the database returned it, and the userId. */
export interface Seek {
  k: string | Date | null;
  id: number;
}

const SORT_COLUMN: Record<MemberSortField, string> = {
  LAST_NAME: 'nameKey',
  EMAIL: 'emailKey',
  LAST_LOGIN_AT: 'lastLoginAt',
  CREATED_AT: 'createdAt',
};

const NULLABLE_SORT = new Set<string>(['lastLoginAt']);
const DATE_SORT = new Set<string>(['lastLoginAt', 'createdAt']);

/**
 * mysql2 reads DATETIME(6) as a JS Date, which keeps milliseconds only: a cursor made from it
 * would sit before rows of the same millisecond and repeat them. On MySQL the page therefore
 * also returns date sort keys as full-precision text (SQLite stores that text already).
 */
function seekKeyColumn(dialect: Dialect, column: string): string {
  return dialect === 'mysql' && DATE_SORT.has(column) ? `, DATE_FORMAT(m.${column}, '%Y-%m-%d %H:%i:%s.%f') AS seekKey` : '';
}

/** The seek position after a row of memberPageSql: its sort key exactly as stored, and its userId. */
export function seekOf(sort: MemberSort, row: Record<string, unknown>): Seek {
  const raw = row.seekKey ?? row[SORT_COLUMN[sort.field]];
  return { k: raw === null || raw === undefined ? null : (raw as string | Date), id: Number(row.userId) };
}

/** Every stored column of a membership row, as the list's raw SQL reads it. */
const MEMBERSHIP_COLUMNS = [
  'id',
  'orgId',
  'userId',
  'firstName',
  'lastName',
  'language',
  'externalRef',
  'status',
  'inviteEmail',
  'invitedAt',
  'invitedByUserId',
  ...MEMBERSHIP_FLAGS,
  'mfaOptOutUntil',
  'mfaOptOutReason',
  'mfaOptOutAt',
  'mfaOptOutByUserId',
  'version',
  'nameKey',
  'fullNameKey',
  'emailKey',
  'lastLoginAt',
  'createdAt',
  'updatedAt',
] as const;

export interface Sql {
  sql: string;
  params: Record<string, unknown>;
}

/** Escapes LIKE wildcards with '!' (an escape character that needs no quoting on either engine). */
export function likePrefix(term: string): string {
  return term.replace(/[!%_]/g, (c) => '!' + c) + '%';
}

function prefixPredicate(dialect: Dialect, column: string): string {
  return dialect === 'mysql' ? `m.${column} LIKE :searchLike ESCAPE '!'` : `m.${column} >= :searchLo AND m.${column} < :searchHi`;
}

function termParams(dialect: Dialect, term: string): Record<string, unknown> {
  return dialect === 'mysql' ? { searchLike: likePrefix(term) } : { searchLo: term, searchHi: term + '\u{10FFFF}' };
}

/** Conditions every branch shares: org, flags, MFA enrollment, role, group. */
function baseConditions(q: MemberQuery, params: Record<string, unknown>): string[] {
  const where = ['m.orgId = :orgId'];
  params.orgId = q.orgId;
  for (const f of FLAG_FILTERS) {
    const v = q.filter[f];
    if (v !== undefined && v !== null) {
      where.push(`m.${f} = :f_${f}`);
      params[`f_${f}`] = v;
    }
  }
  if (q.filter.isActive != null) {
    // Enabled / inactive are states of members who joined: a pending invitation is neither (the
    // org's counters say the same). The row is read for the select list anyway: no extra lookup.
    where.push('m.status = :f_status');
    params.f_status = 'active';
  }
  if (q.filter.mfaEnrolled !== undefined && q.filter.mfaEnrolled !== null) {
    where.push(
      `${q.filter.mfaEnrolled ? '' : 'NOT '}EXISTS (SELECT 1 FROM mfa_factors f WHERE f.membershipId = m.id AND f.confirmedAt IS NOT NULL)`,
    );
  }
  if (q.filter.roleId != null) {
    where.push(
      'EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.orgId = m.orgId AND ra.userId = m.userId AND ra.roleId = :f_roleId AND ra.removedAt IS NULL)',
    );
    params.f_roleId = q.filter.roleId;
  }
  if (q.filter.groupId != null) {
    where.push('EXISTS (SELECT 1 FROM user_group_members g WHERE g.groupId = :f_groupId AND g.userId = m.userId AND g.orgId = m.orgId)');
    params.f_groupId = q.filter.groupId;
  }
  return where;
}

interface SearchBranch {
  where: string[];
  /** FROM clause of the branch with its index named (see fromWithIndex). */
  from: string;
  /** The alias whose columns the branch is ordered and sought by: p (the search index) or m. */
  orderAlias: 'm' | 'p';
}

/** The composite index whose column order is exactly this list's ORDER BY. */
function orderIndex(q: Pick<MemberQuery, 'sort' | 'filter'>): string {
  if (q.sort.field === 'LAST_NAME' && q.filter.isActive != null) {
    return 'IDX_memberships_org_active_name';
  }
  return ORDER_INDEX[q.sort.field];
}

const ORDER_INDEX: Record<MemberSortField, string> = {
  LAST_NAME: 'IDX_memberships_org_name',
  EMAIL: 'IDX_memberships_org_email',
  LAST_LOGIN_AT: 'IDX_memberships_org_lastlogin',
  CREATED_AT: 'IDX_memberships_org_created',
};

/**
 * Each branch names its index. Measured on MariaDB 10.11 (20k-member org, page 51 rows at the
 * middle): without the hint it switches from a range on (orgId, key) to `ref` on orgId and
 * walks the index from the start (49 ms DESC, 8 ms ASC); with FORCE INDEX it is a range (4 ms,
 * the same as page 1). Without the hint both planners also prefer walking the ORDER BY index
 * and filtering a search prefix, which reads the whole org when matches are rare (SQLite took
 * the email index for the name branch). With the hint each search branch costs what its
 * prefix matches: a range, then a sort of those rows.
 */
function fromWithIndex(dialect: Dialect, index: string | null): string {
  return index ? tableWithIndex(dialect, 'memberships', 'm', index) : 'memberships m';
}

const COUNT_INDEX = 'UQ_memberships_org_user';

/**
 * A search branch: one range of the search index (names, or for admins the email-only prefixes),
 * each row joined to its membership by (orgId, userId) — the index is read first (STRAIGHT_JOIN /
 * CROSS JOIN fix the order). A term longer than the stored prefixes also filters the membership
 * row by the whole term (names, and email for admins; the email-only range by email).
 */
function searchFrom(dialect: Dialect): string {
  const join = dialect === 'mysql' ? 'STRAIGHT_JOIN' : 'CROSS JOIN';
  return `member_search_prefixes p ${join} ${tableWithIndex(dialect, 'memberships', 'm', COUNT_INDEX)}`;
}

/**
 * How a search ordered by anything but name reads its rows. `index`: the prefix's matches from the
 * search index, sorted (cost: the matches). `walk`: the order's own index, each row tested against
 * the term (cost: about limit × members / matches rows when the order is independent of the names;
 * up to the whole org when it is not). The service walks only the last-sign-in and creation orders,
 * and only when a bounded count of the matches (searchMatchesSql) reaches SEARCH_WALK_MATCHES.
 * Either way the result is the same rows in the same order, so pages of one walk may mix them.
 */
export type SearchPlan = 'index' | 'walk';

/** Prefix matches from which a search ordered by other than name walks the order's index instead of sorting its matches. */
export const SEARCH_WALK_MATCHES = 1000;

/**
 * Counts up to `cap` of a search's matches per branch (a search's plan choice, bounded work): a
 * stored-length term counts index entries only; a longer one also tests the joined rows (its
 * stored prefix may be common while the term is rare).
 */
export function searchMatchesSql(q: MemberQuery, dialect: Dialect, cap: number): Sql {
  const params: Record<string, unknown> = { orgId: q.orgId };
  const lim = Math.trunc(cap);
  const parts = searchBranches(q, dialect, params, false).map((b) =>
    searchSeekPrefix(q.search ?? '').exact
      ? `SELECT 1 AS x FROM member_search_prefixes p WHERE ${b.where[0]} LIMIT ${lim}`
      : `SELECT 1 AS x FROM ${b.from} WHERE ${b.where.join(' AND ')} LIMIT ${lim}`,
  );
  return { sql: `SELECT COUNT(*) AS n FROM (${parts.map((x, i) => `SELECT * FROM (${x}) c${i}`).join(' UNION ALL ')}) c`, params };
}

function searchColumns(q: MemberQuery): string[] {
  return ['nameKey', 'fullNameKey', ...(q.searchEmail ? ['emailKey'] : [])];
}

function searchBranches(
  q: MemberQuery,
  dialect: Dialect,
  params: Record<string, unknown>,
  forOrder: boolean,
  plan: SearchPlan = 'index',
): SearchBranch[] {
  if (q.search && forOrder && plan === 'walk' && q.sort.field !== 'LAST_NAME') {
    Object.assign(params, termParams(dialect, q.search));
    const where = [
      `(${searchColumns(q)
        .map((c) => prefixPredicate(dialect, c))
        .join(' OR ')})`,
    ];
    return [{ where, from: fromWithIndex(dialect, orderIndex(q)), orderAlias: 'm' }];
  }
  if (!q.search) {
    // A COUNT names the org's (orgId, userId) index: with a filter on a flag that no index holds,
    // MariaDB otherwise scans the whole table for a tenant above ~20% of it (the benchmark's plan
    // check caught it); through the index it reads that org's rows only.
    return [{ where: [], from: fromWithIndex(dialect, forOrder ? orderIndex(q) : COUNT_INDEX), orderAlias: 'm' }];
  }
  const { prefix, exact } = searchSeekPrefix(q.search);
  params.searchPrefix = prefix;
  if (!exact) {
    Object.assign(params, termParams(dialect, q.search));
  }
  const names = searchColumns(q);
  const kinds: Array<{ emailOnly: 0 | 1; columns: string[] }> = [
    { emailOnly: 0, columns: names },
    ...(q.searchEmail ? [{ emailOnly: 1 as const, columns: ['emailKey'] }] : []),
  ];
  const orderAlias = q.sort.field === 'LAST_NAME' ? 'p' : 'm';
  return kinds.map((k) => ({
    from: searchFrom(dialect),
    orderAlias,
    where: [
      `p.orgId = :orgId AND p.emailOnly = ${k.emailOnly} AND p.prefix = :searchPrefix`,
      'm.orgId = p.orgId AND m.userId = p.userId AND m.nameKey = p.nameKey',
      ...(exact ? [] : [`(${k.columns.map((c) => prefixPredicate(dialect, c)).join(' OR ')})`]),
    ],
  }));
}

interface SeekBranch {
  where: string[];
  /** The branch holds only NULL keys: ordered by userId alone, or MariaDB sorts the whole NULL run. */
  keyIsNull: boolean;
}

/** The seek as one or two disjoint index ranges (two only when NULL lastLoginAt is involved). */
function seekBranches(sort: MemberSort, seek: Seek | null, params: Record<string, unknown>, alias: 'm' | 'p'): SeekBranch[] {
  if (!seek) {
    return [{ where: [], keyIsNull: false }];
  }
  const c = `${alias}.${SORT_COLUMN[sort.field]}`;
  const asc = sort.direction === 'ASC';
  params.seekId = seek.id;
  if (seek.k !== null) {
    params.seekK = seek.k;
  }
  const guarded = {
    where: [
      asc
        ? `${c} >= :seekK AND (${c} > :seekK OR ${alias}.userId > :seekId)`
        : `${c} <= :seekK AND (${c} < :seekK OR ${alias}.userId < :seekId)`,
    ],
    keyIsNull: false,
  };
  if (!NULLABLE_SORT.has(SORT_COLUMN[sort.field])) {
    return [guarded];
  }
  const restOfNulls = { where: [`${c} IS NULL AND ${alias}.userId ${asc ? '>' : '<'} :seekId`], keyIsNull: true };
  if (asc) {
    return seek.k === null ? [restOfNulls, { where: [`${c} IS NOT NULL`], keyIsNull: false }] : [guarded];
  }
  return seek.k === null ? [restOfNulls] : [guarded, { where: [`${c} IS NULL`], keyIsNull: true }];
}

function orderBy(sort: MemberSort, alias: string, keyIsNull = false): string {
  const d = sort.direction;
  return keyIsNull ? `ORDER BY ${alias}.userId ${d}` : `ORDER BY ${alias}.${SORT_COLUMN[sort.field]} ${d}, ${alias}.userId ${d}`;
}
/**
 * One page of membership rows in (sort key, userId) order after `seek`: `limit` rows starting
 * `offset` rows in (offset only for the bounded legacy page). limit/offset are validated integers.
 * `plan` only matters for a search ordered by other than name (SearchPlan).
 */
export function memberPageSql(
  q: MemberQuery,
  seek: Seek | null,
  limit: number,
  offset: number,
  dialect: Dialect,
  plan: SearchPlan = 'index',
  /** The select list instead of every membership column (the CSV export's own; the sort key is always added). */
  selectList?: string,
): Sql {
  const params: Record<string, unknown> = {};
  const base = baseConditions(q, params);
  const sortColumn = SORT_COLUMN[q.sort.field];
  const cols =
    (selectList ? `${selectList}, m.${sortColumn}` : MEMBERSHIP_COLUMNS.map((c) => `m.${c}`).join(', ')) +
    seekKeyColumn(dialect, sortColumn);
  const branches: Array<{ from: string; where: string[]; keyIsNull: boolean; orderAlias: 'm' | 'p' }> = [];
  for (const s of searchBranches(q, dialect, params, true, plan)) {
    for (const k of seekBranches(q.sort, seek, params, s.orderAlias)) {
      branches.push({ from: s.from, where: [...s.where, ...base, ...k.where], keyIsNull: k.keyIsNull, orderAlias: s.orderAlias });
    }
  }
  const lim = Math.trunc(limit);
  const off = Math.trunc(offset);
  if (branches.length === 1) {
    const tail = off > 0 ? ` LIMIT ${lim} OFFSET ${off}` : ` LIMIT ${lim}`;
    const b = branches[0];
    return {
      sql: `SELECT ${cols} FROM ${b.from} WHERE ${b.where.join(' AND ')} ${orderBy(q.sort, b.orderAlias, b.keyIsNull)}${tail}`,
      params,
    };
  }
  // Each branch is index-ordered (or sorts only its own matches) and stops at offset + limit rows.
  const parts = branches.map(
    (b, i) =>
      `SELECT * FROM (SELECT ${cols} FROM ${b.from} WHERE ${b.where.join(' AND ')} ${orderBy(q.sort, b.orderAlias, b.keyIsNull)} LIMIT ${lim + off}) b${i}`,
  );
  const tail = off > 0 ? ` LIMIT ${lim} OFFSET ${off}` : ` LIMIT ${lim}`;
  return { sql: `SELECT * FROM (${parts.join(' UNION ')}) u ${orderBy(q.sort, 'u')}${tail}`, params };
}

/** COUNT of the members the query matches (only run when a client selects totalCount). */
export function memberCountSql(q: MemberQuery, dialect: Dialect): Sql {
  const params: Record<string, unknown> = {};
  const base = baseConditions(q, params);
  const branches = searchBranches(q, dialect, params, false).map((s) => ({ from: s.from, where: [...s.where, ...base] }));
  if (branches.length === 1) {
    return { sql: `SELECT COUNT(*) AS n FROM ${branches[0].from} WHERE ${branches[0].where.join(' AND ')}`, params };
  }
  const parts = branches.map((b) => `SELECT m.userId FROM ${b.from} WHERE ${b.where.join(' AND ')}`);
  return { sql: `SELECT COUNT(*) AS n FROM (${parts.join(' UNION ')}) u`, params };
}
