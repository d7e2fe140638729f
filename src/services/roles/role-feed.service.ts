import type { RequestContext, SessionContext } from '../../context';
import { BadUserInputError, assertThat } from '../../errors';
import { rawQuery, toDate } from '../../db/raw';
import { dialectOf, tableWithIndex } from '../../db/dialect';
import { decodeSeek, encodeSeek, type CursorKey, type SeekPosition } from '../../security/cursor';
import type { AuditService } from '../audit/audit.service';
import { Op, authorize } from '../access/policy';
import { PAGE_LIMITS, pageSize } from '../common/paging';
import { loadRole, sessionOrgId } from '../common/tenancy';

export interface FeedArgs {
  roleId: number;
  since: Date;
  first?: number | null;
  after?: string | null;
}

export interface FeedEntry {
  userId: number;
  /** removedAt (removed feed) or the latest of the assignment's and the membership's updatedAt (updated feed). */
  at: Date;
}

export interface FeedPage {
  nodes: FeedEntry[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * The two sync feeds of role membership (docs/product.md §3 usersRemovedFromRole,
 * usersUpdatedByRole), admin-only, keyset-paged with signed cursors bound to the org, role and
 * `since`. One assignment row per (role, user): unassigning sets removedAt and keeps the row, so
 * "who lost this role since T" can be answered.
 */
export class RoleFeedService {
  constructor(
    private readonly audit: AuditService,
    private readonly cursorKey: CursorKey,
  ) {}

  /**
   * Users who lost the role at or after `since` and do not hold it now, oldest removal first
   * (admin-only). Keyset on (removedAt, userId) over index (roleId, removedAt, userId).
   * A user who has since left the org is still listed, by id.
   */
  async usersRemovedFromRole(ctx: RequestContext, args: FeedArgs): Promise<FeedPage> {
    const { s, roleId, since, first } = await this.prepareFeed(ctx, 'roles.removed_feed', args);
    const binding = JSON.stringify(['role-removed', sessionOrgId(s), roleId, since.toISOString()]);
    const seek = this.decodeFeedCursor(binding, args.after, true);
    const params: Record<string, unknown> = { roleId, since };
    let seekSql = '';
    if (seek) {
      seekSql = ' AND ra.removedAt >= :k AND (ra.removedAt > :k OR ra.userId > :id)';
      Object.assign(params, { k: seek.k, id: seek.id });
    }
    const rows = await rawQuery<{ userId: unknown; removedAt: unknown }>(
      s.manager,
      `SELECT ra.userId, ra.removedAt FROM ${tableWithIndex(dialectOf(s), 'role_assignments', 'ra', 'IDX_role_assignments_role_removed')}
        WHERE ra.roleId = :roleId AND ra.removedAt >= :since${seekSql}
          AND NOT EXISTS (SELECT 1 FROM role_assignments cur WHERE cur.roleId = ra.roleId AND cur.userId = ra.userId AND cur.removedAt IS NULL)
        ORDER BY ra.removedAt, ra.userId LIMIT ${first + 1}`,
      params,
    );
    return this.feedPage(rows, first, binding, (r) => ({
      userId: Number(r.userId),
      at: toDate(r.removedAt)!,
      k: r.removedAt as string | Date,
    }));
  }

  /**
   * Current holders of the role whose assignment or member record (this org's membership: its
   * profile and flags, or the account's email, which every org shows) changed at or after
   * `since`, by user id (admin-only). Another org's changes to the same person never show. Keyset on userId over index (roleId, removedAt, userId): the walk
   * visits the role's current holders in order and stops after one page of matches.
   */
  async usersUpdatedByRole(ctx: RequestContext, args: FeedArgs): Promise<FeedPage> {
    const { s, roleId, since, first } = await this.prepareFeed(ctx, 'roles.updated_feed', args);
    const binding = JSON.stringify(['role-updated', sessionOrgId(s), roleId, since.toISOString()]);
    const seek = this.decodeFeedCursor(binding, args.after, false);
    const params: Record<string, unknown> = { roleId, since, orgId: sessionOrgId(s), after: seek?.id ?? 0 };
    const rows = await rawQuery<{ userId: unknown; raUpdated: unknown; mUpdated: unknown }>(
      s.manager,
      `SELECT ra.userId, ra.updatedAt AS raUpdated, m.updatedAt AS mUpdated
         FROM ${tableWithIndex(dialectOf(s), 'role_assignments', 'ra', 'IDX_role_assignments_role_removed')}
         JOIN memberships m ON m.orgId = :orgId AND m.userId = ra.userId
        WHERE ra.roleId = :roleId AND ra.removedAt IS NULL AND ra.userId > :after
          AND (ra.updatedAt >= :since OR m.updatedAt >= :since)
        ORDER BY ra.userId LIMIT ${first + 1}`,
      params,
    );
    return this.feedPage(rows, first, binding, (r) => {
      const a = toDate(r.raUpdated)!;
      const b = toDate(r.mUpdated)!;
      return { userId: Number(r.userId), at: a > b ? a : b, k: null };
    });
  }

  private async prepareFeed(
    ctx: RequestContext,
    action: string,
    args: FeedArgs,
  ): Promise<{ s: SessionContext; roleId: number; since: Date; first: number }> {
    const s = await authorize(ctx, this.audit, Op.RoleFeedRead, { action });
    const roleId = args.roleId;
    const since = args.since;
    assertThat(since instanceof Date && !Number.isNaN(since.getTime()), () => new BadUserInputError('since must be a date-time.', 'since'));
    const first = pageSize(args.first, PAGE_LIMITS.roleFeeds);
    await loadRole(s, roleId);
    return { s, roleId, since, first };
  }

  private decodeFeedCursor(binding: string, after: string | null | undefined, withKey: boolean): SeekPosition | null {
    if (after === null || after === undefined) {
      return null;
    }
    const seek = decodeSeek(this.cursorKey, binding, after);
    assertThat(seek && (!withKey || seek.k !== null), () => new BadUserInputError('after is not a cursor of this feed.', 'after'));
    return seek;
  }

  private feedPage<R>(rows: R[], first: number, binding: string, map: (r: R) => FeedEntry & { k: string | Date | null }): FeedPage {
    const entries = rows.slice(0, first).map(map);
    const last = entries[entries.length - 1];
    const endCursor = last ? encodeSeek(this.cursorKey, binding, { k: last.k, id: last.userId }) : null;
    return {
      nodes: entries.map(({ userId, at }) => ({ userId, at })),
      pageInfo: { hasNextPage: rows.length > first, endCursor },
    };
  }
}
