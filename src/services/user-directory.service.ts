import type { Principal, RequestContext, SessionContext } from '../context';
import type { Membership, User } from '../entities';
import { BadUserInputError, ForbiddenError, assertThat } from '../errors';
import { rawQuery } from '../db/raw';
import type { AuditService } from './audit.service';
import { decodeSeek, encodeSeek, type CursorKey } from './cursor';
import { requireAdmin } from './guards';
import {
  MEMBER_SORT_FIELDS,
  seekOf,
  memberCountSql,
  memberPageSql,
  dialectOf,
  type MemberFilter,
  type MemberQuery,
  type MemberSort,
  type MemberSortField,
  type Seek,
  type SortDirection,
} from './member-query';
import { groupsByUser, membershipFromRow, mfaEnrolledUsers, rolesByUser, type MemberReadService } from './member-read.service';
import { loadCurrentOrg, loadMember, requireSession } from './tenancy';

export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 200;
/** The legacy OFFSET page refuses to skip more rows than this (OFFSET cost grows with depth). */
export const LEGACY_MAX_OFFSET = 10_000;
export const EXPORT_BATCH = 1000;

/** Filter as callers send it: ids may be GraphQL ID strings. */
export type MemberFilterInput = Omit<MemberFilter, 'roleId' | 'groupId'> & {
  roleId?: string | number | null;
  groupId?: string | number | null;
};

export interface ListMembersArgs {
  first?: number | null;
  after?: string | null;
  search?: string | null;
  filter?: MemberFilterInput | null;
  orderBy?: { field: MemberSortField; direction?: SortDirection | null } | null;
}

export interface MemberEdge {
  cursor: string;
  node: User;
}

export interface MemberPage {
  edges: MemberEdge[];
  nodes: User[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** The normalised query, so totalCount can be computed later, only when selected. */
  query: MemberQuery;
}

export interface Member {
  user: User;
  membership: Membership;
}

export interface UserCounts {
  licensedSeats: number | null;
  enabled: number;
  inactive: number;
  countedTowardSeats: number;
}

export interface LegacyPageArgs {
  /** 1-based. */
  page?: number | null;
  size?: number | null;
  search?: string | null;
  /** true: active members only; false: inactive only; null/undefined: all. */
  active?: boolean | null;
  /** `field[,asc|desc]`, field one of lastName, email, lastLoginAt, createdAt (Spring style). */
  sort?: string | null;
}

export interface LegacyPage {
  content: Member[];
  page: number;
  size: number;
  totalElements: number;
  totalPages: number;
}

export interface ExportRow extends Member {
  roles: string[];
  groups: string[];
  mfaEnrolled: boolean;
}

const FILTER_KEYS: Array<keyof MemberFilter> = [
  'isActive',
  'isAdmin',
  'allAccess',
  'mfaOptOut',
  'mfaEnrolled',
  'excludeFromMembershipCount',
  'roleId',
  'groupId',
];

const LEGACY_SORT: Record<string, MemberSortField> = {
  lastname: 'LAST_NAME',
  name: 'LAST_NAME',
  email: 'EMAIL',
  lastloginat: 'LAST_LOGIN_AT',
  createdat: 'CREATED_AT',
};

/**
 * Reads of org data need a full session: an MFA challenge or enrollment session may only finish
 * its MFA step (the GraphQL authChecker says the same; this holds for the REST door too).
 */
function requireFullSession(ctx: RequestContext): SessionContext {
  const s = requireSession(ctx);
  assertThat(s.principal.kind === 'full', () => new ForbiddenError('This session may only complete the MFA step it was issued for.'));
  return s;
}

/** An admin acting as themself (an impersonation session is never admin). */
function actsAsAdmin(p: Principal): boolean {
  return p.kind === 'full' && p.isAdmin && p.impersonatorUserId === null;
}

export function positiveId(v: unknown, field: string): number {
  const n = typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v;
  assertThat(
    typeof n === 'number' && Number.isSafeInteger(n) && n > 0,
    () => new BadUserInputError(`${field} must be a positive integer id.`, field),
  );
  return n as number;
}

/** Validates `first` (1..max, default) with BAD_USER_INPUT naming the argument. */
export function pageSize(value: number | null | undefined, field = 'first', max = PAGE_SIZE_MAX, dflt = PAGE_SIZE_DEFAULT): number {
  if (value === null || value === undefined) {
    return dflt;
  }
  assertThat(
    Number.isInteger(value) && value >= 1 && value <= max,
    () => new BadUserInputError(`${field} must be between 1 and ${max}.`, field),
  );
  return value;
}

/**
 * The org's members: one keyset-paged list with prefix search and filters (PRODUCT.md §3
 * `users`). Everything is read from the membership row's sort/search keys through composite
 * indexes (see member-query.ts), so page 1000 costs what page 1 costs.
 */
export class UserDirectoryService {
  constructor(
    private readonly members: MemberReadService,
    private readonly audit: AuditService,
    private readonly cursorKey: CursorKey,
  ) {}

