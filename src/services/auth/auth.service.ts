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
import type { OptOutExpiryService } from '../memberships/opt-out-expiry.service';
import { Op, authorize } from '../access/policy';
import { loadCurrentOrg } from '../common/tenancy';
import { memberView, type MemberView } from '../members/member-view';

type SignInStatus = 'SIGNED_IN' | 'MFA_REQUIRED' | 'MFA_ENROLLMENT_REQUIRED';

export interface SignInOutcome {
  status: SignInStatus;
  token: string;
  expiresAt: Date;
}

export interface WhoAmI {
  /** The caller as this org sees them. */
  user: MemberView;
  org: Org;
  membership: Membership;
  sessionKind: SessionKindValue;
  /** The impersonating admin, as this org sees them. */
  impersonator: MemberView | null;
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
    private readonly optOutExpiry: OptOutExpiryService,
  ) {}

  /**
   * Password sign-in to one org. Unknown org, unknown email, wrong password, no membership, an
   * invitation not accepted yet and an inactive membership all give the same UNAUTHENTICATED
   * answer, after the same argon2 work. Each check first takes an attempt slot of the account's
   * throttle (so a burst checks at most its limit of passwords). Returns a full session, or an
   * MFA challenge/enrollment token when the org's policy says so.
   */
  async signIn(ctx: RequestContext, orgSlug: string, email: string, password: string): Promise<SignInOutcome> {
    const key = this.throttle.accountKey(email);
    const lockedFor = await this.throttle.reserve(ctx, key);
    if (lockedFor > 0) {
      await this.audit.recordDenied(ctx, { action: 'auth.sign_in', orgId: null, actorUserId: null }, 'RATE_LIMITED');
      throw new RateLimitedError('Too many failed sign-ins for this account; try again later.', lockedFor);
    }
    const org = orgSlug ? await ctx.manager.findOne(Org, { where: { slug: orgSlug.trim().toLowerCase() } }) : null;
    const user = await ctx.manager.findOne(User, { where: { emailKey: email.trim().toLowerCase() } });
    const membership = org && user ? await ctx.manager.findOne(Membership, { where: { orgId: org.id, userId: user.id } }) : null;
    const passwordOk = await this.throttle.checking(ctx, key, async () =>
      verifyPassword(user ? user.passwordHash : await dummyPasswordHash(), password, ctx.ip ?? ''),
    );

    if (!org || !user || !membership || membership.status !== 'active' || !membership.isActive || !passwordOk) {
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
        await this.markLoggedIn(tx, membership.id);
      }
      // Rule 16b: an opt-out that has run out is told at the latest now (once; the sweep may have).
      await this.optOutExpiry.notifyIfExpired(tx, membership);
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
    await this.markLoggedIn(tx, tx.principal.membershipId);
    return { status: 'SIGNED_IN', token: session.token, expiresAt: session.expiresAt };
  }

  /** Revokes the caller's session. */
  async signOut(ctx: RequestContext): Promise<boolean> {
    const s = await authorize(ctx, this.audit, Op.SignOut, { action: 'auth.sign_out' });
    await withTransaction(s, async (tx) => {
      await this.sessions.revoke(tx, s.principal.sessionId);
      await this.audit.recordChange(tx, { action: 'auth.sign_out', targetUserId: s.principal.userId });
    });
    return true;
  }

  /** Who the session belongs to (as this org sees them), in which org, and who (if anyone) is impersonating. */
  async whoAmI(ctx: RequestContext): Promise<WhoAmI> {
    const s = await authorize(ctx, this.audit, Op.WhoAmI, { action: 'auth.who_am_i' });
    const [user, org, membership] = await Promise.all([
      s.manager.findOne(User, { where: { id: s.principal.userId } }),
      loadCurrentOrg(s),
      s.manager.findOne(Membership, { where: { id: s.principal.membershipId } }),
    ]);
    if (!user || !membership) {
      throw new UnauthenticatedError();
    }
    const impersonatorId = s.principal.impersonatorUserId;
    const [impersonator, impersonatorMembership] = impersonatorId
      ? await Promise.all([
          s.manager.findOne(User, { where: { id: impersonatorId } }),
          s.manager.findOne(Membership, { where: { orgId: org.id, userId: impersonatorId } }),
        ])
      : [null, null];
    return {
      user: memberView(user, membership),
      org,
      membership,
      sessionKind: s.principal.kind,
      impersonator: impersonator && impersonatorMembership ? memberView(impersonator, impersonatorMembership) : null,
      expiresAt: s.principal.expiresAt,
    };
  }

  /**
   * The last sign-in to THIS org (rule 3a: another org never sees it). updatedAt is kept as it
   * is (MySQL's ON UPDATE would move it): a sign-in is not a change of the member.
   */
  private async markLoggedIn(ctx: RequestContext, membershipId: number): Promise<void> {
    await rawExecute(ctx.manager, 'UPDATE memberships SET lastLoginAt = :now, updatedAt = updatedAt WHERE id = :id', {
      now: new Date(),
      id: membershipId,
    });
  }
}
