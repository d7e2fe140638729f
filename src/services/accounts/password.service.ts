import type { RequestContext, SessionContext } from '../../context';
import { Membership, PasswordToken, User } from '../../entities';
import type { PasswordTokenPurpose } from '../../entities/password-token.entity';
import { BadUserInputError, ConflictError, RateLimitedError, assertThat } from '../../errors';
import { withTransaction } from '../../db/transaction';
import { rawExecute } from '../../db/raw';
import { hashPassword, verifyPassword } from '../../security/password';
import { assertPasswordAcceptable } from '../../security/password-policy';
import { hashToken, newOpaqueToken } from '../../security/tokens';
import type { AuditService } from '../audit/audit.service';
import { requireAdmin, requireAdminOfAllOrgsOf, requireOwnSession } from '../access/access-guards';
import type { SessionService } from '../auth/session.service';
import type { SignInThrottleService } from '../auth/sign-in-throttle.service';
import { refId, type MemberRef } from '../common/ids';
import { loadMember } from '../common/tenancy';

/** Activation tokens (createUser) live 24 hours (docs/product.md §3). */
const ACTIVATION_TOKEN_TTL_SECONDS = 24 * 60 * 60;
/**
 * Reset tokens live 1 hour (Okta's default for recovery tokens): a reset token replaces a
 * working password, so it should not sit in a mailbox or chat for a day.
 */
const RESET_TOKEN_TTL_SECONDS = 60 * 60;

export interface OneTimeToken {
  /** 256 random bits, base64url; shown once, only its SHA-256 is stored. */
  token: string;
  purpose: PasswordTokenPurpose;
  expiresAt: Date;
}

/** One message for unknown, used, voided and expired tokens: the answer reveals nothing about which. */
const INVALID_TOKEN = 'This activation or reset token is invalid or has expired.';

/**
 * Password lifecycle: one-time activation and reset tokens, redeeming them, and changing one's
 * own password. Hashes are argon2id; tokens are stored only as SHA-256; audit rows never hold either.
 */
