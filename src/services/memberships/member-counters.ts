import type { EntityManager } from 'typeorm';
import { SeatLimitReachedError } from '../../errors';
import { rawExecute } from '../../db/raw';

/** The parts of a membership that the org's counters depend on; null = no membership. */
export type CountedState = { isActive: boolean; excludeFromMembershipCount: boolean } | null;

const seated = (s: CountedState): boolean => !!s && s.isActive && !s.excludeFromMembershipCount;

/**
 * Moves the org's counters (enabled, inactive, seats) from one membership state to another, in
 * the caller's transaction. A move that takes a seat is one conditional UPDATE that succeeds
 * only while a seat is free, so two concurrent activations cannot both take the last seat
 * (docs/product.md rule 7); otherwise SEAT_LIMIT_REACHED and the caller's transaction rolls back.
 */
export async function moveMemberCounters(
  manager: EntityManager,
  orgId: number,
  before: CountedState,
  after: CountedState,
  opts: { enforceSeatLimit?: boolean } = {},
): Promise<void> {
  const dEnabled = (after?.isActive ? 1 : 0) - (before?.isActive ? 1 : 0);
  const dInactive = (after && !after.isActive ? 1 : 0) - (before && !before.isActive ? 1 : 0);
  const dSeats = (seated(after) ? 1 : 0) - (seated(before) ? 1 : 0);
  if (dEnabled === 0 && dInactive === 0 && dSeats === 0) {
    return;
  }
  const guard = dSeats > 0 && (opts.enforceSeatLimit ?? true) ? ' AND (licensedSeats IS NULL OR seatCount + :dSeats <= licensedSeats)' : '';
  const changed = await rawExecute(
    manager,
    `UPDATE orgs SET enabledCount = enabledCount + :dEnabled, inactiveCount = inactiveCount + :dInactive,
            seatCount = seatCount + :dSeats WHERE id = :orgId${guard}`,
    { dEnabled, dInactive, dSeats, orgId },
  );
  if (changed === 0) {
    throw new SeatLimitReachedError();
  }
}

/** Recomputes the counters from the memberships (tests; the bulk seed computes them in SQL). */
export async function rebuildMemberCounters(manager: EntityManager, orgId: number): Promise<void> {
  await rawExecute(
    manager,
    `UPDATE orgs SET
       enabledCount = (SELECT COUNT(*) FROM memberships m WHERE m.orgId = :orgId AND m.isActive = :yes),
       inactiveCount = (SELECT COUNT(*) FROM memberships m WHERE m.orgId = :orgId AND m.isActive = :no),
       seatCount = (SELECT COUNT(*) FROM memberships m WHERE m.orgId = :orgId AND m.isActive = :yes AND m.excludeFromMembershipCount = :no)
     WHERE id = :orgId`,
    { orgId, yes: true, no: false },
  );
}