  /**
   * A page of the session org's members. Any member may page and search by name; filtering,
   * ordering by anything but name, and searching email are admin-only (rule 4: a filter on an
   * admin-only field leaks it) and answer FORBIDDEN (audited). Cursors are bound to the org,
   * sort, filter, search and caller scope: any other cursor is BAD_USER_INPUT.
   */
  async listMembers(ctx: RequestContext, args: ListMembersArgs): Promise<MemberPage> {
    const s = requireFullSession(ctx);
    const first = pageSize(args.first);
    const query = await this.normalise(s, args);
    const seek = args.after != null ? this.decodeSeek(query, args.after) : null;

    const { sql, params } = memberPageSql(query, seek, first + 1, 0, dialectOf(s));
    const rows = await rawQuery(s.manager, sql, params);
    const hasNextPage = rows.length > first;
    const pageRows = rows.slice(0, first);
    const users = await this.members.usersByIds(
      s.manager,
      pageRows.map((r) => Number(r.userId)),
    );
    const memberships = pageRows.map(membershipFromRow);
    this.members.primeMemberships(s, memberships);

    const edges: MemberEdge[] = [];
    for (const row of pageRows) {
      const user = users.get(Number(row.userId));
      // A soft-deleted user whose membership is still there is not listed (deleteUser removes both).
      if (user) {
        // Each edge cursor is an HMAC: computed only when a client selects it (most pages read
        // nodes and pageInfo; 50 eager HMACs were about 5% of a page request's CPU in a profile).
        let cursor: string | undefined;
        const encode = (): string => (cursor ??= this.encodeSeek(query, row));
        edges.push({
          node: user,
          get cursor() {
            return encode();
          },
        });
      }
    }
    const last = pageRows.length ? this.encodeSeek(query, pageRows[pageRows.length - 1]) : null;
    return { edges, nodes: edges.map((e) => e.node), pageInfo: { hasNextPage, endCursor: last }, query };
  }

  /**
   * How many members a list query matches. Unfiltered (or filtered only on isActive) it is read
   * from the org's counters, kept in the same transaction as every membership change; otherwise
   * one COUNT over the org's index range (only computed when a client asks for totalCount).
   */
  async countMembers(ctx: RequestContext, query: MemberQuery): Promise<number> {
    const s = requireFullSession(ctx);
    assertThat(query.orgId === s.principal.orgId, () => new BadUserInputError('Query of another org.'));
    const onlyActive = FILTER_KEYS.every((k) => k === 'isActive' || query.filter[k] == null);
    if (!query.search && onlyActive) {
      const org = await loadCurrentOrg(s);
      const a = query.filter.isActive;
      return a == null ? org.enabledCount + org.inactiveCount : a ? org.enabledCount : org.inactiveCount;
    }
    const { sql, params } = memberCountSql(query, dialectOf(s));
    const [row] = await rawQuery<{ n: unknown }>(s.manager, sql, params);
    return Number(row?.n ?? 0);
  }

