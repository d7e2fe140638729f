import type { RequestContext } from '../../context';
import { BadUserInputError, ForbiddenError, assertThat } from '../../errors';
import { withTransaction } from '../../db/transaction';
import type { AuditService } from '../audit/audit.service';
import type { SessionService } from './session.service';
import { Op, authorize, authorizeMemberRef } from '../access/policy';
import { refId, type MemberRef } from '../common/ids';
import { loadMember, sessionOrgId } from '../common/tenancy';
import { memberView, type MemberView } from '../members/member-view';

/** docs/product.md rule 22: an impersonation session lasts at most one hour. */
const IMPERSONATION_MAX_SECONDS = 60 * 60;

export interface ImpersonationOutcome {
  token: string;
  expiresAt: Date;
  /** The impersonated member, as the org sees them. */
  user: MemberView;
}

/**
 * Admin impersonation (rule 22). The session it creates is a full session of the target's
 * membership carrying impersonatorUserId: SessionService.resolve makes it a non-admin and ends it
 * as soon as the impersonator is no longer an active admin of the org; the access policy refuses
 * admin, MFA, password and email operations under it; every audit row written under it names the
 * impersonator.
 */
export class ImpersonationService {
  constructor(
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Starts impersonating an active non-admin member of the caller's org, for at most one hour
   * and never beyond the admin's own session. Admins (oneself included) are FORBIDDEN (audited),
   * a deactivated member or a pending invitation is BAD_USER_INPUT, anyone outside the org is
   * NOT_FOUND.
   */
  async impersonate(ctx: RequestContext, ref: MemberRef): Promise<ImpersonationOutcome> {
    const action = 'user.impersonate';
    const s = await authorize(ctx, this.audit, Op.Impersonate, { action, target: { userId: refId(ref) } });
    await authorizeMemberRef(s, this.audit, ref, action);
    const { user, membership } = await loadMember(s, ref);
    if (membership.isAdmin) {
      await this.audit.recordDenied(s, { action, targetUserId: user.id }, 'FORBIDDEN');
      throw new ForbiddenError('Admins cannot be impersonated.');
    }
    assertThat(
      membership.status === 'active',
      () => new BadUserInputError('This member has not accepted the invitation yet and cannot be impersonated.', 'userId'),
    );
    assertThat(membership.isActive, () => new BadUserInputError('This member is deactivated and cannot be impersonated.', 'userId'));
    const ttlSeconds = Math.min(IMPERSONATION_MAX_SECONDS, Math.floor((s.principal.expiresAt.getTime() - Date.now()) / 1000));
    assertThat(ttlSeconds > 0, () => new BadUserInputError('Your session is about to end; sign in again first.'));
    return withTransaction(s, async (tx) => {
      const session = await this.sessions.create(tx, {
        userId: user.id,
        orgId: sessionOrgId(s),
        membershipId: membership.id,
        kind: 'full',
        impersonatorUserId: s.principal.userId,
        ttlSeconds,
      });
      await this.audit.recordChange(tx, { action, targetUserId: user.id, changes: { expiresAt: session.expiresAt.toISOString() } });
      return { token: session.token, expiresAt: session.expiresAt, user: memberView(user, membership) };
    });
  }

  /** Ends the current impersonation session (BAD_USER_INPUT when this is not one). */
  async stopImpersonating(ctx: RequestContext): Promise<boolean> {
    const s = await authorize(ctx, this.audit, Op.StopImpersonating, { action: 'user.impersonate_stop' });
    assertThat(s.principal.impersonatorUserId !== null, () => new BadUserInputError('This session is not an impersonation.'));
    await withTransaction(s, async (tx) => {
      await this.sessions.revoke(tx, s.principal.sessionId);
      await this.audit.recordChange(tx, { action: 'user.impersonate_stop', targetUserId: s.principal.userId });
    });
    return true;
  }
}
