import type { EntityManager } from 'typeorm';
import { nowInstant } from '../../db/instant';
import { rawExecute, rawQuery } from '../../db/raw';

/**
 * usersUpdatedByRole lists the current holders of a role whose assignment or member record changed
 * since a time. The time is kept on the assignment row itself (role_assignments.updatedAt, exact to
 * the microsecond), so the feed is one keyset walk of the index (roleId, updatedAt, userId). Every
 * change of a member's record (profile, membership flags) calls this in its own transaction, so
 * the stamp commits with the change. `orgIds`: the orgs whose view of the member changed (omit for
 * an account-level change, which every org of the user sees).
 */
export async function touchRoleFeeds(manager: EntityManager, userId: number, orgIds?: readonly number[]): Promise<void> {
  const orgs =
    orgIds ??
    (await rawQuery<{ orgId: unknown }>(manager, 'SELECT orgId FROM memberships WHERE userId = :userId', { userId })).map((r) =>
      Number(r.orgId),
    );
  for (const orgId of orgs) {
    // One org at a time: the statement is a range of the index (orgId, userId).
    await rawExecute(
      manager,
      'UPDATE role_assignments SET updatedAt = :now WHERE orgId = :orgId AND userId = :userId AND removedAt IS NULL',
      { now: nowInstant(), orgId, userId },
    );
  }
}
