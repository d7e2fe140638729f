import { In, type EntityManager } from 'typeorm';
import type { RequestContext } from '../../context';
import { Membership, type Role, type UserGroup } from '../../entities';
import { rawQuery } from '../../db/raw';
import { UnauthenticatedError } from '../../errors';
import { requestLoader } from '../common/loaders';
import { groupsByUser, mfaEnrolledUsers, rolesByUser, USER_COLUMNS } from './member-rows';
import { memberView, type AccountOfMember, type MemberView } from './member-view';

/** The session's org: these loaders only ever read one org's rows (the doors gate them by the policy first). */
function orgOf(ctx: RequestContext): number {
  if (!ctx.principal) {
    throw new UnauthenticatedError();
  }
  return ctx.principal.orgId;
}

/** One value per user of the session's org, read for all users of the request in one batch. */
function perUser<V>(
  ctx: RequestContext,
  name: string,
  userId: number,
  read: (manager: EntityManager, orgId: number, ids: readonly number[]) => Promise<(id: number) => V>,
): Promise<V> {
  const orgId = orgOf(ctx);
  const loader = requestLoader<number, V>(ctx, `${name}:${orgId}`, async (ids) => {
    const get = await read(ctx.manager, orgId, ids);
    return ids.map(get);
  });
  return loader.load(userId);
}

/** Batched reads of per-member data in the session's org (used by list and object fields). */
export class MemberLoaderService {
  /** The user's current roles in the caller's org. */
  rolesOf(ctx: RequestContext, userId: number): Promise<Role[]> {
    return perUser(ctx, 'roles', userId, async (manager, orgId, ids) => {
      const byUser = await rolesByUser(manager, orgId, ids);
      return (id) => byUser.get(id) ?? [];
    });
  }

  /** The user's groups in the caller's org. */
  groupsOf(ctx: RequestContext, userId: number): Promise<UserGroup[]> {
    return perUser(ctx, 'groups', userId, async (manager, orgId, ids) => {
      const byUser = await groupsByUser(manager, orgId, ids);
      return (id) => byUser.get(id) ?? [];
    });
  }

  /** Whether the user's membership in the caller's org has a confirmed MFA factor. */
  mfaEnrolledOf(ctx: RequestContext, userId: number): Promise<boolean> {
    return perUser(ctx, 'mfaEnrolled', userId, async (manager, orgId, ids) => {
      const enrolled = await mfaEnrolledUsers(manager, orgId, ids);
      return (id) => enrolled.has(id);
    });
  }

  /**
   * A user who is (still) a member of the caller's org, as the org sees them, or null: audit rows
   * and sync feeds name users who may have left; those show only their id (rule 3: nothing about
   * non-members).
   */
  async memberOrNull(ctx: RequestContext, userId: number | null): Promise<MemberView | null> {
    if (userId === null) {
      return null;
    }
    const orgId = orgOf(ctx);
    const loader = requestLoader<number, MemberView | null>(ctx, `member:${orgId}`, async (ids) => {
      const memberships = await ctx.manager.find(Membership, { where: { orgId, userId: In([...ids]) } });
      const accounts = await this.accountsByIds(
        ctx.manager,
        memberships.map((m) => m.userId),
      );
      const byId = new Map<number, MemberView>();
      for (const m of memberships) {
        const account = accounts.get(m.userId);
        if (account) {
          byId.set(m.userId, memberView(account, m));
        }
      }
      return ids.map((id) => byId.get(id) ?? null);
    });
    return loader.load(userId);
  }

  /** Accounts by id (not soft-deleted), for memberships already read: id and email only. */
  async accountsByIds(manager: EntityManager, ids: readonly number[]): Promise<Map<number, AccountOfMember>> {
    if (ids.length === 0) {
      return new Map();
    }
    // Raw SQL: TypeORM's find() spent as much CPU building and hydrating this one statement as
    // the rest of a 50-row page request (`npm run bench`). The password hash is not read.
    const rows = await rawQuery<{ id: unknown; email: string | null }>(
      manager,
      `SELECT ${USER_COLUMNS} FROM users WHERE id IN (:...ids) AND deletedAt IS NULL`,
      { ids: [...ids] },
    );
    return new Map(rows.map((r) => [Number(r.id), { id: Number(r.id), email: r.email }]));
  }
}
