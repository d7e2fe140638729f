import type { RequestContext, SessionContext } from '../../context';
import { BadUserInputError, assertThat } from '../../errors';
import { rawQuery } from '../../db/raw';
import { Instant, instantFromDb, nowInstant, parseInstant, toInstant } from '../../db/instant';
import { dialectOf, tableWithIndex } from '../../db/dialect';
import { decodeSeek, encodeSeek, type CursorKey } from '../../security/cursor';
import type { AuditService } from '../audit/audit.service';
import { Op, authorize } from '../access/policy';
import { PAGE_LIMITS, pageSize } from '../common/paging';
import { loadRole, sessionOrgId } from '../common/tenancy';
import type { AuditActionName } from '../audit/audit-vocabulary';

export interface FeedArgs {
  roleId: number;
  since: Date;
  first?: number | null;
  after?: string | null;
}

interface FeedEntry {
  userId: number;
  /** removedAt (removed feed) or the assignment's updatedAt (updated feed), exact to the microsecond. */
  at: Instant;
}

export interface FeedPage {
  nodes: FeedEntry[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

type FeedRow = { userId: unknown; at: unknown };

/**
 * The two sync feeds of role membership (docs/product.md §3 usersRemovedFromRole,
 * usersUpdatedByRole), admin-only. Both are ordered by their time, then user id, and paged by a
 * keyset cursor on exactly that pair (times exact to the microsecond, db/instant.ts), signed and
 * bound to the org, role and `since`: a client that keeps `since` and resumes with the last
 * `endCursor` (also on its next poll) sees every change once, with no gap and no repeat.
 *
 * Settling: a change is listed only once it is `settleMs` old. Its time is stamped inside its
 * transaction, before the commit; without the delay a poll could pass a time whose transaction
 * commits a moment later, and the cursor would skip that change for good.
 *
 * One assignment row per (role, user): unassigning sets removedAt and keeps the row, so "who lost
 * this role since T" can be answered; every change of the holder's record stamps updatedAt
 * (role-feed-stamps.ts).
 */
export class RoleFeedService {
  constructor(
    private readonly audit: AuditService,
    private readonly cursorKey: CursorKey,
    private readonly settleMs: number,
  ) {}

  /**
   * Users who lost the role at or after `since` and do not hold it now, oldest removal first
   * (admin-only). Keyset on (removedAt, userId) over index (roleId, removedAt, userId).
   * A user who has since left the org is still listed, by id.
   */
  async usersRemovedFromRole(ctx: RequestContext, args: FeedArgs): Promise<FeedPage> {
    const feed = await this.prepareFeed(ctx, 'roles.removed_feed', 'role-removed', args);
    const rows = await rawQuery<FeedRow>(
      feed.s.manager,
      `SELECT ra.userId, ra.removedAt AS at FROM ${tableWithIndex(dialectOf(feed.s), 'role_assignments', 'ra', 'IDX_role_assignments_role_removed')}
        WHERE ra.roleId = :roleId AND ra.removedAt >= :since AND ra.removedAt <= :settled${feed.seekSql('ra.removedAt')}
          AND NOT EXISTS (SELECT 1 FROM role_assignments cur WHERE cur.roleId = ra.roleId AND cur.userId = ra.userId AND cur.removedAt IS NULL)
        ORDER BY ra.removedAt, ra.userId LIMIT ${feed.first + 1}`,
      feed.params,
    );
    return this.feedPage(rows, feed);
  }

  /**
   * Current holders of the role whose assignment or member record (profile, membership flags)
   * changed at or after `since`, by the time of that change (admin-only). Keyset on
   * (updatedAt, userId) over index (roleId, updatedAt, userId).
   */
  async usersUpdatedByRole(ctx: RequestContext, args: FeedArgs): Promise<FeedPage> {
    const feed = await this.prepareFeed(ctx, 'roles.updated_feed', 'role-updated', args);
    const rows = await rawQuery<FeedRow>(
      feed.s.manager,
      `SELECT ra.userId, ra.updatedAt AS at
         FROM ${tableWithIndex(dialectOf(feed.s), 'role_assignments', 'ra', 'IDX_role_assignments_role_updated')}
         JOIN memberships m ON m.orgId = :orgId AND m.userId = ra.userId
        WHERE ra.roleId = :roleId AND ra.updatedAt >= :since AND ra.updatedAt <= :settled AND ra.removedAt IS NULL${feed.seekSql('ra.updatedAt')}
        ORDER BY ra.updatedAt, ra.userId LIMIT ${feed.first + 1}`,
      { ...feed.params, orgId: sessionOrgId(feed.s) },
    );
    return this.feedPage(rows, feed);
  }

  private async prepareFeed(ctx: RequestContext, action: AuditActionName, kind: string, args: FeedArgs): Promise<PreparedFeed> {
    const s = await authorize(ctx, this.audit, Op.RoleFeedRead, { action });
    const { roleId, since } = args;
    assertThat(since instanceof Date && !Number.isNaN(since.getTime()), () => new BadUserInputError('since must be a date-time.', 'since'));
    const first = pageSize(args.first, PAGE_LIMITS.roleFeeds);
    await loadRole(s, roleId);
    const sinceExact = toInstant(since);
    const binding = JSON.stringify([kind, sessionOrgId(s), roleId, sinceExact.toISOString()]);
    const seek = this.decodeFeedCursor(binding, args.after);
    const settled = Instant.fromEpochMicros(nowInstant().epochMicros - this.settleMs * 1000);
    const params: Record<string, unknown> = { roleId, since: sinceExact, settled, ...(seek ? { k: seek.at, id: seek.id } : {}) };
    return {
      s,
      first,
      binding,
      after: args.after ?? null,
      params,
      seekSql: (column) => (seek ? ` AND ${column} >= :k AND (${column} > :k OR ra.userId > :id)` : ''),
    };
  }

  private decodeFeedCursor(binding: string, after: string | null | undefined): { at: Instant; id: number } | null {
    if (after === null || after === undefined) {
      return null;
    }
    const seek = decodeSeek(this.cursorKey, binding, after);
    let at: Instant | null = null;
    try {
      at = typeof seek?.k === 'string' ? parseInstant(seek.k, 'after') : null;
    } catch {
      at = null;
    }
    assertThat(seek && at, () => new BadUserInputError('after is not a cursor of this feed.', 'after'));
    return { at, id: seek.id };
  }

  /**
   * One page. `endCursor` is the position after the last entry; on an empty page it is the
   * `after` the client sent, so a poller can always resume from `endCursor`.
   */
  private feedPage(rows: FeedRow[], feed: PreparedFeed): FeedPage {
    const nodes = rows.slice(0, feed.first).map((r) => ({ userId: Number(r.userId), at: instantFromDb(r.at)! }));
    const last = nodes[nodes.length - 1];
    const endCursor = last ? encodeSeek(this.cursorKey, feed.binding, { k: last.at.toISOString(), id: last.userId }) : feed.after;
    return { nodes, pageInfo: { hasNextPage: rows.length > feed.first, endCursor } };
  }
}

interface PreparedFeed {
  s: SessionContext;
  first: number;
  binding: string;
  after: string | null;
  params: Record<string, unknown>;
  seekSql: (column: string) => string;
}
