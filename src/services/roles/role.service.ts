import type { RequestContext, SessionContext } from '../../context';
import { Role, UserGroup, UserGroupMember } from '../../entities';
import { LessThan, MoreThan } from 'typeorm';
import { BadUserInputError, ConflictError, NotFoundError, assertThat } from '../../errors';
import { rawExecute, rawQuery } from '../../db/raw';
import { claimRow } from '../../db/locks';
import { withTransaction } from '../../db/transaction';
import { nowInstant } from '../../db/instant';
import type { AuditService } from '../audit/audit.service';
import { Op, authorize } from '../access/policy';
import { PAGE_LIMITS, connectionOf, pageWindow, type Connection, type Lazy, type PageArgs } from '../common/paging';
import { loadMember, sessionOrgId } from '../common/tenancy';
import { decodeSeek, encodeSeek, type CursorKey } from '../../security/cursor';
import { cleanName } from '../common/validation';
import type { AuditActionName } from '../audit/audit-vocabulary';

type Named = { id: number; name: string };

/** A page of roles or groups, with the org's total (computed only when selected). */
export type NamedSetPage<T> = Connection<T> & { totalCount: Lazy<number> };

/**
 * Roles and user groups of the session's org: listing, creating, membership changes (admin,
 * audited, idempotent). The sync feeds of role membership are RoleFeedService.
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

  /** A page of the org's roles by name (admin-only: role data is admin data, rule 4). */
  async listRoles(ctx: RequestContext, args: PageArgs): Promise<NamedSetPage<Role>> {
    const s = await authorize(ctx, this.audit, Op.RolesRead, { action: 'roles.list' });
    return this.pageNamed(s, Role, 'roles', args);
  }

  /** A page of the org's user groups by name (admin-only). */
  async listGroups(ctx: RequestContext, args: PageArgs): Promise<NamedSetPage<UserGroup>> {
    const s = await authorize(ctx, this.audit, Op.GroupsRead, { action: 'groups.list' });
    return this.pageNamed(s, UserGroup, 'groups', args);
  }

  /**
   * Keyset page by name over the unique (orgId, name) index: the name alone is the position (it
   * is unique in the org, so it needs no tie-breaker), compared in the index's own collation.
   * totalCount counts the org's prefix of that index, only when selected.
   */
  private async pageNamed<T extends Role | UserGroup>(
    s: SessionContext,
    entity: new () => T,
    kind: string,
    args: PageArgs,
  ): Promise<NamedSetPage<T>> {
    const w = pageWindow(args, PAGE_LIMITS.namedSets);
    const orgId = sessionOrgId(s);
    const binding = JSON.stringify([kind, orgId]);
    let from: string | null = null;
    if (w.cursor !== null) {
      const seek = decodeSeek(this.cursorKey, binding, w.cursor);
      assertThat(typeof seek?.k === 'string', () => new BadUserInputError(`${w.cursorField} is not a cursor of this list.`, w.cursorField));
      from = seek.k;
    }
    const walk = (name: string | null, backward: boolean, take: number): Promise<T[]> =>
      s.manager.find(entity, {
        where: { orgId, ...(name === null ? {} : { name: backward ? LessThan(name) : MoreThan(name) }) } as never,
        order: { name: backward ? 'DESC' : 'ASC' } as never,
        take,
      });
    const rows = await walk(from, w.backward, w.size + 1);
    const page = connectionOf(rows, w, {
      node: (r) => r,
      cursor: (r) => encodeSeek(this.cursorKey, binding, { k: r.name, id: r.id }),
      behind: async (r) => (await walk(r.name, !w.backward, 1)).length > 0,
    });
    return { ...page, totalCount: () => s.manager.count(entity, { where: { orgId } as never }) };
  }

  /** A new role (admin, audited); CONFLICT when the org already has one of that name. */
  async createRole(ctx: RequestContext, name: string): Promise<Role> {
    return this.createNamed(ctx, Role, Op.RoleCreate, 'role.create', name);
  }

  /** A new user group (admin, audited); CONFLICT when the org already has one of that name. */
  async createUserGroup(ctx: RequestContext, name: string): Promise<UserGroup> {
    return this.createNamed(ctx, UserGroup, Op.GroupCreate, 'group.create', name);
  }

  /** Gives a member a role (admin, audited). Already holding it is a no-op that records nothing. */
  async assignRole(ctx: RequestContext, userId: number, roleId: number): Promise<boolean> {
    const s = await this.prepare(ctx, Op.RoleAssign, 'role.assign', userId);
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
      const now = nowInstant();
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
          { orgId: sessionOrgId(s), roleId, userId, now },
        );
      }
      await this.audit.recordChange(tx, { action: 'role.assign', targetUserId: userId, changes: { role: { before: null, after: role } } });
      return true;
    });
  }

  /** Takes a role away (admin, audited): sets removedAt, keeps the row for usersRemovedFromRole. No-op when not held. */
  async unassignRole(ctx: RequestContext, userId: number, roleId: number): Promise<boolean> {
    const s = await this.prepare(ctx, Op.RoleAssign, 'role.unassign', userId);
    return withTransaction(s, async (tx) => {
      const role = await this.lock(tx, 'roles', roleId, 'Role');
      const now = nowInstant();
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
  async addToGroup(ctx: RequestContext, userId: number, groupId: number): Promise<boolean> {
    const s = await this.prepare(ctx, Op.GroupMemberChange, 'group.add_member', userId);
    return withTransaction(s, async (tx) => {
      const group = await this.lock(tx, 'user_groups', groupId, 'Group');
      if (await tx.manager.findOne(UserGroupMember, { where: { groupId, userId } })) {
        return false;
      }
      await tx.manager.insert(UserGroupMember, { orgId: sessionOrgId(s), groupId, userId });
      await this.audit.recordChange(tx, {
        action: 'group.add_member',
        targetUserId: userId,
        changes: { group: { before: null, after: group } },
      });
      return true;
    });
  }

  /** Removes a member from a group (admin, audited). Not in it: no-op, nothing recorded. */
  async removeFromGroup(ctx: RequestContext, userId: number, groupId: number): Promise<boolean> {
    const s = await this.prepare(ctx, Op.GroupMemberChange, 'group.remove_member', userId);
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

  /* ------------------------------------------------------------------------------------- */

  private async createNamed<T extends Role | UserGroup>(
    ctx: RequestContext,
    entity: typeof Role | typeof UserGroup,
    op: Op,
    action: AuditActionName,
    nameArg: string,
  ): Promise<T> {
    const s = await authorize(ctx, this.audit, op, { action });
    const name = cleanName(nameArg, 'name');
    return withTransaction(s, async (tx) => {
      const orgId = sessionOrgId(s);
      if (await tx.manager.findOne(entity, { where: { orgId, name } })) {
        throw new ConflictError(`The org already has one named "${name}".`);
      }
      const saved = (await tx.manager.save(entity, tx.manager.create(entity, { orgId, name }))) as T;
      await this.audit.recordChange(tx, { action, changes: { name: { before: null, after: name }, id: saved.id } });
      return saved;
    });
  }

  /** Admin check (audited) and the target member (NOT_FOUND outside the org). */
  private async prepare(ctx: RequestContext, op: Op, action: AuditActionName, userId: number): Promise<SessionContext> {
    const s = await authorize(ctx, this.audit, op, { action, target: { userId } });
    await loadMember(s, { id: userId });
    return s;
  }

  /**
   * Locks the role/group row for the rest of the transaction (changes of one role or group are
   * serialised, so two concurrent assignments cannot both insert) and returns its name. A row
   * of another org is NOT_FOUND, the same as a missing one.
   */
  private async lock(tx: RequestContext, table: 'roles' | 'user_groups', id: number, what: string): Promise<Named> {
    await claimRow(tx.manager, table, id);
    const [row] = await rawQuery<{ name: string }>(tx.manager, `SELECT name FROM ${table} WHERE id = :id AND orgId = :orgId`, {
      id,
      orgId: sessionOrgId(tx as SessionContext),
    });
    assertThat(row, () => new NotFoundError(what));
    return { id, name: row.name };
  }
}
