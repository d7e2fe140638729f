import type { EntityManager } from 'typeorm';
import { Membership, Role, UserGroup, type MembershipStatus } from '../../entities';
import { rawQuery, toBool, toDate } from '../../db/raw';
import { instantFromDb } from '../../db/instant';
import { MEMBERSHIP_FLAGS } from '../memberships/membership-fields';

/**
 * Members read with raw SQL: row -> entity mappers, and batch readers that answer for any number
 * of users in one statement (callers keep batches at or under 1000). The per-request DataLoaders
 * (GraphQL fields) and the CSV export both use them.
 */

/** A membership row read with raw SQL (MEMBERSHIP_COLUMNS), as the entity. */
export function membershipFromRow(row: Record<string, unknown>): Membership {
  const m = new Membership();
  Object.assign(m, {
    id: Number(row.id),
    orgId: Number(row.orgId),
    userId: Number(row.userId),
    firstName: row.firstName as string,
    lastName: row.lastName as string,
    language: row.language as string,
    externalRef: (row.externalRef as string | null) ?? null,
    status: row.status as MembershipStatus,
    inviteEmail: (row.inviteEmail as string | null) ?? null,
    invitedAt: toDate(row.invitedAt),
    invitedByUserId: row.invitedByUserId == null ? null : Number(row.invitedByUserId),
    ...Object.fromEntries(MEMBERSHIP_FLAGS.map((f) => [f, toBool(row[f])])),
    mfaOptOutUntil: instantFromDb(row.mfaOptOutUntil),
    mfaOptOutReason: (row.mfaOptOutReason as string | null) ?? null,
    mfaOptOutAt: toDate(row.mfaOptOutAt),
    mfaOptOutByUserId: row.mfaOptOutByUserId == null ? null : Number(row.mfaOptOutByUserId),
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

/** The account columns a listed member needs: its email, nothing else (never the password hash). */
export const USER_COLUMNS = 'id, email';

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
