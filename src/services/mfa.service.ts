import { In } from 'typeorm';
import type { RequestContext, SessionContext } from '../context';
import type { SessionKindValue } from '../entities/session.entity';
import { type Membership, MfaFactor, type Org, RecoveryCode, User } from '../entities';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  ServiceUnavailableError,
  assertThat,
} from '../errors';
import { withTransaction } from '../db/transaction';
import { isUniqueViolation, rawExecute, rawQuery } from '../db/raw';
import type { SecretBox } from '../security/secret-box';
import { isWellFormedTotpCode, matchTotp, newTotpSecret, otpauthUri, qrCodeDataUrl } from '../security/totp';
import { hashRecoveryCode, newRecoveryCodes, normaliseRecoveryCode } from '../security/recovery-codes';
import type { AuditService } from './audit.service';
import type { AuthService, SignInOutcome } from './auth.service';
import type { NotificationService } from './notification.service';
import type { SessionService } from './session.service';
import { isOptOutEffective } from './mfa-policy';
import { requestLoader } from './loaders';
import { requireAdmin } from './guards';
import { loadCurrentOrg, loadMember, requireSession } from './tenancy';

/** PRODUCT.md rule 14. */
export const MFA_TEMP_SECRET_TTL_MS = 10 * 60 * 1000;
/** PRODUCT.md rule 13: 5 failures within 15 minutes lock the factor for 15 minutes. */
export const MFA_MAX_FAILURES = 5;
export const MFA_FAILURE_WINDOW_MS = 15 * 60 * 1000;
export const MFA_LOCK_MS = 15 * 60 * 1000;

export interface MfaTempSecret {
  /** Base32; shown this once. */
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
  expiresAt: Date;
}

export interface MfaEnrollmentOutcome {
  /** Ten single-use recovery codes, shown this once. */
  recoveryCodes: string[];
  /** The full session that replaces an enrollment-only session; null when the caller already had one. */
  session: SignInOutcome | null;
}

export interface MfaStatusView {
  /** A confirmed factor exists. */
  enrolled: boolean;
  /** A temp secret was generated and has not expired or been confirmed yet. */
  enrollmentPending: boolean;
  /** The org enforces MFA and this member has no effective opt-out. */
  required: boolean;
  /** An effective opt-out (an expired one is not). */
  optedOut: boolean;
  recoveryCodesRemaining: number;
  /** Set while too many failed codes keep the factor locked. */
  lockedUntil: Date | null;
}

/** Why an attempt was refused; the outcome recorded in the audit trail. */
type Refusal = 'INVALID_CODE' | 'MALFORMED_CODE' | 'REPLAY' | 'RATE_LIMITED';

/** Thrown inside a transaction to roll it back; turned into the client's error outside it. */
class AttemptRefused extends Error {
  constructor(readonly refusal: Refusal | 'NOT_ACCEPTED') {
    super(refusal);
  }
}

/** GCM additional data: a sealed secret only opens on its own membership's factor row. */
const secretContext = (membershipId: number): string => `mfa_factors:${membershipId}`;

/**
 * Org-level TOTP MFA (PRODUCT.md rules 9-16b): enrollment, sign-in challenge, recovery codes,
 * admin reset. Every code is accepted through ONE conditional UPDATE of the factor row (replay,
 * races and the lock are decided by the database), and every failure is counted on that row, so
 * the limits hold across sessions and server processes. Secrets are AES-256-GCM at rest and a
 * secret that cannot be decrypted fails the operation (never skips the check).
 */
