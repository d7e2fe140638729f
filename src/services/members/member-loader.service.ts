import { In, type EntityManager } from 'typeorm';
import type { RequestContext } from '../../context';
import { Membership, type Role, User, type UserGroup } from '../../entities';
import { NotFoundError } from '../../errors';
import { rawQuery } from '../../db/raw';
import { requireSession } from '../access/access-guards';
import { requestLoader } from '../common/loaders';
import { groupsByUser, mfaEnrolledUsers, rolesByUser, USER_COLUMNS, userFromRow } from './member-rows';

/** One value per user of the session's org, read for all users of the request in one batch. */
function perUser<V>(
  ctx: RequestContext,
  name: string,
  userId: number,
  read: (manager: EntityManager, orgId: number, ids: readonly number[]) => Promise<(id: number) => V>,
): Promise<V> {
  const s = requireSession(ctx);
  const orgId = s.principal.orgId;
  const loader = requestLoader<number, V>(s, `${name}:${orgId}`, async (ids) => {
    const get = await read(s.manager, orgId, ids);
    return ids.map(get);
  });
  return loader.load(userId);
}

/** Batched reads of per-member data in the session's org (used by list and object fields). */
export class MemberLoaderService {
  private membershipLoader(ctx: RequestContext) {
    const s = requireSession(ctx);
    const orgId = s.principal.orgId;
    return requestLoader<number, Membership | null>(s, `membership:${orgId}`, async (ids) => {
      const rows = await s.manager.find(Membership, { where: { orgId, userId: In([...ids]) } });
      const byUser = new Map(rows.map((m) => [m.userId, m]));
      return ids.map((id) => byUser.get(id) ?? null);
    });
  }

  /** The user's membership in the caller's org (NOT_FOUND if none), batched per request. */
  async membershipOf(ctx: RequestContext, userId: number): Promise<Membership> {
    const m = await this.membershipLoader(ctx).load(userId);
    if (!m) {
      throw new NotFoundError();
    }
    return m;
  }

  /** Memberships already read (a list page) go into the request's loader: no second query. */
  primeMemberships(ctx: RequestContext, memberships: Membership[]): void {
    const loader = this.membershipLoader(ctx);
    for (const m of memberships) {
      loader.prime(m.userId, m);
    }
  }

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
   * A user who is (still) a member of the caller's org, or null: audit rows and sync feeds name
   * users who may have left; those show only their id (rule 3: nothing about non-members).
   */
  async memberUserOrNull(ctx: RequestContext, userId: number | null): Promise<User | null> {
    if (userId === null) {
      return null;
    }
    const s = requireSession(ctx);
    const orgId = s.principal.orgId;
    const loader = requestLoader<number, User | null>(s, `memberUser:${orgId}`, async (ids) => {
      const rows = await s.manager
        .createQueryBuilder(User, 'u')
        .innerJoin(Membership, 'm', 'm.userId = u.id AND m.orgId = :orgId', { orgId })
        .where('u.id IN (:...ids)', { ids: [...ids] })
        .getMany();
      const byId = new Map(rows.map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    return loader.load(userId);
  }

  /** Users by id (not soft-deleted), for a page whose memberships were already read. */
  async usersByIds(manager: EntityManager, ids: readonly number[]): Promise<Map<number, User>> {
    if (ids.length === 0) {
      return new Map();
    }
    // Raw SQL: TypeORM's find() spent as much CPU building and hydrating this one statement as
    // the rest of a 50-row page request (`npm run bench`). The password hash is not read.
    const rows = await rawQuery(manager, `SELECT ${USER_COLUMNS} FROM users WHERE id IN (:...ids) AND deletedAt IS NULL`, {
      ids: [...ids],
    });
    return new Map(rows.map((r) => [Number(r.id), userFromRow(r)]));
  }
}
