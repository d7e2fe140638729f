import type { RequestContext } from '../../context';
import type { Membership } from '../../entities';
import { withTransaction } from '../../db/transaction';
import { rawExecute, rawQuery } from '../../db/raw';
import { epochMicros, instantFromDb, nowInstant, type Instant } from '../../db/instant';
import type { AuditService } from '../audit/audit.service';
import type { NotificationService } from '../notifications/notification.service';

const EXPIRED_ACTION = 'membership.mfa_opt_out_expired';
/** Memberships looked at per sweep statement (the sweep repeats until none is left). */
const SWEEP_BATCH = 500;

interface ExpiredOptOut {
  membershipId: number;
  orgId: number;
  userId: number;
  until: Instant;
}

/**
 * The "opt-out expired" security notice (docs/product.md rule 16b). An opt-out whose
 * mfaOptOutUntil has passed is enforcement again by itself (rule 9); this only tells the member,
 * through the outbox, once per expiry:
 *
 * - a sweep that the server runs every MFA_OPT_OUT_SWEEP_INTERVAL_MS (server.ts), and
 * - the member's next sign-in, so the notice is never later than the moment it matters.
 *
 * Exactly once, with any number of server processes: the notice is written in the same
 * transaction as one conditional UPDATE that claims the membership row (mfaOptOutExpiryNotifiedAt
 * from NULL, for that very mfaOptOutUntil); whoever loses the claim writes nothing. Granting or
 * changing the opt-out clears the claim (MembershipService), so the next expiry is told again.
 */
export class OptOutExpiryService {
  constructor(
    private readonly audit: AuditService,
    private readonly notifications: NotificationService,
  ) {}

  /** Notifies every expired opt-out not notified yet; returns how many notices this call wrote. */
  async sweep(ctx: RequestContext, now: Instant = nowInstant()): Promise<number> {
    let written = 0;
    for (;;) {
      // A range of IDX_memberships_optout_expiry: (NULL, until <= now).
      const rows = await rawQuery<Record<string, unknown>>(
        ctx.manager,
        `SELECT id, orgId, userId, mfaOptOutUntil FROM memberships
          WHERE mfaOptOutExpiryNotifiedAt IS NULL AND mfaOptOutUntil <= :now AND mfaOptOut = :yes
          ORDER BY mfaOptOutUntil LIMIT ${SWEEP_BATCH}`,
        { now, yes: true },
      );
      let claimed = 0;
      for (const r of rows) {
        const expired = {
          membershipId: Number(r.id),
          orgId: Number(r.orgId),
          userId: Number(r.userId),
          until: instantFromDb(r.mfaOptOutUntil)!,
        };
        if (await withTransaction(ctx, (tx) => this.claimAndNotify(tx, expired, now))) {
          claimed++;
        }
      }
      written += claimed;
      // Rows another process claimed meanwhile are gone from the range on the next read.
      if (rows.length < SWEEP_BATCH) {
        return written;
      }
    }
  }

  /**
   * At sign-in (inside its transaction): the member's opt-out has expired and nobody has told them
   * yet. Returns true when this call wrote the notice.
   */
  async notifyIfExpired(tx: RequestContext, membership: Membership, now: Instant = nowInstant()): Promise<boolean> {
    const until = membership.mfaOptOutUntil;
    if (!membership.mfaOptOut || !until || epochMicros(until) > epochMicros(now) || membership.mfaOptOutExpiryNotifiedAt) {
      return false;
    }
    return this.claimAndNotify(
      tx,
      { membershipId: membership.id, orgId: membership.orgId, userId: membership.userId, until: instantFromDb(until)! },
      now,
    );
  }

  private async claimAndNotify(tx: RequestContext, e: ExpiredOptOut, now: Instant): Promise<boolean> {
    // The claim: only for the mfaOptOutUntil we saw (a renewal in between is a new opt-out).
    const claimed = await rawExecute(
      tx.manager,
      `UPDATE memberships SET mfaOptOutExpiryNotifiedAt = :now
        WHERE id = :id AND mfaOptOut = :yes AND mfaOptOutUntil = :until AND mfaOptOutUntil <= :now AND mfaOptOutExpiryNotifiedAt IS NULL`,
      { id: e.membershipId, until: e.until, now, yes: true },
    );
    if (claimed !== 1) {
      return false;
    }
    const until = e.until.toISOString();
    await this.notifications.enqueue(tx, e.userId, 'mfa_opt_out_expired', { until }, e.orgId);
    await this.audit.recordChange(tx, {
      action: EXPIRED_ACTION,
      orgId: e.orgId,
      actorUserId: null,
      targetUserId: e.userId,
      changes: { mfaOptOutUntil: until },
    });
    return true;
  }
}
