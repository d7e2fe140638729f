import { In } from 'typeorm';
import type { RequestContext, SessionContext } from '../../context';
import { type Membership, MfaFactor, type Org, User } from '../../entities';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError, assertThat } from '../../errors';
import { withTransaction } from '../../db/transaction';
import { rawExecute, rawQuery } from '../../db/raw';
import { isUniqueViolation } from '../../db/errors';
import type { SecretBox } from '../../security/secret-box';
import { isWellFormedTotpCode, newTotpSecret, otpauthUri, qrCodeDataUrl } from '../../security/totp';
import { hashRecoveryCode, newRecoveryCodes, normaliseRecoveryCode } from '../../security/recovery-codes';
import type { AuditService } from '../audit/audit.service';
import type { AuthService, SignInOutcome } from '../auth/auth.service';
import type { NotificationService } from '../notifications/notification.service';
import type { SessionService } from '../auth/session.service';
import { Op, authorize, refusalError, decide } from '../access/policy';
import { requestLoader } from '../common/loaders';
import { loadCurrentOrg, loadMember } from '../common/tenancy';
import { AttemptRefused, MfaAttempts, secretContext } from './mfa-attempts';
import { deleteFactorAndCodes, factorOf, replaceRecoveryCodes, unusedRecoveryCodes } from './mfa-factors';
import { isOptOutEffective } from './mfa-policy';

/** docs/product.md rule 14. */
const MFA_TEMP_SECRET_TTL_MS = 10 * 60 * 1000;

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

/**
 * Org-level TOTP MFA (docs/product.md rules 9-16b): enrollment, sign-in challenge, recovery codes,
 * admin reset. Every code is accepted through ONE conditional UPDATE of the factor row (replay,
 * races and the lock are decided by the database), and every failure is counted on that row, so
 * the limits hold across sessions and server processes. Secrets are AES-256-GCM at rest and a
 * secret that cannot be decrypted fails the operation (never skips the check).
 */
