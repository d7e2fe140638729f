import type { RequestContext, SessionContext } from '../../context';
import { BadUserInputError, assertThat } from '../../errors';
import { rawQuery } from '../../db/raw';
import { Instant, instantFromDb, nowInstant, parseInstant, toInstant } from '../../db/instant';
import { dialectOf, tableWithIndex } from '../../db/dialect';
import { decodeSeek, encodeSeek, type CursorKey } from '../../security/cursor';
import type { AuditService } from '../audit/audit.service';
import { Op, authorize } from '../access/policy';
import { PAGE_LIMITS, connectionOf, pageWindow, type Connection, type PageArgs, type PageWindow } from '../common/paging';
import { loadRole, sessionOrgId } from '../common/tenancy';
import type { AuditActionName } from '../audit/audit-vocabulary';

export interface FeedArgs extends PageArgs {
  roleId: number;
  since: Date;
}

interface FeedEntry {
  userId: number;
  /** removedAt (removed feed) or the assignment's updatedAt (updated feed), exact to the microsecond. */
  at: Instant;
}

export type FeedPage = Connection<FeedEntry>;

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
    return this.feedPage(feed, (seek, backward, limit) =>
      rawQuery<FeedRow>(
        feed.s.manager,
        `SELECT ra.userId, ra.removedAt AS at FROM ${tableWithIndex(dialectOf(feed.s), 'role_assignments', 'ra', 'IDX_role_assignments_role_removed')}
          WHERE ra.roleId = :roleId AND ra.removedAt >= :since AND ra.removedAt <= :settled${seekSql('ra.removedAt', seek, backward)}
            AND NOT EXISTS (SELECT 1 FROM role_assignments cur WHERE cur.roleId = ra.roleId AND cur.userId = ra.userId AND cur.removedAt IS NULL)
          ${orderSql('ra.removedAt', backward)} LIMIT ${limit}`,
        { ...feed.params, ...seekParams(seek) },
      ),
    );
  }

  /**
   * Current holders of the role whose assignment or member record (profile, membership flags)
   * changed at or after `since`, by the time of that change (admin-only). Keyset on
   * (updatedAt, userId) over index (roleId, updatedAt, userId).
   */
  async usersUpdatedByRole(ctx: RequestContext, args: FeedArgs): Promise<FeedPage> {
    const feed = await this.prepareFeed(ctx, 'roles.updated_feed', 'role-updated', args);
    return this.feedPage(feed, (seek, backward, limit) =>
      rawQuery<FeedRow>(
        feed.s.manager,
        `SELECT ra.userId, ra.updatedAt AS at
           FROM ${tableWithIndex(dialectOf(feed.s), 'role_assignments', 'ra', 'IDX_role_assignments_role_updated')}
           JOIN memberships m ON m.orgId = :orgId AND m.userId = ra.userId
          WHERE ra.roleId = :roleId AND ra.updatedAt >= :since AND ra.updatedAt <= :settled AND ra.removedAt IS NULL${seekSql('ra.updatedAt', seek, backward)}
          ${orderSql('ra.updatedAt', backward)} LIMIT ${limit}`,
        { ...feed.params, ...seekParams(seek), orgId: sessionOrgId(feed.s) },
      ),
    );
  }

  private async prepareFeed(ctx: RequestContext, action: AuditActionName, kind: string, args: FeedArgs): Promise<PreparedFeed> {
    const s = await authorize(ctx, this.audit, Op.RoleFeedRead, { action });
    const { roleId, since } = args;
    assertThat(since instanceof Date && !Number.isNaN(since.getTime()), () => new BadUserInputError('since must be a date-time.', 'since'));
    const w = pageWindow(args, PAGE_LIMITS.roleFeeds);
    await loadRole(s, roleId);
    const sinceExact = toInstant(since);
    const binding = JSON.stringify([kind, sessionOrgId(s), roleId, sinceExact.toISOString()]);
    const seek = this.decodeFeedCursor(binding, w);
    const settled = Instant.fromEpochMicros(nowInstant().epochMicros - this.settleMs * 1000);
    return { s, w, binding, seek, params: { roleId, since: sinceExact, settled } };
  }

  private decodeFeedCursor(binding: string, w: PageWindow): FeedSeek | null {
    if (w.cursor === null) {
      return null;
    }
    const seek = decodeSeek(this.cursorKey, binding, w.cursor);
    let at: Instant | null = null;
    try {
      at = typeof seek?.k === 'string' ? parseInstant(seek.k, w.cursorField) : null;
    } catch {
      at = null;
    }
    assertThat(seek && at, () => new BadUserInputError(`${w.cursorField} is not a cursor of this feed.`, w.cursorField));
    return { at, id: seek.id };
  }

  /**
   * One page, read by `walk` from the cursor in the page's direction. `endCursor` is the position
   * after the last entry; on an empty forward page it is the `after` the client sent, so a poller
   * can always resume from `endCursor`.
   */
  private async feedPage(
    feed: PreparedFeed,
    walk: (seek: FeedSeek | null, backward: boolean, limit: number) => Promise<FeedRow[]>,
  ): Promise<FeedPage> {
    const { w } = feed;
    const rows = await walk(feed.seek, w.backward, w.size + 1);
    const entry = (r: FeedRow): FeedEntry => ({ userId: Number(r.userId), at: instantFromDb(r.at)! });
    const page = connectionOf(rows, w, {
      node: entry,
      cursor: (r) => {
        const e = entry(r);
        return encodeSeek(this.cursorKey, feed.binding, { k: e.at.toISOString(), id: e.userId });
      },
      behind: async (r) => {
        const e = entry(r);
        return (await walk({ at: e.at, id: e.userId }, !w.backward, 1)).length > 0;
      },
    });
    if (page.nodes.length === 0 && !w.backward) {
      page.pageInfo.endCursor = w.cursor;
    }
    return page;
  }
}

interface FeedSeek {
  at: Instant;
  id: number;
}

/** The guarded keyset seek over (time, userId), in either direction (docs/graphql.md). */
function seekSql(column: string, seek: FeedSeek | null, backward: boolean): string {
  if (!seek) {
    return '';
  }
  return backward
    ? ` AND ${column} <= :k AND (${column} < :k OR ra.userId < :id)`
    : ` AND ${column} >= :k AND (${column} > :k OR ra.userId > :id)`;
}

function seekParams(seek: FeedSeek | null): Record<string, unknown> {
  return seek ? { k: seek.at, id: seek.id } : {};
}

function orderSql(column: string, backward: boolean): string {
  const d = backward ? 'DESC' : 'ASC';
  return `ORDER BY ${column} ${d}, ra.userId ${d}`;
}

interface PreparedFeed {
  s: SessionContext;
  w: PageWindow;
  binding: string;
  seek: FeedSeek | null;
  params: Record<string, unknown>;
}
