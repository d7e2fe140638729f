import type { RequestContext, SessionContext } from '../../context';
import type { MfaFactor } from '../../entities';
import { BadUserInputError, RateLimitedError, ServiceUnavailableError } from '../../errors';
import { withTransaction } from '../../db/transaction';
import { rawExecute } from '../../db/raw';
import type { SecretBox } from '../../security/secret-box';
import { isWellFormedTotpCode, matchTotp } from '../../security/totp';
import type { AuditService } from '../audit/audit.service';
import { addFailuresSql, reserveAttemptSql, secondsLocked, type FailurePolicy } from '../common/failure-counter';
import { factorOf } from './mfa-factors';
import type { AuditActionName } from '../audit/audit-vocabulary';

/** docs/product.md rule 13: 5 failures within 15 minutes lock the factor for 15 minutes. */
const MFA_FAILURES: FailurePolicy = { maxFailures: 5, windowMs: 15 * 60 * 1000, lockMs: 15 * 60 * 1000 };

const COLUMNS = { count: 'failedAttempts', windowStart: 'failureWindowStart', lockedUntil: 'lockedUntil' };

/** Why an attempt was refused; the outcome recorded in the audit trail. */
export type Refusal = 'INVALID_CODE' | 'MALFORMED_CODE' | 'REPLAY' | 'RATE_LIMITED';

/** Thrown inside a transaction to roll it back; turned into the client's error outside it. */
export class AttemptRefused extends Error {
  constructor(readonly refusal: Refusal | 'NOT_ACCEPTED') {
    super(refusal);
  }
}

/** GCM additional data: a sealed secret only opens on its own membership's factor row. */
export const secretContext = (membershipId: number): string => `mfa_factors:${membershipId}`;

/**
 * The attempt machinery of every MFA code check (rules 12-13): the reservation of an attempt
 * slot, the code match, the one conditional UPDATE that accepts a time step, and the failure
 * counter on the factor row. The database decides replays, races and the lock, so the limits
 * hold across processes: a slot is taken by one conditional UPDATE BEFORE the code is looked at,
 * so a burst of concurrent guesses on any number of processes gets at most
 * MFA_FAILURES.maxFailures codes evaluated per window; the rest are RATE_LIMITED unseen.
 */
export class MfaAttempts {
  constructor(
    private readonly audit: AuditService,
    private readonly box: SecretBox,
  ) {}

  /**
   * Takes one attempt slot on the factor row, counted as a failure until a success clears it,
   * or refuses RATE_LIMITED (audited) when the factor is locked or its window's slots are gone.
   * Its own transaction, committed before the code is looked at: no rollback gives the slot back.
   */
  async reserve(s: SessionContext, factor: MfaFactor, action: AuditActionName): Promise<void> {
    const { set, where, params } = reserveAttemptSql(COLUMNS, MFA_FAILURES, new Date());
    const taken = await withTransaction(s, (tx) =>
      rawExecute(tx.manager, `UPDATE mfa_factors SET ${set} WHERE id = :id AND ${where}`, { ...params, id: factor.id }),
    );
    if (taken !== 1) {
      await this.refuse(s, factor, action, 'RATE_LIMITED');
    }
  }

  /**
   * Opens the secret, reserves a slot, then checks format and match against the current and previous step. A
   * refusal is audited and thrown here (the slot already counted it); a match returns its time
   * step, which the caller accepts with one conditional UPDATE (where replays and races are decided).
   */
  async checkTotp(s: SessionContext, factor: MfaFactor, sealed: string, code: string, action: AuditActionName): Promise<number> {
    // Opened first: a secret this server cannot decrypt is its fault, not a guess, and takes no slot.
    const secret = this.openSecret(s, factor, sealed);
    await this.reserve(s, factor, action);
    if (!isWellFormedTotpCode(code)) {
      return this.refuse(s, factor, action, 'MALFORMED_CODE');
    }
    const step = await matchTotp(secret, code, Date.now());
    return step ?? this.refuse(s, factor, action, 'INVALID_CODE');
  }

  /** Fails closed: a secret that does not decrypt (wrong MFA_ENCRYPTION_KEY, altered row) is an error. */
  openSecret(s: SessionContext, factor: MfaFactor, sealed: string): string {
    try {
      return this.box.open(sealed, secretContext(factor.membershipId));
    } catch (e) {
      s.log.error(
        { factorId: factor.id, membershipId: factor.membershipId, reason: (e as Error).message },
        'MFA secret cannot be decrypted (wrong MFA_ENCRYPTION_KEY, or the row was altered): refusing the MFA operation',
      );
      throw new ServiceUnavailableError('MFA verification is unavailable; contact your administrator.');
    }
  }

  /**
   * The one statement that accepts a TOTP step: only if it is later than the last accepted one
   * (rule 12). Two requests with one code: one row matched. It clears the counter (and a lock
   * that this request's own reservation set: it held a slot, so its code may be accepted).
   */
  async acceptStep(tx: RequestContext, factorId: number, step: number): Promise<void> {
    const accepted = await rawExecute(
      tx.manager,
      `UPDATE mfa_factors SET lastAcceptedStep = :step, failedAttempts = 0, failureWindowStart = NULL, lockedUntil = NULL
        WHERE id = :id AND (lastAcceptedStep IS NULL OR lastAcceptedStep < :step)`,
      { step, id: factorId },
    );
    if (accepted !== 1) {
      throw new AttemptRefused('NOT_ACCEPTED');
    }
  }

  /** Runs the accepting transaction; a refusal inside it rolls it back and is answered outside. */
  async decide<T>(s: SessionContext, factor: MfaFactor, action: AuditActionName, fn: (tx: RequestContext) => Promise<T>): Promise<T> {
    try {
      return await withTransaction(s, fn);
    } catch (e) {
      if (!(e instanceof AttemptRefused)) {
        throw e;
      }
      // The code matched but the UPDATE did not: the step was used already (or the enrollment ended).
      return this.refuse(s, factor, action, e.refusal === 'NOT_ACCEPTED' ? 'REPLAY' : e.refusal);
    }
  }

  /**
   * Audits a refused attempt and throws the client's error. Nothing is counted here: the
   * attempt's reservation counted it (a replay too: a guess at a code that is no longer valid).
   */
  async refuse(s: SessionContext, factor: MfaFactor, action: AuditActionName, refusal: Refusal): Promise<never> {
    const target = { action, targetUserId: s.principal.userId };
    await this.audit.recordDenied(s, target, refusal);
    if (refusal === 'RATE_LIMITED') {
      const row = await factorOf(s, factor.membershipId);
      const retryAfter = secondsLocked(row?.lockedUntil);
      throw new RateLimitedError('Too many wrong MFA codes; this factor is locked for a while.', retryAfter > 0 ? retryAfter : undefined);
    }
    throw new BadUserInputError(
      refusal === 'REPLAY' ? 'This code has already been used; wait for the next one.' : 'Invalid MFA code.',
      'code',
    );
  }

  /** Counts failed attempts on the factor in one atomic statement, in its own transaction (the caller's rollback cannot undo it). */
  async recordFailures(ctx: RequestContext, factorId: number, n: number): Promise<void> {
    const { set, params } = addFailuresSql(COLUMNS, MFA_FAILURES, n, new Date());
    await withTransaction(ctx, (tx) => rawExecute(tx.manager, `UPDATE mfa_factors SET ${set} WHERE id = :id`, { ...params, id: factorId }));
  }
}
