import { In, type EntityManager } from 'typeorm';
import type { RequestContext } from '../context';
import { Membership, Role, User, UserGroup } from '../entities';
import { NotFoundError } from '../errors';
import { rawQuery, toBool, toDate } from '../db/raw';
import { requestLoader } from './loaders';
import { requireSession } from './tenancy';

/** A membership row read with raw SQL (MEMBERSHIP_COLUMNS), as the entity. */
export function membershipFromRow(row: Record<string, unknown>): Membership {
  const m = new Membership();
  Object.assign(m, {
    id: Number(row.id),
    orgId: Number(row.orgId),
    userId: Number(row.userId),
    isActive: toBool(row.isActive),
    isAdmin: toBool(row.isAdmin),
    allAccess: toBool(row.allAccess),
    portalAccess: toBool(row.portalAccess),
    mfaOptOut: toBool(row.mfaOptOut),
    mfaOptOutUntil: toDate(row.mfaOptOutUntil),
    mfaOptOutReason: (row.mfaOptOutReason as string | null) ?? null,
    mfaOptOutAt: toDate(row.mfaOptOutAt),
    mfaOptOutByUserId: row.mfaOptOutByUserId == null ? null : Number(row.mfaOptOutByUserId),
    excludeFromMembershipCount: toBool(row.excludeFromMembershipCount),
    hasAdvancedPermissions: toBool(row.hasAdvancedPermissions),
    version: Number(row.version),
    nameKey: row.nameKey as string,
    fullNameKey: row.fullNameKey as string,
    emailKey: row.emailKey as string,
    lastLoginAt: toDate(row.lastLoginAt),
    createdAt: toDate(row.createdAt)!,
    updatedAt: toDate(row.updatedAt)!,
  });
  return m;
}

/** The users columns a listed member needs (never the password hash). */
export const USER_COLUMNS = 'id, externalRef, firstName, lastName, email, emailKey, language, lastLoginAt, createdAt, updatedAt, deletedAt';

/** A users row read with raw SQL (USER_COLUMNS), as the entity. */
export function userFromRow(row: Record<string, unknown>): User {
  const u = new User();
  Object.assign(u, {
    id: Number(row.id),
    externalRef: (row.externalRef as string | null) ?? null,
    firstName: row.firstName as string,
    lastName: row.lastName as string,
    email: row.email as string,
    emailKey: row.emailKey as string,
    language: row.language as string,
    lastLoginAt: toDate(row.lastLoginAt),
    createdAt: toDate(row.createdAt)!,
    updatedAt: toDate(row.updatedAt)!,
    deletedAt: toDate(row.deletedAt),
  });
  return u;
}

/*
 * Batch readers: one statement for any number of users (callers keep batches at or under 1000).
 * Used by the per-request DataLoaders below (GraphQL fields) and by the CSV iterator directly.
 */

/** Runs a `userId, id, name, createdAt` query and groups the named rows (roles or groups) by user. */
async function namedByUser<T extends Role | UserGroup>(
  manager: EntityManager,
  orgId: number,
  userIds: readonly number[],
  make: () => T,
  sql: string,
): Promise<Map<number, T[]>> {
  const out = new Map<number, T[]>();
  if (userIds.length === 0) {
    return out;
  }
  const rows = await rawQuery<{ userId: unknown; id: unknown; name: string; createdAt: unknown }>(manager, sql, {
    orgId,
    ids: [...userIds],
  });
  for (const r of rows) {
    const list = out.get(Number(r.userId)) ?? [];
    list.push(Object.assign(make(), { id: Number(r.id), orgId, name: r.name, createdAt: toDate(r.createdAt)! }));
    out.set(Number(r.userId), list);
  }
  return out;
}

/** Current roles (assignment not removed) of each user in the org, by name. */
export function rolesByUser(manager: EntityManager, orgId: number, userIds: readonly number[]): Promise<Map<number, Role[]>> {
  return namedByUser(
    manager,
    orgId,
    userIds,
    () => new Role(),
    `SELECT ra.userId, r.id, r.name, r.createdAt FROM role_assignments ra JOIN roles r ON r.id = ra.roleId
      WHERE ra.orgId = :orgId AND ra.userId IN (:...ids) AND ra.removedAt IS NULL ORDER BY r.name, r.id`,
  );
}

/** Groups of each user in the org, by name. */
export function groupsByUser(manager: EntityManager, orgId: number, userIds: readonly number[]): Promise<Map<number, UserGroup[]>> {
  return namedByUser(
    manager,
    orgId,
    userIds,
    () => new UserGroup(),
    `SELECT gm.userId, g.id, g.name, g.createdAt FROM user_group_members gm JOIN user_groups g ON g.id = gm.groupId
      WHERE gm.orgId = :orgId AND gm.userId IN (:...ids) ORDER BY g.name, g.id`,
  );
}

/** Users of the org whose membership has a confirmed MFA factor. */
export async function mfaEnrolledUsers(manager: EntityManager, orgId: number, userIds: readonly number[]): Promise<Set<number>> {
  if (userIds.length === 0) {
    return new Set();
  }
  const rows = await rawQuery<{ userId: unknown }>(
    manager,
    `SELECT m.userId FROM memberships m JOIN mfa_factors f ON f.membershipId = m.id
      WHERE m.orgId = :orgId AND m.userId IN (:...ids) AND f.confirmedAt IS NOT NULL`,
    { orgId, ids: [...userIds] },
  );
  return new Set(rows.map((r) => Number(r.userId)));
}

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
export class MemberReadService {
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
