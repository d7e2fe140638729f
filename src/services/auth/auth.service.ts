import type { RequestContext, SessionContext } from '../../context';
import { MfaFactor, Membership, Org, User } from '../../entities';
import type { SessionKindValue } from '../../entities/session.entity';
import { RateLimitedError, UnauthenticatedError } from '../../errors';
import { withTransaction } from '../../db/transaction';
import { rawExecute } from '../../db/raw';
import { dummyPasswordHash, verifyPassword } from '../../security/password';
import type { AuditService } from '../audit/audit.service';
import { mfaRequirement } from '../mfa/mfa-policy';
import type { SessionService } from './session.service';
import type { SignInThrottleService } from './sign-in-throttle.service';
import { requireSession } from '../access/access-guards';
import { loadCurrentOrg } from '../common/tenancy';

type SignInStatus = 'SIGNED_IN' | 'MFA_REQUIRED' | 'MFA_ENROLLMENT_REQUIRED';

export interface SignInOutcome {
  status: SignInStatus;
  token: string;
  expiresAt: Date;
}

export interface WhoAmI {
  user: User;
  org: Org;
  membership: Membership;
  sessionKind: SessionKindValue;
  impersonator: User | null;
  expiresAt: Date;
}

/** Challenge and enrollment tokens are short-lived and good only for the MFA operations. */
const MFA_CHALLENGE_TTL_SECONDS = 5 * 60;
const MFA_ENROLLMENT_TTL_SECONDS = 15 * 60;

const STATUS_BY_KIND: Record<SessionKindValue, SignInStatus> = {
  full: 'SIGNED_IN',
  mfa_challenge: 'MFA_REQUIRED',
  mfa_enrollment: 'MFA_ENROLLMENT_REQUIRED',
};

const INVALID = 'Invalid org, email or password.';

export class AuthService {
  constructor(
    private readonly sessions: SessionService,
    private readonly throttle: SignInThrottleService,
    private readonly audit: AuditService,
    private readonly sessionTtlSeconds: number,
  ) {}

  /**
   * Password sign-in to one org. Unknown org, unknown email, wrong password, no membership and
   * an inactive membership all give the same UNAUTHENTICATED answer, after the same argon2 work.
   * Returns a full session, or an MFA challenge/enrollment token when the org's policy says so.
   */
  async signIn(ctx: RequestContext, orgSlug: string, email: string, password: string): Promise<SignInOutcome> {
    const key = this.throttle.accountKey(email);
    const lockedFor = await this.throttle.lockedForSeconds(ctx, key);
    if (lockedFor > 0) {
      await this.audit.recordDenied(ctx, { action: 'auth.sign_in', orgId: null, actorUserId: null }, 'RATE_LIMITED');
      throw new RateLimitedError('Too many failed sign-ins for this account; try again later.', lockedFor);
    }
    const org = orgSlug ? await ctx.manager.findOne(Org, { where: { slug: orgSlug.trim().toLowerCase() } }) : null;
    const user = await ctx.manager.findOne(User, { where: { emailKey: email.trim().toLowerCase() } });
    const membership = org && user ? await ctx.manager.findOne(Membership, { where: { orgId: org.id, userId: user.id } }) : null;
    const passwordOk = await verifyPassword(user ? user.passwordHash : await dummyPasswordHash(), password, ctx.ip ?? '');

    if (!org || !user || !membership || !membership.isActive || !passwordOk) {
      await this.throttle.recordFailure(ctx, key);
      await this.audit.recordDenied(
        ctx,
        { action: 'auth.sign_in', orgId: org && membership ? org.id : null, actorUserId: null, targetUserId: membership ? user!.id : null },
        'UNAUTHENTICATED',
      );
      throw new UnauthenticatedError(INVALID);
    }
    await this.throttle.reset(ctx, key);

    const factor = await ctx.manager.findOne(MfaFactor, { where: { membershipId: membership.id } });
    const requirement = mfaRequirement(
      {
        orgMfaRequired: org.mfaRequired,
        mfaOptOut: membership.mfaOptOut,
        mfaOptOutUntil: membership.mfaOptOutUntil,
        hasConfirmedFactor: !!factor?.confirmedAt,
      },
      new Date(),
    );
    const kind: SessionKindValue = requirement === 'challenge' ? 'mfa_challenge' : requirement === 'enroll' ? 'mfa_enrollment' : 'full';
    const ttl =
      kind === 'mfa_challenge'
        ? MFA_CHALLENGE_TTL_SECONDS
        : kind === 'mfa_enrollment'
          ? MFA_ENROLLMENT_TTL_SECONDS
          : this.sessionTtlSeconds;

    return withTransaction(ctx, async (tx) => {
      const session = await this.sessions.create(tx, {
        userId: user.id,
        orgId: org.id,
        membershipId: membership.id,
        kind,
        ttlSeconds: ttl,
      });
      if (kind === 'full') {
        await this.markLoggedIn(tx, user.id);
      }
      await this.audit.recordChange(tx, {
        action: 'auth.sign_in',
        orgId: org.id,
        actorUserId: user.id,
        targetUserId: user.id,
        changes: { status: STATUS_BY_KIND[kind] },
      });
      return { status: STATUS_BY_KIND[kind], token: session.token, expiresAt: session.expiresAt };
    });
  }

  /**
   * Upgrades an MFA step to a full session: revokes the step token and issues a full one.
   * Called by the MFA service once a code has been accepted, inside its transaction.
   */
  async completeMfaStep(tx: SessionContext): Promise<SignInOutcome> {
    await this.sessions.revoke(tx, tx.principal.sessionId);
    const session = await this.sessions.create(tx, {
      userId: tx.principal.userId,
      orgId: tx.principal.orgId,
      membershipId: tx.principal.membershipId,
      kind: 'full',
      ttlSeconds: this.sessionTtlSeconds,
    });
    await this.markLoggedIn(tx, tx.principal.userId);
    return { status: 'SIGNED_IN', token: session.token, expiresAt: session.expiresAt };
  }

  /** Revokes the caller's session. */
  async signOut(ctx: RequestContext): Promise<boolean> {
    const s = requireSession(ctx);
    await withTransaction(s, async (tx) => {
      await this.sessions.revoke(tx, s.principal.sessionId);
      await this.audit.recordChange(tx, { action: 'auth.sign_out', targetUserId: s.principal.userId });
    });
    return true;
  }

  /** Who the session belongs to, in which org, and who (if anyone) is impersonating. */
  async whoAmI(ctx: RequestContext): Promise<WhoAmI> {
    const s = requireSession(ctx);
    const [user, org, membership] = await Promise.all([
      s.manager.findOne(User, { where: { id: s.principal.userId } }),
      loadCurrentOrg(s),
      s.manager.findOne(Membership, { where: { id: s.principal.membershipId } }),
    ]);
    if (!user || !membership) {
      throw new UnauthenticatedError();
    }
    const impersonator = s.principal.impersonatorUserId
      ? await s.manager.findOne(User, { where: { id: s.principal.impersonatorUserId } })
      : null;
    return { user, org, membership, sessionKind: s.principal.kind, impersonator, expiresAt: s.principal.expiresAt };
  }

  /** lastLoginAt lives on the user and is copied to each membership for the per-org sort. */
  private async markLoggedIn(ctx: RequestContext, userId: number): Promise<void> {
    const now = new Date();
    await rawExecute(ctx.manager, 'UPDATE users SET lastLoginAt = :now WHERE id = :id', { now, id: userId });
    await rawExecute(ctx.manager, 'UPDATE memberships SET lastLoginAt = :now WHERE userId = :id', { now, id: userId });
  }
}
