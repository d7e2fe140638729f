/**
 * The SQL of one `users(first: N)` request, for the raw baseline. Keep it equal to what the
 * service runs (the benchmark prints the statements the server ran beside these).
 */

/** services/session.service.ts resolve(). */
export const SESSION_SQL = `SELECT s.id, s.userId, s.orgId, s.membershipId, s.kind, s.impersonatorUserId, s.expiresAt, m.isAdmin
         FROM sessions s
         JOIN memberships m ON m.id = s.membershipId
         JOIN users u ON u.id = s.userId
        WHERE s.tokenHash = ? AND s.revokedAt IS NULL AND s.expiresAt > ?
          AND m.isActive = ? AND u.deletedAt IS NULL`;

/** The first keyset page by last name (PERFORMANCE.md: ORDER BY matching (orgId, nameKey, userId)). */
export function firstPageSql(orgId: number, limit: number): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT m.id, m.orgId, m.userId, m.isActive, m.isAdmin, m.allAccess, m.portalAccess, m.mfaOptOut, m.mfaOptOutUntil,
            m.mfaOptOutReason, m.mfaOptOutAt, m.mfaOptOutByUserId, m.excludeFromMembershipCount, m.hasAdvancedPermissions,
            m.version, m.nameKey, m.fullNameKey, m.emailKey, m.lastLoginAt, m.createdAt, m.updatedAt
       FROM memberships m FORCE INDEX (IDX_memberships_org_name)
      WHERE m.orgId = ? ORDER BY m.nameKey ASC, m.userId ASC LIMIT ${Math.trunc(limit)}`,
    params: [orgId],
  };
}

/** The page's users in one IN (...) (PERFORMANCE.md: one query, not one per row). */
export function usersSql(ids: number[]): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT u.id, u.externalRef, u.firstName, u.lastName, u.email, u.emailKey, u.language, u.lastLoginAt, u.createdAt,
            u.updatedAt, u.deletedAt FROM users u WHERE u.id IN (${ids.map(() => '?').join(', ')}) AND u.deletedAt IS NULL`,
    params: ids,
  };
}
