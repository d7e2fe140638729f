import type { RequestContext, SessionContext } from '../../context';
import { Membership, User } from '../../entities';
import { ConflictError, ForbiddenError, assertThat } from '../../errors';
import { nowInstant } from '../../db/instant';
import { touchRoleFeeds } from '../roles/role-feed-stamps';
import { withTransaction } from '../../db/transaction';
import { rawExecute } from '../../db/raw';
import { isUniqueViolation } from '../../db/errors';
import { claimRow } from '../../db/locks';
import type { AuditService, FieldChanges } from '../audit/audit.service';
import { Op, authorize, authorizeMemberRef, lockCallerAsActiveAdmin } from '../access/policy';
import { deleteMembershipKeys, emailKeyOf, insertMembership, writeMemberKeys } from '../members/member-keys';
import { memberView, type MemberView } from '../members/member-view';
import { moveMemberCounters } from '../memberships/member-counters';
import { flagsOf } from '../memberships/membership-fields';
import { deleteFactorAndCodes } from '../mfa/mfa-factors';
import type { PasswordService, QueuedToken } from './password.service';
import { assertExternalRefFree, cleanProfile, newMemberFlags, type NewMember } from './provisioning.service';
import type { SessionService } from '../auth/session.service';
import { refId, type MemberRef } from '../common/ids';
import { loadMember, sessionOrgId } from '../common/tenancy';
import { cleanEmail, cleanExternalRef, cleanLanguage, cleanName } from '../common/validation';

/** createUser input: a member's profile and flags. Admins never set passwords: the person does, with the invitation. */
export type NewUser = Omit<NewMember, 'password'>;

export interface CreatedUser {
  /** The invited member, as the org sees them: only what its admin typed. */
  user: MemberView;
  membership: Membership;
  /** The invitation queued for the invitee's mailbox (never the token itself). */
  activation: QueuedToken;
}

/** updateUser input: fields not sent (undefined) stay as they are; externalRef null clears it. */
export interface UserChanges {
  firstName?: string;
  lastName?: string;
  email?: string;
  language?: string;
  externalRef?: string | null;
}

/** The profile fields the org keeps on the membership. */
const PROFILE_FIELDS = ['firstName', 'lastName', 'language', 'externalRef'] as const;
type ProfileField = (typeof PROFILE_FIELDS)[number];

const CONFLICT_IN_ORG = 'Another member of this org already has this email address or externalRef.';

/**
 * Members of the session's org: invite, update the org's profile of them, remove them
 * (docs/product.md rules 2, 3, 3a, 5, 8, 20).
 */