  /**
   * One member of the session's org by id or externalRef (exactly one); NOT_FOUND otherwise.
   * Looking up by externalRef is admin-only: externalRef is admin-only data (rule 4), and a
   * lookup by it would tell a member which externalRef belongs to whom.
   */
  async getMember(ctx: RequestContext, ref: { id?: string | number | null; externalRef?: string | null }): Promise<User> {
    const s = requireFullSession(ctx);
    const hasId = ref.id !== null && ref.id !== undefined;
    const hasRef = ref.externalRef !== null && ref.externalRef !== undefined;
    assertThat(hasId !== hasRef, () => new BadUserInputError('Give exactly one of id and externalRef.', hasId ? 'externalRef' : 'id'));
    if (hasRef && !actsAsAdmin(s.principal)) {
      await requireAdmin(s, this.audit, 'users.get_by_external_ref');
    }
    const member = hasId ? await loadMember(s, { id: positiveId(ref.id, 'id') }) : await loadMember(s, { externalRef: ref.externalRef! });
    this.members.primeMemberships(s, [member.membership]);
    return member.user;
  }

  /** The seat header: licensed seats and the org's counters (no scan). Admin-only. */
  async userCounts(ctx: RequestContext): Promise<UserCounts> {
    const s = await requireAdmin(ctx, this.audit, 'users.counts');
    const org = await loadCurrentOrg(s);
    return {
      licensedSeats: org.licensedSeats,
      enabled: org.enabledCount,
      inactive: org.inactiveCount,
      countedTowardSeats: org.seatCount,
    };
  }

  /** Active members not excluded from the membership count (REST retrieveNotExcludeFromMembershipUserCounts). Admin-only. */
  async countedTowardSeats(ctx: RequestContext): Promise<number> {
    return (await this.userCounts(ctx)).countedTowardSeats;
  }

  /**
   * The legacy OFFSET page (REST `GET /user/users/page`). Same rules, indexes and search as
   * listMembers; OFFSET is bounded: a page starting past LEGACY_MAX_OFFSET rows is BAD_USER_INPUT
   * (use the cursor API to go deeper).
   */
  async listMembersPage(ctx: RequestContext, args: LegacyPageArgs): Promise<LegacyPage> {
    const s = requireFullSession(ctx);
    const size = pageSize(args.size, 'size');
    const page = args.page ?? 1;
    assertThat(Number.isInteger(page) && page >= 1, () => new BadUserInputError('page must be 1 or more.', 'page'));
    const offset = (page - 1) * size;
    assertThat(
      offset <= LEGACY_MAX_OFFSET,
      () => new BadUserInputError(`page starts past row ${LEGACY_MAX_OFFSET}; use the GraphQL users cursor to go deeper.`, 'page'),
    );
    const query = await this.normalise(s, {
      search: args.search,
      filter: args.active == null ? null : { isActive: args.active },
      orderBy: parseLegacySort(args.sort),
    });
    const { sql, params } = memberPageSql(query, null, size, offset, dialectOf(s));
    const rows = await rawQuery(s.manager, sql, params);
    const users = await this.members.usersByIds(
      s.manager,
      rows.map((r) => Number(r.userId)),
    );
    const content = rows.flatMap((r) => {
      const user = users.get(Number(r.userId));
      return user ? [{ user, membership: membershipFromRow(r) }] : [];
    });
    const totalElements = await this.countMembers(s, query);
    return { content, page, size, totalElements, totalPages: Math.ceil(totalElements / size) };
  }

  /**
   * Every member matching the query, with role and group names and MFA status, for the CSV
   * export (admin-only, rule 2). Reads in keyset batches of EXPORT_BATCH rows (five statements
   * per batch), so memory stays constant whatever the org's size.
   */
  async *iterateMembers(
    ctx: RequestContext,
    args: Omit<ListMembersArgs, 'first' | 'after'> = {},
    batchSize = EXPORT_BATCH,
  ): AsyncGenerator<ExportRow> {
    const s = await requireAdmin(ctx, this.audit, 'users.export');
    const query = await this.normalise(s, args);
    const orgId = s.principal.orgId;
    let seek: Seek | null = null;
    for (;;) {
      const { sql, params } = memberPageSql(query, seek, batchSize, 0, dialectOf(s));
      const rows = await rawQuery(s.manager, sql, params);
      if (rows.length === 0) {
        return;
      }
      const ids = rows.map((r) => Number(r.userId));
      const [users, roles, groups, enrolled] = [
        await this.members.usersByIds(s.manager, ids),
        await rolesByUser(s.manager, orgId, ids),
        await groupsByUser(s.manager, orgId, ids),
        await mfaEnrolledUsers(s.manager, orgId, ids),
      ];
      for (const r of rows) {
        const id = Number(r.userId);
        const user = users.get(id);
        if (user) {
          yield {
            user,
            membership: membershipFromRow(r),
            roles: (roles.get(id) ?? []).map((x) => x.name),
            groups: (groups.get(id) ?? []).map((x) => x.name),
            mfaEnrolled: enrolled.has(id),
          };
        }
      }
      if (rows.length < batchSize) {
        return;
      }
      seek = seekOf(query.sort, rows[rows.length - 1]);
    }
  }