export class MfaService {
  private readonly attempts: MfaAttempts;

  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationService,
    private readonly box: SecretBox,
  ) {
    this.attempts = new MfaAttempts(audit, box);
  }

  /**
   * Starts (or restarts) enrollment for the session's membership: a new secret replaces any
   * pending one and expires in 10 minutes. Full or enrollment-only sessions, not impersonated.
   * CONFLICT when a factor is already confirmed (a new one needs an admin reset first).
   */
  async generateTempSecret(ctx: RequestContext): Promise<MfaTempSecret> {
    const action = 'mfa.generate_temp_secret';
    const s = await authorize(ctx, this.audit, Op.MfaEnroll, { action });
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
    const uri = otpauthUri(user.email ?? '', secret);
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
    const s = await authorize(ctx, this.audit, Op.MfaEnroll, { action });
    const factor = await factorOf(s, s.principal.membershipId);
    assertThat(!factor?.confirmedAt, () => new ConflictError('MFA is already enrolled for this membership.'));
    const pending = factor?.pendingSecretCiphertext;
    assertThat(
      factor && pending && factor.pendingExpiresAt && factor.pendingExpiresAt.getTime() > Date.now(),
      () => new BadUserInputError('No MFA enrollment in progress, or it expired: call generateMfaTempSecret again.', 'code'),
    );
    const step = await this.attempts.checkTotp(s, factor, pending!, code, action);
    const recoveryCodes = newRecoveryCodes();
    return this.attempts.decide(s, factor, action, async (tx) => {
      const now = new Date();
      // secretCiphertext reads pendingSecretCiphertext before it is cleared: MySQL applies SET
      // assignments left to right, SQLite reads old values; this order gives both the same result.
      const accepted = await rawExecute(
        tx.manager,
        `UPDATE mfa_factors SET secretCiphertext = pendingSecretCiphertext, pendingSecretCiphertext = NULL,
                pendingExpiresAt = NULL, confirmedAt = :now, lastAcceptedStep = :step,
                failedAttempts = 0, failureWindowStart = NULL, lockedUntil = NULL
          WHERE id = :id AND confirmedAt IS NULL AND pendingSecretCiphertext = :pending AND pendingExpiresAt > :now
            AND (lastAcceptedStep IS NULL OR lastAcceptedStep < :step)`,
        { now, step, id: factor.id, pending },
      );
      if (accepted !== 1) {
        throw new AttemptRefused('NOT_ACCEPTED');
      }
      await replaceRecoveryCodes(tx, factor.membershipId, recoveryCodes);
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
    const s = await authorize(ctx, this.audit, Op.MfaVerify, { action });
    const factor = await this.confirmedFactorOf(s);
    if (isWellFormedTotpCode(code)) {
      const step = await this.attempts.checkTotp(s, factor, factor.secretCiphertext!, code, action);
      return this.attempts.decide(s, factor, action, async (tx) => {
        await this.attempts.acceptStep(tx, factor.id, step);
        await this.audit.recordChange(tx, { action, targetUserId: s.principal.userId, changes: { method: 'totp' } });
        return this.auth.completeMfaStep(tx as SessionContext);
      });
    }
    // A recovery code takes an attempt slot like a TOTP code (rule 16a: the same limit).
    await this.attempts.reserve(s, factor, action);
    const recovery = normaliseRecoveryCode(code);
    if (!recovery) {
      return this.attempts.refuse(s, factor, action, 'MALFORMED_CODE');
    }
    return this.attempts.decide(s, factor, action, async (tx) => {
      const now = new Date();
      // The factor row first (as every MFA write does, so concurrent transactions lock in one
      // order): a success clears the counter; a wrong code rolls this back (its slot stays counted).
      await rawExecute(
        tx.manager,
        'UPDATE mfa_factors SET failedAttempts = 0, failureWindowStart = NULL, lockedUntil = NULL WHERE id = :id',
        {
          id: factor.id,
        },
      );
      const used = await rawExecute(
        tx.manager,
        'UPDATE recovery_codes SET usedAt = :now WHERE membershipId = :membershipId AND codeHash = :hash AND usedAt IS NULL',
        { now, membershipId: factor.membershipId, hash: hashRecoveryCode(recovery) },
      );
      if (used !== 1) {
        throw new AttemptRefused('INVALID_CODE');
      }
      const left = await unusedRecoveryCodes(tx, factor.membershipId);
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
    const s = await authorize(ctx, this.audit, Op.RecoveryCodesRegenerate, { action });
    const factor = await this.confirmedFactorOf(s);
    const step = await this.attempts.checkTotp(s, factor, factor.secretCiphertext!, code, action);
    const codes = newRecoveryCodes();
    return this.attempts.decide(s, factor, action, async (tx) => {
      await this.attempts.acceptStep(tx, factor.id, step);
      const before = await unusedRecoveryCodes(tx, factor.membershipId);
      await replaceRecoveryCodes(tx, factor.membershipId, codes);
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
    const s = await authorize(ctx, this.audit, Op.MfaReset, { action, target: { userId } });
    let membership: Membership;
    try {
      membership = (await loadMember(s, { id: userId })).membership;
    } catch (e) {
      if (e instanceof NotFoundError) {
        await this.audit.recordDenied(s, { action, targetUserId: userId }, 'NOT_FOUND');
      }
      throw e;
    }
    return withTransaction(s, async (tx) => {
      const factor = await factorOf(tx, membership.id);
      const { factors, codes } = await deleteFactorAndCodes(tx, membership.id);
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
    const s = await authorize(ctx, this.audit, Op.MfaEnroll, { action });
    const deny = async (): Promise<never> => {
      await this.audit.recordDenied(s, { action, targetUserId: s.principal.userId }, 'FORBIDDEN');
      throw new ForbiddenError('A confirmed MFA factor can only be reset by an admin of this org.');
    };
    const factor = await factorOf(s, s.principal.membershipId);
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
    return (await factorOf(s, s.principal.membershipId))?.confirmedAt ? deny() : false;
  }

  /**
   * MFA status of a membership of the caller's org: for the member themselves or an admin
   * (rule 4: MFA status is admin-only). Batched per request, so a page of members costs two queries.
   */
  async statusOf(ctx: RequestContext, membership: Membership): Promise<MfaStatusView> {
    const refusal = decide(ctx.principal, Op.MemberPrivateRead, { userId: membership.userId });
    if (refusal) {
      throw refusalError(refusal);
    }
    const s = ctx as SessionContext;
    assertThat(membership.orgId === s.principal.orgId, () => new NotFoundError());
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
      const factor = await factorOf(ctx, ctx.principal.membershipId);
      if (factor) {
        await this.attempts.recordFailures(ctx, factor.id, count);
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

  private async confirmedFactorOf(s: SessionContext): Promise<MfaFactor> {
    const factor = await factorOf(s, s.principal.membershipId);
    assertThat(factor?.confirmedAt && factor.secretCiphertext, () => new BadUserInputError('No MFA factor is enrolled.', 'code'));
    return factor;
  }
}

const ENROLLED = { mfaEnrolled: { before: false, after: true } };