export class UserAdminService {
  constructor(
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Admin: invites a person into the caller's org (rule 3a). Always the same work and the same
   * answer, whatever the address: an unclaimed account made for the invitation (accounts are
   * never looked up by the address here, so nothing in the reply, its timing or its id tells
   * whether the address has an account elsewhere), a membership with status 'invited' (not
   * active, no seat, counted as invited) holding what the admin typed, and a 7-day invitation
   * token queued, sealed, for the address. CONFLICT when this org already has a member or an
   * invitation with that address, or that externalRef (this org's own data).
   */
  async createUser(ctx: RequestContext, input: NewUser): Promise<CreatedUser> {
    const action = 'user.create';
    const s = await authorize(ctx, this.audit, Op.MemberCreate, { action });
    const inviteEmail = cleanEmail(input.email);
    const profile = cleanProfile(input);
    const flags = newMemberFlags(input);
    const orgId = sessionOrgId(s);
    try {
      return await withTransaction(s, async (tx) => {
        const taken = await tx.manager.findOne(Membership, { where: { orgId, emailKey: emailKeyOf(inviteEmail) } });
        assertThat(!taken, () => new ConflictError('This org already has a member or an invitation with this email address.'));
        await assertExternalRefFree(tx, orgId, profile.externalRef);
        const account = await tx.manager.save(User, tx.manager.create(User, { email: null, emailKey: null, passwordHash: null }));
        const state = { status: 'invited' as const, ...flags };
        await moveMemberCounters(tx.manager, orgId, null, state);
        const membership = await insertMembership(
          tx.manager,
          { orgId, userId: account.id, ...profile, ...state, inviteEmail, invitedAt: new Date(), invitedByUserId: s.principal.userId },
          inviteEmail,
        );
        const activation = await this.passwords.sendToken(tx, account.id, 'invitation', inviteEmail, { membershipId: membership.id });
        await this.audit.recordChange(tx, {
          action,
          targetUserId: account.id,
          changes: {
            email: { before: null, after: inviteEmail },
            firstName: { before: null, after: profile.firstName },
            lastName: { before: null, after: profile.lastName },
            status: { before: null, after: 'invited' },
            ...Object.fromEntries(Object.entries(flagsOf(membership)).map(([k, v]) => [k, { before: null, after: v }])),
          },
        });
        return { user: memberView(account, membership), membership, activation };
      });
    } catch (e) {
      // Two concurrent invitations of one address (or one externalRef): the unique index decides.
      if (isUniqueViolation(e)) {
        throw new ConflictError(CONFLICT_IN_ORG);
      }
      throw e;
    }
  }

  /**
   * Partial update of the org's profile of a member (names, language: admin, or the member
   * themself; externalRef: admin, unique within the org). It changes this org's membership only:
   * no other org sees it. An email is the account's: a change is not made here, a confirmation
   * token goes to the new address (docs/accounts.md) and the answer is the same whether or not
   * the address is taken (the email shown stays the current one); while invited, the address is
   * this org's typing and changes at once, with a new invitation. Same values: nothing is
   * written, nothing audited.
   */
  async updateUser(ctx: RequestContext, ref: MemberRef, input: UserChanges): Promise<MemberView> {
    const action = 'user.update';
    const target = { userId: refId(ref) };
    const s = await authorize(ctx, this.audit, Op.MemberProfileUpdate, { action, target });
    await authorizeMemberRef(s, this.audit, ref, action);
    if (input.externalRef !== undefined) {
      await authorize(s, this.audit, Op.MemberRefUpdate, { action, target });
    }
    if (input.email !== undefined) {
      await authorize(s, this.audit, Op.EmailChangeRequest, { action, target });
    }
    const { user, membership } = await loadMember(s, ref);
    const view = memberView(user, membership);

    const next: Partial<Record<ProfileField, string | null>> = {};
    if (input.firstName !== undefined) {
      next.firstName = cleanName(input.firstName, 'firstName');
    }
    if (input.lastName !== undefined) {
      next.lastName = cleanName(input.lastName, 'lastName');
    }
    if (input.language !== undefined) {
      next.language = cleanLanguage(input.language);
    }
    if (input.externalRef !== undefined) {
      next.externalRef = cleanExternalRef(input.externalRef);
    }
    const email = input.email === undefined ? undefined : cleanEmail(input.email);
    const changes: FieldChanges = {};
    for (const f of PROFILE_FIELDS) {
      if (next[f] !== undefined && membership[f] !== next[f]) {
        changes[f] = { before: membership[f], after: next[f] };
      }
    }
    const emailChanges = email !== undefined && email !== view.email;
    if (Object.keys(changes).length === 0 && !emailChanges) {
      return view;
    }

    try {
      return await withTransaction(s, async (tx) => {
        const orgId = sessionOrgId(s);
        const now = new Date();
        if (changes.externalRef) {
          await assertExternalRefFree(tx, orgId, (next.externalRef as string | null) ?? null, membership.id);
        }
        const patch: Partial<Membership> = Object.fromEntries(Object.entries(changes).map(([k, c]) => [k, c.after]));
        if (Object.keys(patch).length > 0) {
          await tx.manager.update(Membership, { id: membership.id }, { ...patch, updatedAt: now });
        }
        if (changes.firstName || changes.lastName) {
          await writeMemberKeys(tx.manager, { membershipId: membership.id }, { names: { ...membership, ...patch } });
        }
        if (emailChanges && membership.status === 'invited') {
          // The invitation's address is what this org typed: it changes now, and the invitation goes to the new one.
          const taken = await tx.manager.findOne(Membership, { where: { orgId, emailKey: emailKeyOf(email) } });
          assertThat(!taken || taken.id === membership.id, () => new ConflictError(CONFLICT_IN_ORG));
          await tx.manager.update(Membership, { id: membership.id }, { inviteEmail: email, updatedAt: now });
          await writeMemberKeys(tx.manager, { membershipId: membership.id }, { email });
          await this.passwords.sendToken(tx, user.id, 'invitation', email, { membershipId: membership.id });
          changes.email = { before: membership.inviteEmail, after: email };
        } else if (emailChanges) {
          // The account's address: only its mailbox owner can move it (confirmEmailChange).
          const queued = await this.passwords.requestEmailChange(tx, user, email);
          await this.audit.recordChange(tx, {
            action: 'user.email_change_requested',
            targetUserId: user.id,
            changes: { to: email, expiresAt: queued.expiresAt.toISOString() },
          });
        }
        if (Object.keys(changes).length > 0) {
          // This org's view of the member changed: their role assignments show in usersUpdatedByRole.
          await touchRoleFeeds(tx.manager, user.id, [orgId]);
          await this.audit.recordChange(tx, { action, targetUserId: user.id, changes });
        }
        const updated = (await tx.manager.findOne(Membership, { where: { id: membership.id } }))!;
        return memberView(user, updated);
      });
    } catch (e) {
      // Two concurrent updates claiming the same externalRef or invitation address: the unique index decides.
      if (isUniqueViolation(e)) {
        throw new ConflictError(CONFLICT_IN_ORG);
      }
      throw e;
    }
  }

  /**
   * Admin: removes the user from the caller's org (or withdraws their invitation): the
   * membership, its MFA factor and recovery codes, its group memberships, its sessions; role
   * assignments get removedAt (the usersRemovedFromRole feed keeps seeing them); the org's
   * counters move. An admin cannot remove themself, so the org always keeps an active admin
   * (rule 5) — the caller, whose membership is re-checked under a row lock. When no membership
   * is left the account is soft-deleted, its sessions everywhere are revoked and its pending
   * tokens voided (nothing in the answer or the audit row says which: that would tell this org
   * whether the person belongs to others).
   */
  async deleteUser(ctx: RequestContext, ref: MemberRef): Promise<boolean> {
    const action = 'user.delete';
    const s: SessionContext = await authorize(ctx, this.audit, Op.MemberDelete, { action, target: { userId: refId(ref) } });
    await authorizeMemberRef(s, this.audit, ref, action);
    const { user, membership } = await loadMember(s, ref);
    if (user.id === s.principal.userId) {
      await this.audit.recordDenied(s, { action, targetUserId: user.id }, 'FORBIDDEN');
      throw new ForbiddenError('An admin cannot delete themself; ask another admin.');
    }
    await withTransaction(s, async (tx) => {
      // Org row first, then memberships: the lock order of every writer of counters and admins
      // (MembershipService), so this cannot deadlock with a concurrent membership update.
      await claimRow(tx.manager, 'orgs', sessionOrgId(s));
      await lockCallerAsActiveAdmin(tx, s.principal.membershipId);
      const now = new Date();
      // Conditional on the counted state we read: a concurrent (de)activation or acceptance makes
      // this a CONFLICT instead of moving the counters from a stale state.
      await deleteMembershipKeys(tx.manager, membership.id);
      const deleted = await rawExecute(
        tx.manager,
        'DELETE FROM memberships WHERE id = :id AND userId = :userId AND status = :status AND isActive = :isActive AND excludeFromMembershipCount = :excluded',
        {
          id: membership.id,
          userId: user.id,
          status: membership.status,
          isActive: membership.isActive,
          excluded: membership.excludeFromMembershipCount,
        },
      );
      assertThat(deleted === 1, () => new ConflictError('The member was changed meanwhile; reload and try again.'));
      await moveMemberCounters(tx.manager, sessionOrgId(s), membership, null);
      await deleteFactorAndCodes(tx, membership.id);
      await rawExecute(tx.manager, 'DELETE FROM user_group_members WHERE orgId = :orgId AND userId = :userId', {
        orgId: sessionOrgId(s),
        userId: user.id,
      });
      await rawExecute(
        tx.manager,
        'UPDATE role_assignments SET removedAt = :now, updatedAt = :now WHERE orgId = :orgId AND userId = :userId AND removedAt IS NULL',
        // Exact (db/instant.ts): usersRemovedFromRole compares and pages by removedAt.
        { now: nowInstant(), orgId: sessionOrgId(s), userId: user.id },
      );
      await this.sessions.revokeForMembership(tx, membership.id);
      // One statement decides whether this was the last membership (no read-then-write).
      const accountDeleted =
        (await rawExecute(
          tx.manager,
          'UPDATE users SET deletedAt = :now WHERE id = :id AND deletedAt IS NULL AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.userId = :id)',
          { now, id: user.id },
        )) === 1;
      if (accountDeleted) {
        await this.sessions.revokeForUser(tx, user.id);
        await this.passwords.voidUnusedTokens(tx, user.id, now);
      }
      // Whether the account went too is not this org's business (it would tell whether the person
      // belongs to other orgs): the audit row does not say.
      await this.audit.recordChange(tx, {
        action,
        targetUserId: user.id,
        changes: { membership: { before: { status: membership.status, ...flagsOf(membership) }, after: null } },
      });
    });
    return true;
  }
}