  /* ------------------------------------------------------------------------------------- */

  /**
   * Validates and normalises the arguments, and enforces rule 4 for list queries: filters and
   * every order but LAST_NAME are admin-only (FORBIDDEN, audited); a non-admin's search covers
   * names only.
   */
  private async normalise(s: SessionContext, args: Omit<ListMembersArgs, 'first' | 'after'>): Promise<MemberQuery> {
    const filter: MemberFilter = {};
    for (const k of FILTER_KEYS) {
      const v = args.filter?.[k];
      if (v !== null && v !== undefined) {
        (filter as Record<string, unknown>)[k] = k === 'roleId' || k === 'groupId' ? positiveId(v, `filter.${k}`) : v === true;
      }
    }
    const field = args.orderBy?.field ?? 'LAST_NAME';
    const direction = args.orderBy?.direction ?? 'ASC';
    assertThat(MEMBER_SORT_FIELDS.includes(field), () => new BadUserInputError('Unknown order field.', 'orderBy.field'));
    assertThat(direction === 'ASC' || direction === 'DESC', () => new BadUserInputError('Unknown direction.', 'orderBy.direction'));
    const sort: MemberSort = { field, direction };

    let search: string | null = null;
    if (args.search !== null && args.search !== undefined) {
      assertThat(args.search.length <= 254, () => new BadUserInputError('search is at most 254 characters.', 'search'));
      search = args.search.trim().toLowerCase() || null;
    }

    const admin = actsAsAdmin(s.principal);
    if (!admin && (Object.keys(filter).length > 0 || field !== 'LAST_NAME')) {
      await requireAdmin(s, this.audit, 'users.list');
    }
    return { orgId: s.principal.orgId, sort, filter, search, searchEmail: admin };
  }

  /** What a cursor is bound to: every input that shapes the result set, and the caller's scope. */
  private binding(q: MemberQuery): string {
    const filter = FILTER_KEYS.map((k) => q.filter[k] ?? null);
    return JSON.stringify(['users', q.orgId, q.sort.field, q.sort.direction, filter, q.search, q.searchEmail]);
  }

  private encodeSeek(q: MemberQuery, row: Record<string, unknown>): string {
    return encodeSeek(this.cursorKey, this.binding(q), seekOf(q.sort, row));
  }

  private decodeSeek(q: MemberQuery, cursor: string): Seek {
    const seek = decodeSeek(this.cursorKey, this.binding(q), cursor);
    assertThat(seek, () => new BadUserInputError('after is not a cursor of this list (other org, sort, filter or search).', 'after'));
    return seek;
  }
}

/** `lastName,desc` → { LAST_NAME, DESC }; BAD_USER_INPUT for anything else. */
export function parseLegacySort(sort: string | null | undefined): ListMembersArgs['orderBy'] {
  if (!sort) {
    return null;
  }
  const [f, d = 'asc'] = sort.split(',').map((x) => x.trim().toLowerCase());
  const field = LEGACY_SORT[f];
  assertThat(
    field && (d === 'asc' || d === 'desc'),
    () => new BadUserInputError('sort must be field[,asc|desc] with field lastName, email, lastLoginAt or createdAt.', 'sort'),
  );
  return { field, direction: d === 'asc' ? 'ASC' : 'DESC' };
}
