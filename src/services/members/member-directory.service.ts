import type { RequestContext, SessionContext } from '../../context';
import { BadUserInputError, assertThat } from '../../errors';
import { rawQuery } from '../../db/raw';
import { dialectOf } from '../../db/dialect';
import { decodeSeek, encodeSeek, type CursorKey } from '../../security/cursor';
import type { AuditService } from '../audit/audit.service';
import { Op, allows, authorize, authorizeMemberRef } from '../access/policy';
import { parseId, type MemberRef } from '../common/ids';
import { LEGACY_MAX_OFFSET, PAGE_LIMITS, connectionOf, pageSize, pageWindow, type Connection, type PageArgs } from '../common/paging';
import { loadCurrentOrg, loadMemberView, sessionOrgId } from '../common/tenancy';
import { memberView, type MemberView } from './member-view';
import { parseLegacySort } from './legacy-sort';
import type { MemberLoaderService } from './member-loader.service';
import {
  MEMBER_FILTER_KEYS,
  MEMBER_SORT_FIELDS,
  memberCountSql,
  memberPageSql,
  SEARCH_WALK_MATCHES,
  searchMatchesSql,
  seekOf,
  type MemberFilter,
  type MemberQuery,
  type MemberSort,
  type MemberSortField,
  type Seek,
  type SearchPlan,
  type SortDirection,
} from './member-query';
import { membershipFromRow } from './member-rows';

/**
 * The orders a common-prefix search may walk (SearchPlan). Not EMAIL: addresses are mostly made of
 * the names, so a name prefix's members sit together in email order and a walk from the other end
 * read most of the org (55 ms at 20,000 members for "jam" by email DESC on SQLite, against 17 ms
 * for sorting its 1,469 matches).
 */
const WALKED_ORDERS: ReadonlySet<MemberSortField> = new Set(['LAST_LOGIN_AT', 'CREATED_AT']);

/** Filter as callers send it: ids may be GraphQL ID strings. */
type MemberFilterInput = Omit<MemberFilter, 'roleId' | 'groupId'> & {
  roleId?: string | number | null;
  groupId?: string | number | null;
};

export interface ListMembersArgs extends PageArgs {
  search?: string | null;
  filter?: MemberFilterInput | null;
  orderBy?: { field: MemberSortField; direction?: SortDirection | null } | null;
}

export interface MemberPage extends Connection<MemberView> {
  /** The normalised query, so totalCount can be computed later, only when selected. */
  query: MemberQuery;
}

export interface UserCounts {
  licensedSeats: number | null;
  enabled: number;
  inactive: number;
  countedTowardSeats: number;
  /** Pending invitations (not enabled, not inactive, no seat). */
  invited: number;
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
  content: MemberView[];
  page: number;
  size: number;
  totalElements: number;
  totalPages: number;
}

/**
 * The org's members: one keyset-paged list with prefix search and filters (docs/product.md §3
 * `users`). Everything is read from the membership row's sort/search keys through composite
 * indexes (see member-query.ts), so page 1000 costs what page 1 costs.
 */
export class MemberDirectoryService {
  constructor(
    private readonly memberLoader: MemberLoaderService,
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
    const s = await authorize(ctx, this.audit, Op.MembersList, { action: 'users.list' });
    const w = pageWindow(args, PAGE_LIMITS.members);
    const query = await this.normalise(s, args);
    const seek = w.cursor !== null ? this.decodeSeek(query, w.cursor, w.cursorField) : null;
    // Backward is the same seek over the same index in the opposite order (NULL last-login times
    // sort lowest both ways, so the reversed order is exactly the list read from its end).
    const walk = (from: Seek | null, backward: boolean, limit: number): Promise<Array<Record<string, unknown>>> => {
      const sort = backward ? { ...query.sort, direction: flip(query.sort.direction) } : query.sort;
      return this.pageRows(s, { ...query, sort }, from, limit, 0);
    };
    const rows = await walk(seek, w.backward, w.size + 1);
    const accounts = await this.memberLoader.accountsByIds(
      s.manager,
      rows.slice(0, w.size).map((r) => Number(r.userId)),
    );
    const page = connectionOf(rows, w, {
      // A soft-deleted user whose membership is still there is not listed (deleteUser removes both).
      node: (row) => {
        const account = accounts.get(Number(row.userId));
        return account ? memberView(account, membershipFromRow(row)) : null;
      },
      cursor: (row) => this.encodeSeek(query, row),
      behind: async (row) => (await walk(seekOf(query.sort, row), !w.backward, 1)).length > 0,
    });
    return { ...page, query };
  }

  /**
   * How many members a list query matches. Unfiltered (or filtered only on isActive) it is read
   * from the org's counters, kept in the same transaction as every membership change; otherwise
   * one COUNT over the org's index range (only computed when a client asks for totalCount).
   */
  async countMembers(ctx: RequestContext, query: MemberQuery): Promise<number> {
    const s = await authorize(ctx, this.audit, Op.MembersList, { action: 'users.list' });
    assertThat(query.orgId === sessionOrgId(s), () => new BadUserInputError('Query of another org.'));
    const onlyActive = MEMBER_FILTER_KEYS.every((k) => k === 'isActive' || query.filter[k] == null);
    if (!query.search && onlyActive) {
      const org = await loadCurrentOrg(s);
      const a = query.filter.isActive;
      return a == null ? org.enabledCount + org.inactiveCount + org.invitedCount : a ? org.enabledCount : org.inactiveCount;
    }
    const { sql, params } = memberCountSql(query, dialectOf(s));
    const [row] = await rawQuery<{ n: unknown }>(s.manager, sql, params);
    return Number(row?.n ?? 0);
  }

