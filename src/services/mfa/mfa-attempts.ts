import type { RequestContext, SessionContext } from '../../context';
import type { MfaFactor } from '../../entities';
import { BadUserInputError, RateLimitedError, ServiceUnavailableError } from '../../errors';
import { withTransaction } from '../../db/transaction';
import { rawExecute } from '../../db/raw';
import type { SecretBox } from '../../security/secret-box';
import { isWellFormedTotpCode, matchTotp } from '../../security/totp';
import type { AuditService } from '../audit/audit.service';
import { addFailuresSql, secondsLocked, type FailurePolicy } from '../common/failure-counter';
import { factorOf } from './mfa-factors';

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
 * The attempt machinery of every MFA code check (rules 12-13): lock check, code match, the one
 * conditional UPDATE that accepts a time step, and the failure counter on the factor row. The
 * database decides replays, races and the lock, so the limits hold across processes.
 */
export class MfaAttempts {
  constructor(
    private readonly audit: AuditService,
    private readonly box: SecretBox,
  ) {}

  /**
   * Lock, then format and match against the current and previous step. A failure is counted and
   * refused here; a match returns its time step, which the caller accepts with one conditional
   * UPDATE (that is where replay and races are decided).
   */
  async checkTotp(s: SessionContext, factor: MfaFactor, sealed: string, code: string, action: string): Promise<number> {
    await this.assertNotLocked(s, factor, action);
    if (!isWellFormedTotpCode(code)) {
      return this.refuse(s, factor, action, 'MALFORMED_CODE');
    }
    const step = await matchTotp(this.openSecret(s, factor, sealed), code, Date.now());
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

  async assertNotLocked(s: SessionContext, factor: MfaFactor, action: string): Promise<void> {
    if (secondsLocked(factor.lockedUntil) > 0) {
      await this.refuse(s, factor, action, 'RATE_LIMITED');
    }
  }

  /**
   * The one statement that accepts a TOTP step: only if it is later than the last accepted one
   * (rule 12) and the factor is not locked (rule 13). Two requests with one code: one row matched.
   */
  async acceptStep(tx: RequestContext, factorId: number, step: number): Promise<void> {
    const accepted = await rawExecute(
      tx.manager,
      `UPDATE mfa_factors SET lastAcceptedStep = :step, failedAttempts = 0, failureWindowStart = NULL, lockedUntil = NULL
        WHERE id = :id AND (lastAcceptedStep IS NULL OR lastAcceptedStep < :step)
          AND (lockedUntil IS NULL OR lockedUntil <= :now)`,
      { step, id: factorId, now: new Date() },
    );
    if (accepted !== 1) {
      throw new AttemptRefused('NOT_ACCEPTED');
    }
  }

  /** Runs the accepting transaction; a refusal inside it rolls it back and is answered outside. */
  async decide<T>(s: SessionContext, factor: MfaFactor, action: string, fn: (tx: RequestContext) => Promise<T>): Promise<T> {
    try {
      return await withTransaction(s, fn);
    } catch (e) {
      if (!(e instanceof AttemptRefused)) {
        throw e;
      }
      let refusal = e.refusal;
      if (refusal === 'NOT_ACCEPTED') {
        // The code matched but the UPDATE did not: the step was used already, or a lock landed.
        const now = await factorOf(s, factor.membershipId);
        refusal = secondsLocked(now?.lockedUntil) > 0 ? 'RATE_LIMITED' : 'REPLAY';
      }
      return this.refuse(s, factor, action, refusal);
    }
  }

  /**
   * Audits a refused attempt and throws the client's error. Every refusal but the lock itself
   * counts as a failure (a replay too: it is a guess at a code that is no longer valid).
   */
  async refuse(s: SessionContext, factor: MfaFactor, action: string, refusal: Refusal): Promise<never> {
    const target = { action, targetUserId: s.principal.userId };
    if (refusal === 'RATE_LIMITED') {
      await this.audit.recordDenied(s, target, 'RATE_LIMITED');
      const row = await factorOf(s, factor.membershipId);
      const retryAfter = secondsLocked(row?.lockedUntil);
      throw new RateLimitedError('Too many wrong MFA codes; this factor is locked for a while.', retryAfter > 0 ? retryAfter : undefined);
    }
    await this.recordFailures(s, factor.id, 1);
    await this.audit.recordDenied(s, target, refusal);
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