export class MfaService {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationService,
    private readonly box: SecretBox,
  ) {}

  /**
   * Starts (or restarts) enrollment for the session's membership: a new secret replaces any
   * pending one and expires in 10 minutes. Full or enrollment-only sessions, not impersonated.
   * CONFLICT when a factor is already confirmed (a new one needs an admin reset first).
   */
  async generateTempSecret(ctx: RequestContext): Promise<MfaTempSecret> {
    const action = 'mfa.generate_temp_secret';
    const s = await this.requireOwnSession(ctx, ['full', 'mfa_enrollment'], action);
    const membershipId = s.principal.membershipId;
    const user = await s.manager.findOneOrFail(User, { where: { id: s.principal.userId } });
    const secret = newTotpSecret();
    const expiresAt = new Date(Date.now() + MFA_TEMP_SECRET_TTL_MS);
    const sealed = this.box.seal(secret, secretContext(membershipId));
    const replacePending = (tx: RequestContext): Promise<number> =>
      rawExecute(
        tx.manager,
        `UPDATE mfa_factors SET pendingSecretCiphertext = :sealed, pendingExpiresAt = :expiresAt
          WHERE membershipId = :membershipId AND confirmedAt IS NULL`,
        { sealed, expiresAt, membershipId },
      );

    await withTransaction(s, async (tx) => {
      let changed = await replacePending(tx);
      if (changed === 0 && !(await tx.manager.exists(MfaFactor, { where: { membershipId } }))) {
        try {
          await tx.manager.insert(MfaFactor, { membershipId, pendingSecretCiphertext: sealed, pendingExpiresAt: expiresAt });
          changed = 1;
        } catch (e) {
          // A concurrent first call inserted the row (MySQL): replace its pending secret instead.
          if (!isUniqueViolation(e)) {
            throw e;
          }
          changed = await replacePending(tx);
        }
      }
      assertThat(changed === 1, () => new ConflictError('MFA is already enrolled for this membership; an admin must reset it first.'));
      await this.audit.recordChange(tx, {
        action,
        targetUserId: s.principal.userId,
        changes: { mfaEnrollment: 'pending', expiresAt },
      });
    });
    const uri = otpauthUri(user.email, secret);
    return { secret, otpauthUri: uri, qrCodeDataUrl: await qrCodeDataUrl(uri), expiresAt };
  }

  /**
   * Completes enrollment with a code from the pending secret: the factor is confirmed, ten
   * recovery codes are issued (returned once), a 'mfa_factor_added' notice is queued, and an
   * enrollment-only session is exchanged for a full one. BAD_USER_INPUT when no temp secret is
   * pending or it expired (rule 14), or for a wrong code (counted, rule 13).
   */
  async validateCode(ctx: RequestContext, code: string): Promise<MfaEnrollmentOutcome> {
    const action = 'mfa.validate_code';
    const s = await this.requireOwnSession(ctx, ['full', 'mfa_enrollment'], action);
    const factor = await this.factorOf(s, s.principal.membershipId);
    assertThat(!factor?.confirmedAt, () => new ConflictError('MFA is already enrolled for this membership.'));
    const pending = factor?.pendingSecretCiphertext;
    assertThat(
      factor && pending && factor.pendingExpiresAt && factor.pendingExpiresAt.getTime() > Date.now(),
      () => new BadUserInputError('No MFA enrollment in progress, or it expired: call generateMfaTempSecret again.', 'code'),
    );
    const step = await this.checkTotp(s, factor, pending!, code, action);
    const recoveryCodes = newRecoveryCodes();
    return this.decide(s, factor, action, async (tx) => {
      const now = new Date();
      // secretCiphertext reads pendingSecretCiphertext before it is cleared: MySQL applies SET
      // assignments left to right, SQLite reads old values; this order gives both the same result.
      const accepted = await rawExecute(
        tx.manager,
        `UPDATE mfa_factors SET secretCiphertext = pendingSecretCiphertext, pendingSecretCiphertext = NULL,
                pendingExpiresAt = NULL, confirmedAt = :now, lastAcceptedStep = :step,
                failedAttempts = 0, failureWindowStart = NULL, lockedUntil = NULL
          WHERE id = :id AND confirmedAt IS NULL AND pendingSecretCiphertext = :pending AND pendingExpiresAt > :now
            AND (lastAcceptedStep IS NULL OR lastAcceptedStep < :step)
            AND (lockedUntil IS NULL OR lockedUntil <= :now)`,
        { now, step, id: factor.id, pending },
      );
      if (accepted !== 1) {
        throw new AttemptRefused('NOT_ACCEPTED');
      }
      await this.replaceRecoveryCodes(tx, factor.membershipId, recoveryCodes);
      await this.notifications.enqueue(tx, s.principal.userId, 'mfa_factor_added');
      await this.audit.recordChange(tx, { action: 'mfa.factor_confirmed', targetUserId: s.principal.userId, changes: ENROLLED });
      const session = s.principal.kind === 'mfa_enrollment' ? await this.auth.completeMfaStep(tx as SessionContext) : null;
      return { recoveryCodes, session };
    });
  }

  /**
   * Completes an MFA_REQUIRED sign-in with a TOTP code or one unused recovery code (rule 16a;
   * used up, audited and notified). Success revokes the challenge token and returns a full session.
   */
  async verify(ctx: RequestContext, code: string): Promise<SignInOutcome> {
    const action = 'mfa.verify';
    const s = await this.requireOwnSession(ctx, ['mfa_challenge'], action);
    const factor = await this.confirmedFactorOf(s);
    if (isWellFormedTotpCode(code)) {
      const step = await this.checkTotp(s, factor, factor.secretCiphertext!, code, action);
      return this.decide(s, factor, action, async (tx) => {
        await this.acceptStep(tx, factor.id, step);
        await this.audit.recordChange(tx, { action, targetUserId: s.principal.userId, changes: { method: 'totp' } });
        return this.auth.completeMfaStep(tx as SessionContext);
      });
    }
    await this.assertNotLocked(s, factor, action);
    const recovery = normaliseRecoveryCode(code);
    if (!recovery) {
      return this.refuse(s, factor, action, 'MALFORMED_CODE');
    }
    return this.decide(s, factor, action, async (tx) => {
      const now = new Date();
      // The factor row first (as every MFA write does, so concurrent transactions lock in one order).
      const unlocked = await rawExecute(
        tx.manager,
        `UPDATE mfa_factors SET failedAttempts = 0, failureWindowStart = NULL, lockedUntil = NULL
          WHERE id = :id AND (lockedUntil IS NULL OR lockedUntil <= :now)`,
        { id: factor.id, now },
      );
      if (unlocked !== 1) {
        throw new AttemptRefused('RATE_LIMITED');
      }
      const used = await rawExecute(
        tx.manager,
        'UPDATE recovery_codes SET usedAt = :now WHERE membershipId = :membershipId AND codeHash = :hash AND usedAt IS NULL',
        { now, membershipId: factor.membershipId, hash: hashRecoveryCode(recovery) },
      );
      if (used !== 1) {
        throw new AttemptRefused('INVALID_CODE');
      }
      const left = await this.unusedRecoveryCodes(tx, factor.membershipId);
      await this.notifications.enqueue(tx, s.principal.userId, 'mfa_recovery_code_used', { remaining: left });
      await this.audit.recordChange(tx, {
        action: 'mfa.recovery_code_used',
        targetUserId: s.principal.userId,
        changes: { remaining: { before: left + 1, after: left } },
      });
      return this.auth.completeMfaStep(tx as SessionContext);
    });
  }

  /**
   * Issues a new set of ten recovery codes and voids the old set. Needs a current TOTP code (a
   * recovery code will not do) from a full, non-impersonated session of the enrolled member.
   */
  async regenerateRecoveryCodes(ctx: RequestContext, code: string): Promise<string[]> {
    const action = 'mfa.regenerate_recovery_codes';
    const s = await this.requireOwnSession(ctx, ['full'], action);
    const factor = await this.confirmedFactorOf(s);
    const step = await this.checkTotp(s, factor, factor.secretCiphertext!, code, action);
    const codes = newRecoveryCodes();
    return this.decide(s, factor, action, async (tx) => {
      await this.acceptStep(tx, factor.id, step);
      const before = await this.unusedRecoveryCodes(tx, factor.membershipId);
      await this.replaceRecoveryCodes(tx, factor.membershipId, codes);
      await this.audit.recordChange(tx, {
        action,
        targetUserId: s.principal.userId,
        changes: { remaining: { before, after: codes.length } },
      });
      return codes;
    });
  }

  /**
   * Admin reset of a member's org-level MFA (rule 16): removes that membership's factor, pending
   * secret and recovery codes, revokes its sessions and queues an 'mfa_reset' notice. The same
   * user's factors in other orgs are untouched. NOT_FOUND for users outside the org (audited).
   * Returns false, writing nothing, when there was nothing to reset.
   */
  async resetMember(ctx: RequestContext, userId: number): Promise<boolean> {
    const action = 'mfa.reset';
    const target = Number.isSafeInteger(userId) && userId > 0 ? userId : null;
    const s = await requireAdmin(ctx, this.audit, action, target);
    let membership: Membership;
    try {
      membership = (await loadMember(s, { id: userId })).membership;
    } catch (e) {
      if (e instanceof NotFoundError) {
        await this.audit.recordDenied(s, { action, targetUserId: target }, 'NOT_FOUND');
      }
      throw e;
    }
    return withTransaction(s, async (tx) => {
      const factor = await this.factorOf(tx, membership.id);
      // Factor row first, then its codes: the lock order every MFA write uses.
      const factors = await rawExecute(tx.manager, 'DELETE FROM mfa_factors WHERE membershipId = :id', { id: membership.id });
      const codes = await rawExecute(tx.manager, 'DELETE FROM recovery_codes WHERE membershipId = :id', { id: membership.id });
      if (factors === 0 && codes === 0) {
        return false;
      }
      await this.sessions.revokeForMembership(tx, membership.id);
      await this.notifications.enqueue(tx, membership.userId, 'mfa_reset', { byUserId: s.principal.userId });
      await this.audit.recordChange(tx, {
        action,
        targetUserId: membership.userId,
        changes: {
          mfaEnrolled: { before: !!factor?.confirmedAt, after: false },
          ...(factor && !factor.confirmedAt ? { mfaEnrollment: { before: 'pending', after: null } } : {}),
        },
      });
      return true;
    });
  }

  /**
   * The caller abandons their own enrollment in progress (legacy `PUT /user/users/mfa/reset` with
   * no body). Only while no factor is confirmed: a confirmed factor is FORBIDDEN here (an admin
   * resets it). Returns false when there was nothing to remove.
   */
  async resetOwnPendingEnrollment(ctx: RequestContext): Promise<boolean> {
    const action = 'mfa.reset_own';
    const s = await this.requireOwnSession(ctx, ['full', 'mfa_enrollment'], action);
    const deny = async (): Promise<never> => {
      await this.audit.recordDenied(s, { action, targetUserId: s.principal.userId }, 'FORBIDDEN');
      throw new ForbiddenError('A confirmed MFA factor can only be reset by an admin of this org.');
    };
    const factor = await this.factorOf(s, s.principal.membershipId);
    if (!factor) {
      return false;
    }
    if (factor.confirmedAt) {
      return deny();
    }
    const removed = await withTransaction(s, async (tx) => {
      const n = await rawExecute(tx.manager, 'DELETE FROM mfa_factors WHERE id = :id AND confirmedAt IS NULL', { id: factor.id });
      if (n === 1) {
        await this.audit.recordChange(tx, {
          action,
          targetUserId: s.principal.userId,
          changes: { mfaEnrollment: { before: 'pending', after: null } },
        });
      }
      return n === 1;
    });
    if (removed) {
      return true;
    }
    // Confirmed between the read and the delete: the same answer as above.
    return (await this.factorOf(s, s.principal.membershipId))?.confirmedAt ? deny() : false;
  }

  /**
   * MFA status of a membership of the caller's org: for the member themselves or an admin
   * (rule 4: MFA status is admin-only). Batched per request, so a page of members costs two queries.
   */
  async statusOf(ctx: RequestContext, membership: Membership): Promise<MfaStatusView> {
    const s = requireSession(ctx);
    assertThat(membership.orgId === s.principal.orgId, () => new NotFoundError());
    assertThat(
      membership.id === s.principal.membershipId || s.principal.isAdmin,
      () => new ForbiddenError('Only an admin may read the MFA status of another member.'),
    );
    const factors = requestLoader<number, MfaFactor | null>(s, 'mfa:factor', async (ids) => {
      const rows = await s.manager.find(MfaFactor, { where: { membershipId: In([...ids]) } });
      return ids.map((id) => rows.find((r) => r.membershipId === id) ?? null);
    });
    const codes = requestLoader<number, number>(s, 'mfa:recovery-count', async (ids) => {
      const rows = await rawQuery<{ membershipId: number; n: number }>(
        s.manager,
        `SELECT membershipId, COUNT(*) AS n FROM recovery_codes WHERE membershipId IN (:...ids) AND usedAt IS NULL GROUP BY membershipId`,
        { ids: [...ids] },
      );
      return ids.map((id) => Number(rows.find((r) => Number(r.membershipId) === id)?.n ?? 0));
    });
    const orgs = requestLoader<number, Org>(s, 'mfa:org', (ids) => Promise.all(ids.map(() => loadCurrentOrg(s))));
    const [org, factor, remaining] = await Promise.all([
      orgs.load(s.principal.orgId),
      factors.load(membership.id),
      codes.load(membership.id),
    ]);
    const now = new Date();
    const optedOut = isOptOutEffective(membership.mfaOptOut, membership.mfaOptOutUntil, now);
    const lockedUntil = factor?.lockedUntil && factor.lockedUntil > now ? factor.lockedUntil : null;
    return {
      enrolled: !!factor?.confirmedAt,
      enrollmentPending: !factor?.confirmedAt && !!factor?.pendingExpiresAt && factor.pendingExpiresAt > now,
      required: org.mfaRequired && !optedOut,
      optedOut,
      recoveryCodesRemaining: factor?.confirmedAt ? remaining : 0,
      lockedUntil,
    };
  }

  /**
   * Refuses a request that carried `count` MFA-verification fields (aliases, fragments) before
   * any of them runs: BAD_USER_INPUT. Each of them counts as a failed attempt on the caller's
   * factor (rule 13), so six aliased guesses lock the factor instead of being tried.
   */
  async refuseBatchedAttempts(ctx: RequestContext, count: number): Promise<never> {
    if (ctx.principal) {
      const factor = await this.factorOf(ctx, ctx.principal.membershipId);
      if (factor) {
        await this.recordFailures(ctx, factor.id, count);
      }
      await this.audit.recordDenied(
        ctx,
        { action: 'mfa.batched_attempts', targetUserId: ctx.principal.userId, changes: { fields: count } },
        'BATCH_REJECTED',
      );
    }
    throw new BadUserInputError('One MFA code per request: a request may hold at most one MFA verification field.');
  }

  /* --------------------------------------------------------------------------------------- */

  /** The session kinds an operation accepts, never under impersonation (rule 22). Refusals audited. */
  private async requireOwnSession(ctx: RequestContext, kinds: SessionKindValue[], action: string): Promise<SessionContext> {
    const s = requireSession(ctx);
    const p = s.principal;
    if (!kinds.includes(p.kind) || p.impersonatorUserId !== null) {
      await this.audit.recordDenied(s, { action, targetUserId: p.userId }, 'FORBIDDEN');
      throw new ForbiddenError(p.impersonatorUserId !== null ? 'Not allowed while impersonating.' : 'This session may not do this.');
    }
    return s;
  }

  private factorOf(ctx: RequestContext, membershipId: number): Promise<MfaFactor | null> {
    return ctx.manager.findOne(MfaFactor, { where: { membershipId } });
  }

  private async confirmedFactorOf(s: SessionContext): Promise<MfaFactor> {
    const factor = await this.factorOf(s, s.principal.membershipId);
    assertThat(factor?.confirmedAt && factor.secretCiphertext, () => new BadUserInputError('No MFA factor is enrolled.', 'code'));
    return factor;
  }

  /**
   * Lock, then format and match against the current and previous step. A failure is counted and
   * refused here; a match returns its time step, which the caller accepts with one conditional
   * UPDATE (that is where replay and races are decided).
   */
  private async checkTotp(s: SessionContext, factor: MfaFactor, sealed: string, code: string, action: string): Promise<number> {
    await this.assertNotLocked(s, factor, action);
    if (!isWellFormedTotpCode(code)) {
      return this.refuse(s, factor, action, 'MALFORMED_CODE');
    }
    const step = await matchTotp(this.openSecret(s, factor, sealed), code, Date.now());
    return step ?? this.refuse(s, factor, action, 'INVALID_CODE');
  }

  /** Fails closed: a secret that does not decrypt (wrong MFA_ENCRYPTION_KEY, altered row) is an error. */
  private openSecret(s: SessionContext, factor: MfaFactor, sealed: string): string {
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

  private async assertNotLocked(s: SessionContext, factor: MfaFactor, action: string): Promise<void> {
    if (factor.lockedUntil && factor.lockedUntil.getTime() > Date.now()) {
      await this.refuse(s, factor, action, 'RATE_LIMITED');
    }
  }

  /**
   * The one statement that accepts a TOTP step: only if it is later than the last accepted one
   * (rule 12) and the factor is not locked (rule 13). Two requests with one code: one row matched.
   */
  private async acceptStep(tx: RequestContext, factorId: number, step: number): Promise<void> {
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
  private async decide<T>(s: SessionContext, factor: MfaFactor, action: string, fn: (tx: RequestContext) => Promise<T>): Promise<T> {
    try {
      return await withTransaction(s, fn);
    } catch (e) {
      if (!(e instanceof AttemptRefused)) {
        throw e;
      }
      let refusal = e.refusal;
      if (refusal === 'NOT_ACCEPTED') {
        // The code matched but the UPDATE did not: the step was used already, or a lock landed.
        const now = await this.factorOf(s, factor.membershipId);
        refusal = now?.lockedUntil && now.lockedUntil.getTime() > Date.now() ? 'RATE_LIMITED' : 'REPLAY';
      }
      return this.refuse(s, factor, action, refusal);
    }
  }

  /**
   * Audits a refused attempt and throws the client's error. Every refusal but the lock itself
   * counts as a failure (a replay too: it is a guess at a code that is no longer valid).
   */
  private async refuse(s: SessionContext, factor: MfaFactor, action: string, refusal: Refusal): Promise<never> {
    const target = { action, targetUserId: s.principal.userId };
    if (refusal === 'RATE_LIMITED') {
      await this.audit.recordDenied(s, target, 'RATE_LIMITED');
      const row = await this.factorOf(s, factor.membershipId);
      const retryAfter = row?.lockedUntil ? Math.max(1, Math.ceil((row.lockedUntil.getTime() - Date.now()) / 1000)) : undefined;
      throw new RateLimitedError('Too many wrong MFA codes; this factor is locked for a while.', retryAfter);
    }
    await this.recordFailures(s, factor.id, 1);
    await this.audit.recordDenied(s, target, refusal);
    throw new BadUserInputError(
      refusal === 'REPLAY' ? 'This code has already been used; wait for the next one.' : 'Invalid MFA code.',
      'code',
    );
  }

  /**
   * Counts failed attempts on the factor in one atomic statement (its own transaction, so the
   * caller's rollback cannot undo it). SET order: each assignment reads only columns assigned
   * after it, so MySQL (left to right, new values) and SQLite (old values) agree.
   */
  private async recordFailures(ctx: RequestContext, factorId: number, n: number): Promise<void> {
    const now = new Date();
    const params = {
      id: factorId,
      n,
      now,
      max: MFA_MAX_FAILURES,
      windowFloor: new Date(now.getTime() - MFA_FAILURE_WINDOW_MS),
      lockUntil: new Date(now.getTime() + MFA_LOCK_MS),
    };
    await withTransaction(ctx, (tx) =>
      rawExecute(
        tx.manager,
        `UPDATE mfa_factors SET
           lockedUntil = CASE WHEN (CASE WHEN failureWindowStart >= :windowFloor THEN failedAttempts + :n ELSE :n END) >= :max
                              THEN :lockUntil ELSE lockedUntil END,
           failedAttempts = CASE WHEN failureWindowStart >= :windowFloor THEN failedAttempts + :n ELSE :n END,
           failureWindowStart = CASE WHEN failureWindowStart >= :windowFloor THEN failureWindowStart ELSE :now END
         WHERE id = :id`,
        params,
      ),
    );
  }

  private async unusedRecoveryCodes(ctx: RequestContext, membershipId: number): Promise<number> {
    const rows = await rawQuery<{ n: number }>(
      ctx.manager,
      'SELECT COUNT(*) AS n FROM recovery_codes WHERE membershipId = :membershipId AND usedAt IS NULL',
      { membershipId },
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Voids every existing code of the membership and stores the hashes of the new set. */
  private async replaceRecoveryCodes(tx: RequestContext, membershipId: number, codes: string[]): Promise<void> {
    await rawExecute(tx.manager, 'DELETE FROM recovery_codes WHERE membershipId = :membershipId', { membershipId });
    await tx.manager.insert(
      RecoveryCode,
      codes.map((c) => ({ membershipId, codeHash: hashRecoveryCode(normaliseRecoveryCode(c)!), usedAt: null })),
    );
  }
}

const ENROLLED = { mfaEnrolled: { before: false, after: true } };
