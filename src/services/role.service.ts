import type { RequestContext, SessionContext } from '../context';
import { Role, UserGroup, UserGroupMember } from '../entities';
import { BadUserInputError, ConflictError, NotFoundError, assertThat } from '../errors';
import { rawExecute, rawQuery, toDate } from '../db/raw';
import { lockRow } from '../db/locks';
import { withTransaction } from '../db/transaction';
import type { AuditService } from './audit.service';
import { decodeSeek, encodeSeek, type CursorKey, type SeekPosition } from './cursor';
import { requireAdmin } from './guards';
import { dialectOf, tableWithIndex } from './member-query';
import { loadMember } from './tenancy';
import { pageSize, positiveId } from './user-directory.service';
import { cleanName } from './validation';

export const FEED_PAGE_DEFAULT = 100;
export const FEED_PAGE_MAX = 500;
/** Roles and groups of one org are few; the lists are capped all the same. */
export const ROLE_LIST_MAX = 1000;

export interface FeedArgs {
  roleId: string | number;
  since: Date;
  first?: number | null;
  after?: string | null;
}

export interface FeedEntry {
  userId: number;
  /** removedAt (removed feed) or the latest of the assignment's and the user's updatedAt (updated feed). */
  at: Date;
}

export interface FeedPage {
  nodes: FeedEntry[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

type Named = { id: number; name: string };

/**
 * Roles and user groups of the session's org: listing, creating, membership changes (admin,
 * audited, idempotent) and the two sync feeds for role membership.
 *
 * One assignment row per (role, user): unassigning sets removedAt and keeps the row; assigning
 * again clears removedAt on that row (updatedAt moves, so the user shows in usersUpdatedByRole
 * and no longer in usersRemovedFromRole). Changes of one role (or group) are serialised by
 * locking its row first.
 */
export class RoleService {
  constructor(
    private readonly audit: AuditService,
    private readonly cursorKey: CursorKey,
  ) {}

  /** The org's roles by name (admin-only: role data is admin data, rule 4). */
  async listRoles(ctx: RequestContext): Promise<Role[]> {
    const s = await requireAdmin(ctx, this.audit, 'roles.list');
    return s.manager.find(Role, { where: { orgId: s.principal.orgId }, order: { name: 'ASC', id: 'ASC' }, take: ROLE_LIST_MAX });
  }

  /** The org's user groups by name (admin-only). */
  async listGroups(ctx: RequestContext): Promise<UserGroup[]> {
    const s = await requireAdmin(ctx, this.audit, 'groups.list');
    return s.manager.find(UserGroup, { where: { orgId: s.principal.orgId }, order: { name: 'ASC', id: 'ASC' }, take: ROLE_LIST_MAX });
  }

  /** A new role (admin, audited); CONFLICT when the org already has one of that name. */
  async createRole(ctx: RequestContext, name: string): Promise<Role> {
    return this.createNamed(ctx, Role, 'role.create', name);
  }

  /** A new user group (admin, audited); CONFLICT when the org already has one of that name. */
  async createUserGroup(ctx: RequestContext, name: string): Promise<UserGroup> {
    return this.createNamed(ctx, UserGroup, 'group.create', name);
  }

  /** Gives a member a role (admin, audited). Already holding it is a no-op that records nothing. */
  async assignRole(ctx: RequestContext, userIdArg: string | number, roleIdArg: string | number): Promise<boolean> {
    const { s, userId, id: roleId } = await this.prepare(ctx, 'role.assign', userIdArg, roleIdArg, 'roleId');
    return withTransaction(s, async (tx) => {
      const role = await this.lock(tx, 'roles', roleId, 'Role');
      const rows = await rawQuery<{ id: unknown; removedAt: unknown }>(
        tx.manager,
        'SELECT id, removedAt FROM role_assignments WHERE roleId = :roleId AND userId = :userId ORDER BY id DESC',
        { roleId, userId },
      );
      if (rows.some((r) => r.removedAt === null)) {
        return false;
      }
      const now = new Date();
      if (rows.length > 0) {
        await rawExecute(tx.manager, 'UPDATE role_assignments SET removedAt = NULL, assignedAt = :now, updatedAt = :now WHERE id = :id', {
          now,
          id: Number(rows[0].id),
        });
      } else {
        // updatedAt from the same clock as assignedAt/removedAt (the feeds compare them with `since`).
        await rawExecute(
          tx.manager,
          'INSERT INTO role_assignments (orgId, roleId, userId, assignedAt, removedAt, updatedAt) VALUES (:orgId, :roleId, :userId, :now, NULL, :now)',
          { orgId: s.principal.orgId, roleId, userId, now },
        );
      }
      await this.audit.recordChange(tx, { action: 'role.assign', targetUserId: userId, changes: { role: { before: null, after: role } } });
      return true;
    });
  }

  /** Takes a role away (admin, audited): sets removedAt, keeps the row for usersRemovedFromRole. No-op when not held. */
  async unassignRole(ctx: RequestContext, userIdArg: string | number, roleIdArg: string | number): Promise<boolean> {
    const { s, userId, id: roleId } = await this.prepare(ctx, 'role.unassign', userIdArg, roleIdArg, 'roleId');
    return withTransaction(s, async (tx) => {
      const role = await this.lock(tx, 'roles', roleId, 'Role');
      const now = new Date();
      const changed = await rawExecute(
        tx.manager,
        'UPDATE role_assignments SET removedAt = :now, updatedAt = :now WHERE roleId = :roleId AND userId = :userId AND removedAt IS NULL',
        { now, roleId, userId },
      );
      if (changed === 0) {
        return false;
      }
      await this.audit.recordChange(tx, {
        action: 'role.unassign',
        targetUserId: userId,
        changes: { role: { before: role, after: null } },
      });
      return true;
    });
  }

  /** Adds a member to a group (admin, audited). Already in it: no-op, nothing recorded. */
  async addToGroup(ctx: RequestContext, userIdArg: string | number, groupIdArg: string | number): Promise<boolean> {
    const { s, userId, id: groupId } = await this.prepare(ctx, 'group.add_member', userIdArg, groupIdArg, 'groupId');
    return withTransaction(s, async (tx) => {
      const group = await this.lock(tx, 'user_groups', groupId, 'Group');
      if (await tx.manager.findOne(UserGroupMember, { where: { groupId, userId } })) {
        return false;
      }
      await tx.manager.insert(UserGroupMember, { orgId: s.principal.orgId, groupId, userId });
      await this.audit.recordChange(tx, {
        action: 'group.add_member',
        targetUserId: userId,
        changes: { group: { before: null, after: group } },
      });
      return true;
    });
  }

  /** Removes a member from a group (admin, audited). Not in it: no-op, nothing recorded. */
  async removeFromGroup(ctx: RequestContext, userIdArg: string | number, groupIdArg: string | number): Promise<boolean> {
    const { s, userId, id: groupId } = await this.prepare(ctx, 'group.remove_member', userIdArg, groupIdArg, 'groupId');
    return withTransaction(s, async (tx) => {
      const group = await this.lock(tx, 'user_groups', groupId, 'Group');
      const changed = await rawExecute(tx.manager, 'DELETE FROM user_group_members WHERE groupId = :groupId AND userId = :userId', {
        groupId,
        userId,
      });
      if (changed === 0) {
        return false;
      }
      await this.audit.recordChange(tx, {
        action: 'group.remove_member',
        targetUserId: userId,
        changes: { group: { before: group, after: null } },
      });
      return true;
    });
  }

  /**
   * Users who lost the role at or after `since` and do not hold it now, oldest removal first
   * (admin-only). Keyset on (removedAt, userId) over index (roleId, removedAt, userId).
   * A user who has since left the org is still listed, by id.
   */
  async usersRemovedFromRole(ctx: RequestContext, args: FeedArgs): Promise<FeedPage> {
    const { s, roleId, since, first } = await this.prepareFeed(ctx, 'roles.removed_feed', args);
    const binding = JSON.stringify(['role-removed', s.principal.orgId, roleId, since.toISOString()]);
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
   * Current holders of the role whose assignment or user record changed at or after `since`,
   * by user id (admin-only). Keyset on userId over index (roleId, removedAt, userId): the walk
   * visits the role's current holders in order and stops after one page of matches.
   */
  async usersUpdatedByRole(ctx: RequestContext, args: FeedArgs): Promise<FeedPage> {
    const { s, roleId, since, first } = await this.prepareFeed(ctx, 'roles.updated_feed', args);
    const binding = JSON.stringify(['role-updated', s.principal.orgId, roleId, since.toISOString()]);
    const seek = this.decodeFeedCursor(binding, args.after, false);
    const params: Record<string, unknown> = { roleId, since, orgId: s.principal.orgId, after: seek?.id ?? 0 };
    const rows = await rawQuery<{ userId: unknown; raUpdated: unknown; uUpdated: unknown }>(
      s.manager,
      `SELECT ra.userId, ra.updatedAt AS raUpdated, u.updatedAt AS uUpdated
         FROM ${tableWithIndex(dialectOf(s), 'role_assignments', 'ra', 'IDX_role_assignments_role_removed')}
         JOIN users u ON u.id = ra.userId
         JOIN memberships m ON m.orgId = :orgId AND m.userId = ra.userId
        WHERE ra.roleId = :roleId AND ra.removedAt IS NULL AND ra.userId > :after AND u.deletedAt IS NULL
          AND (ra.updatedAt >= :since OR u.updatedAt >= :since)
        ORDER BY ra.userId LIMIT ${first + 1}`,
      params,
    );
    return this.feedPage(rows, first, binding, (r) => {
      const a = toDate(r.raUpdated)!;
      const b = toDate(r.uUpdated)!;
      return { userId: Number(r.userId), at: a > b ? a : b, k: null };
    });
  }

  /* ------------------------------------------------------------------------------------- */

  private async createNamed<T extends Role | UserGroup>(
    ctx: RequestContext,
    entity: typeof Role | typeof UserGroup,
    action: string,
    nameArg: string,
  ): Promise<T> {
    const s = await requireAdmin(ctx, this.audit, action);
    const name = cleanName(nameArg, 'name');
    return withTransaction(s, async (tx) => {
      const orgId = s.principal.orgId;
      if (await tx.manager.findOne(entity, { where: { orgId, name } })) {
        throw new ConflictError(`The org already has one named "${name}".`);
      }
      const saved = (await tx.manager.save(entity, tx.manager.create(entity, { orgId, name }))) as T;
      await this.audit.recordChange(tx, { action, changes: { name: { before: null, after: name }, id: saved.id } });
      return saved;
    });
  }

  /** Admin check (audited), the target member (NOT_FOUND outside the org) and the ids. */
  private async prepare(
    ctx: RequestContext,
    action: string,
    userIdArg: string | number,
    idArg: string | number,
    idField: string,
  ): Promise<{ s: SessionContext; userId: number; id: number }> {
    const userId = positiveId(userIdArg, 'userId');
    const s = await requireAdmin(ctx, this.audit, action, userId);
    await loadMember(s, { id: userId });
    return { s, userId, id: positiveId(idArg, idField) };
  }

  /**
   * Locks the role/group row for the rest of the transaction (changes of one role or group are
   * serialised, so two concurrent assignments cannot both insert) and returns its name. A row
   * of another org is NOT_FOUND, the same as a missing one.
   */
  private async lock(tx: RequestContext, table: 'roles' | 'user_groups', id: number, what: string): Promise<Named> {
    await lockRow(tx.manager, table, id);
    const [row] = await rawQuery<{ name: string }>(tx.manager, `SELECT name FROM ${table} WHERE id = :id AND orgId = :orgId`, {
      id,
      orgId: tx.principal!.orgId,
    });
    assertThat(row, () => new NotFoundError(what));
    return { id, name: row.name };
  }

  private async prepareFeed(
    ctx: RequestContext,
    action: string,
    args: FeedArgs,
  ): Promise<{ s: SessionContext; roleId: number; since: Date; first: number }> {
    const s = await requireAdmin(ctx, this.audit, action);
    const roleId = positiveId(args.roleId, 'roleId');
    const since = args.since;
    assertThat(since instanceof Date && !Number.isNaN(since.getTime()), () => new BadUserInputError('since must be a date-time.', 'since'));
    const first = pageSize(args.first, 'first', FEED_PAGE_MAX, FEED_PAGE_DEFAULT);
    const role = await s.manager.findOne(Role, { where: { id: roleId, orgId: s.principal.orgId } });
    assertThat(role, () => new NotFoundError('Role'));
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