  /**
   * One member of the session's org by id or externalRef (exactly one); NOT_FOUND otherwise.
   * Looking up by externalRef is admin-only (Op.MemberLookupByRef): externalRef is admin-only
   * data (rule 4), and a lookup by it would tell a member which externalRef belongs to whom. Both
   * doors (GraphQL `user`, REST `GET /user/users/{id}`) come here.
   */
  async getMember(ctx: RequestContext, ref: { id?: string | number | null; externalRef?: string | null }): Promise<MemberView> {
    const hasId = ref.id !== null && ref.id !== undefined;
    const hasRef = ref.externalRef !== null && ref.externalRef !== undefined;
    const s = await authorize(ctx, this.audit, Op.MemberRead, { action: 'users.get' });
    assertThat(hasId !== hasRef, () => new BadUserInputError('Give exactly one of id and externalRef.', hasId ? 'externalRef' : 'id'));
    const target: MemberRef = hasId ? { id: parseId(ref.id, 'id') } : { externalRef: ref.externalRef! };
    await authorizeMemberRef(s, this.audit, target, 'users.get_by_external_ref');
    return loadMemberView(s, target);
  }

  /** The seat header: licensed seats and the org's counters (no scan). Admin-only. */
  async userCounts(ctx: RequestContext): Promise<UserCounts> {
    const s = await authorize(ctx, this.audit, Op.SeatCountsRead, { action: 'users.counts' });
    const org = await loadCurrentOrg(s);
    return {
      licensedSeats: org.licensedSeats,
      enabled: org.enabledCount,
      inactive: org.inactiveCount,
      countedTowardSeats: org.seatCount,
      invited: org.invitedCount,
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
    const s = await authorize(ctx, this.audit, Op.MembersList, { action: 'users.list' });
    const size = pageSize(args.size, PAGE_LIMITS.members, 'size');
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
    const rows = await this.pageRows(s, query, null, size, offset);
    const accounts = await this.memberLoader.accountsByIds(
      s.manager,
      rows.map((r) => Number(r.userId)),
    );
    const content = rows.flatMap((r) => {
      const account = accounts.get(Number(r.userId));
      return account ? [memberView(account, membershipFromRow(r))] : [];
    });
    const totalElements = await this.countMembers(s, query);
    return { content, page, size, totalElements, totalPages: Math.ceil(totalElements / size) };
  }

  /* ------------------------------------------------------------------------------------- */

  /**
   * Validates and normalises the arguments, and enforces rule 4 for list queries: filters and
   * every order but LAST_NAME are admin-only (FORBIDDEN, audited); a non-admin's search covers
   * names only.
   */
  async normalise(s: SessionContext, args: Omit<ListMembersArgs, keyof PageArgs>): Promise<MemberQuery> {
    const filter: MemberFilter = {};
    for (const k of MEMBER_FILTER_KEYS) {
      const v = args.filter?.[k];
      if (v !== null && v !== undefined) {
        (filter as Record<string, unknown>)[k] = k === 'roleId' || k === 'groupId' ? parseId(v, `filter.${k}`) : v === true;
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

    if (Object.keys(filter).length > 0 || field !== 'LAST_NAME') {
      await authorize(s, this.audit, Op.MembersFilter, { action: 'users.list' });
    }
    return { orgId: sessionOrgId(s), sort, filter, search, searchEmail: allows(s.principal, Op.MembersFilter) };
  }

  /**
   * The rows of one page. A search ordered by last sign-in or creation first counts its prefix's
   * matches in the search index, up to SEARCH_WALK_MATCHES (index-only): few are read and sorted,
   * many mean the order's index is walked and each row tested (see SearchPlan in member-query.ts).
   */
  private async pageRows(s: SessionContext, query: MemberQuery, seek: Seek | null, limit: number, offset: number) {
    let plan: SearchPlan = 'index';
    if (query.search && WALKED_ORDERS.has(query.sort.field)) {
      const probe = searchMatchesSql(query, dialectOf(s), SEARCH_WALK_MATCHES);
      const [row] = await rawQuery<{ n: unknown }>(s.manager, probe.sql, probe.params);
      plan = Number(row?.n ?? 0) >= SEARCH_WALK_MATCHES ? 'walk' : 'index';
    }
    const { sql, params } = memberPageSql(query, seek, limit, offset, dialectOf(s), plan);
    return rawQuery(s.manager, sql, params);
  }

  /** What a cursor is bound to: every input that shapes the result set, and the caller's scope. */
  private binding(q: MemberQuery): string {
    const filter = MEMBER_FILTER_KEYS.map((k) => q.filter[k] ?? null);
    return JSON.stringify(['users', q.orgId, q.sort.field, q.sort.direction, filter, q.search, q.searchEmail]);
  }

  private encodeSeek(q: MemberQuery, row: Record<string, unknown>): string {
    return encodeSeek(this.cursorKey, this.binding(q), seekOf(q.sort, row));
  }

  private decodeSeek(q: MemberQuery, cursor: string, field: string): Seek {
    const seek = decodeSeek(this.cursorKey, this.binding(q), cursor);
    assertThat(seek, () => new BadUserInputError(`${field} is not a cursor of this list (other org, sort, filter or search).`, field));
    return seek;
  }
}

function flip(d: SortDirection): SortDirection {
  return d === 'ASC' ? 'DESC' : 'ASC';
}