export class PasswordService {
  constructor(
    private readonly sessions: SessionService,
    private readonly throttle: SignInThrottleService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Issues a one-time token for userId inside the caller's transaction, after voiding the user's
   * earlier unused tokens (only the newest token works). The caller audits.
   */
  async issueToken(tx: RequestContext, userId: number, purpose: PasswordTokenPurpose): Promise<OneTimeToken> {
    const now = new Date();
    await this.voidUnusedTokens(tx, userId, now);
    const token = newOpaqueToken();
    const ttl = purpose === 'activation' ? ACTIVATION_TOKEN_TTL_SECONDS : RESET_TOKEN_TTL_SECONDS;
    const expiresAt = new Date(now.getTime() + ttl * 1000);
    await tx.manager.insert(PasswordToken, { userId, tokenHash: hashToken(token), purpose, expiresAt, usedAt: null });
    return { token, purpose, expiresAt };
  }

  /** Voided tokens are expired at once (usedAt stays null: they were never redeemed). */
  async voidUnusedTokens(tx: RequestContext, userId: number, now = new Date()): Promise<void> {
    await rawExecute(tx.manager, 'UPDATE password_tokens SET expiresAt = :now WHERE userId = :id AND usedAt IS NULL AND expiresAt > :now', {
      now,
      id: userId,
    });
  }

  /**
   * Admin: a new one-time reset token for a member of the caller's org (earlier unused tokens are
   * voided). The caller must administer every org the user belongs to, since the token opens
   * the account everywhere. The current password keeps working until the token is redeemed.
   */
  async issuePasswordReset(ctx: RequestContext, ref: MemberRef): Promise<OneTimeToken> {
    const action = 'user.password_reset_issued';
    const s = await requireAdmin(ctx, this.audit, action, refId(ref));
    const { user } = await loadMember(s, ref);
    await requireAdminOfAllOrgsOf(s, this.audit, action, user.id);
    return withTransaction(s, async (tx) => {
      const issued = await this.issueToken(tx, user.id, 'reset');
      await this.audit.recordChange(tx, { action, targetUserId: user.id, changes: { expiresAt: issued.expiresAt.toISOString() } });
      return issued;
    });
  }

  /**
   * Public: redeems an activation or reset token once and sets the password. The password
   * policy is checked before the token is spent; one conditional UPDATE decides whether the
   * token is still good (two concurrent redeems: one wins). A reset ends the user's sessions in
   * every org. Unknown, used, voided and expired tokens get the same BAD_USER_INPUT.
   */
  async activateAccount(ctx: RequestContext, token: string, password: string): Promise<boolean> {
    const action = 'user.activate';
    const row =
      typeof token === 'string' && token.length <= 128
        ? await ctx.manager.findOne(PasswordToken, { where: { tokenHash: hashToken(token) } })
        : null;
    const user = row ? await ctx.manager.findOne(User, { where: { id: row.userId } }) : null;
    if (!row || !user || row.usedAt || row.expiresAt.getTime() <= Date.now()) {
      await this.audit.recordDenied(ctx, { action, orgId: null, actorUserId: null, targetUserId: user?.id ?? null }, 'INVALID_TOKEN');
      throw new BadUserInputError(INVALID_TOKEN, 'token');
    }
    assertPasswordAcceptable(password, user.email, 'password');
    const passwordHash = await hashPassword(password, ctx.ip ?? '');

    await withTransaction(ctx, async (tx) => {
      const now = new Date();
      const redeemed = await rawExecute(
        tx.manager,
        'UPDATE password_tokens SET usedAt = :now WHERE id = :id AND usedAt IS NULL AND expiresAt > :now',
        { now, id: row.id },
      );
      assertThat(redeemed === 1, () => new BadUserInputError(INVALID_TOKEN, 'token'));
      await rawExecute(tx.manager, 'UPDATE users SET passwordHash = :h, updatedAt = :now WHERE id = :id AND deletedAt IS NULL', {
        h: passwordHash,
        now,
        id: user.id,
      });
      await this.voidUnusedTokens(tx, user.id, now);
      const revoked = row.purpose === 'reset' ? await this.sessions.revokeForUser(tx, user.id) : 0;
      await this.throttle.reset(tx, this.throttle.accountKey(user.email));
      // No session here: the event is recorded in every org the user belongs to, as the user.
      const orgIds = (await tx.manager.find(Membership, { where: { userId: user.id }, select: { orgId: true } })).map((m) => m.orgId);
      for (const orgId of orgIds) {
        await this.audit.recordChange(tx, {
          action,
          orgId,
          actorUserId: user.id,
          targetUserId: user.id,
          changes: { purpose: row.purpose, sessionsRevoked: revoked },
        });
      }
    });
    return true;
  }

  /**
   * Changes one's own password (own full session, never under impersonation). The current
   * password is verified with the sign-in throttle: wrong answers count as failed sign-ins and
   * a locked account gets RATE_LIMITED. Ends the user's other sessions in every org (the
   * current one stays) and voids pending reset tokens.
   */
  async changePassword(ctx: RequestContext, currentPassword: string, newPassword: string): Promise<boolean> {
    const action = 'user.change_password';
    const s: SessionContext = await requireOwnSession(ctx, this.audit, action);
    const userId = s.principal.userId;
    const user = await s.manager.findOne(User, { where: { id: userId } });
    assertThat(user, () => new BadUserInputError('No such user.'));
    const key = this.throttle.accountKey(user.email);
    const lockedFor = await this.throttle.lockedForSeconds(s, key);
    if (lockedFor > 0) {
      await this.audit.recordDenied(s, { action, targetUserId: userId }, 'RATE_LIMITED');
      throw new RateLimitedError('Too many wrong passwords for this account; try again later.', lockedFor);
    }
    if (!(await verifyPassword(user.passwordHash, typeof currentPassword === 'string' ? currentPassword : '', s.ip ?? ''))) {
      await this.throttle.recordFailure(s, key);
      await this.audit.recordDenied(s, { action, targetUserId: userId }, 'WRONG_PASSWORD');
      throw new BadUserInputError('The current password is wrong.', 'currentPassword');
    }
    assertPasswordAcceptable(newPassword, user.email, 'newPassword');
    assertThat(
      newPassword !== currentPassword,
      () => new BadUserInputError('The new password must differ from the current one.', 'newPassword'),
    );
    const passwordHash = await hashPassword(newPassword, s.ip ?? '');

    await withTransaction(s, async (tx) => {
      // Conditional on the hash we verified against: a concurrent change (or reset) wins, this one is a CONFLICT.
      const changed = await rawExecute(
        tx.manager,
        'UPDATE users SET passwordHash = :h, updatedAt = :now WHERE id = :id AND passwordHash = :old',
        {
          h: passwordHash,
          now: new Date(),
          id: userId,
          old: user.passwordHash,
        },
      );
      assertThat(changed === 1, () => new ConflictError('The password was changed meanwhile; sign in again.'));
      const revoked = await this.sessions.revokeForUser(tx, userId, s.principal.sessionId);
      await this.voidUnusedTokens(tx, userId);
      await this.throttle.reset(tx, key);
      await this.audit.recordChange(tx, { action, targetUserId: userId, changes: { otherSessionsRevoked: revoked } });
    });
    return true;
  }
}
