import type { RequestContext, SessionContext } from '../../context';
import { type Membership, User } from '../../entities';
import { ConflictError, ForbiddenError, assertThat } from '../../errors';
import { nowInstant } from '../../db/instant';
import { touchRoleFeeds } from '../roles/role-feed-stamps';
import { withTransaction } from '../../db/transaction';
import { rawExecute } from '../../db/raw';
import { isUniqueViolation } from '../../db/errors';
import { lockRow } from '../../db/locks';
import type { AuditService, FieldChanges } from '../audit/audit.service';
import { lockCallerAsActiveAdmin, requireAdmin, requireAdminOfAllOrgsOf, requireSession } from '../access/access-guards';
import { memberKeys } from '../members/member-keys';
import { moveMemberCounters } from '../memberships/member-counters';
import { flagsOf } from '../memberships/membership-fields';
import { deleteFactorAndCodes } from '../mfa/mfa-factors';
import type { OneTimeToken, PasswordService } from './password.service';
import type { NewMember, ProvisioningService } from './provisioning.service';
import type { SessionService } from '../auth/session.service';
import { refId, type MemberRef } from '../common/ids';
import { loadMember, sessionOrgId } from '../common/tenancy';
import { cleanEmail, cleanExternalRef, cleanLanguage, cleanName } from '../common/validation';

/** createUser input: a member's profile and flags. Admins never set passwords: the user does, with the activation token. */
export type NewUser = Omit<NewMember, 'password'>;

export interface CreatedUser {
  user: User;
  membership: Membership;
  /** Only when a new account was created (it has no password yet); null when an existing user (of another org) was added. */
  activation: OneTimeToken | null;
}

/** updateUser input: fields not sent (undefined) stay as they are; externalRef null clears it. */
export interface UserChanges {
  firstName?: string;
  lastName?: string;
  email?: string;
  language?: string;
  externalRef?: string | null;
}

/** What a member may change on their own record without being an admin (Okta/Auth0 "profile" fields). */
const SELF_SERVICE_FIELDS: ReadonlySet<keyof UserChanges> = new Set(['firstName', 'lastName', 'language']);

/** User create / read / update / delete within the session's org (docs/product.md rules 2, 3, 5, 8, 20). */
export class UserAdminService {
  constructor(
    private readonly provisioning: ProvisioningService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  /** A member of the caller's org by id or externalRef (NOT_FOUND for anyone else). */
  async loadUser(ctx: RequestContext, ref: MemberRef): Promise<User> {
    return (await loadMember(requireSession(ctx), ref)).user;
  }

  /**
   * Admin: adds a member to the caller's org. Creates the account, or adds a membership to the
   * account that already has this email (case-insensitive) in another org; CONFLICT when already
   * a member, SEAT_LIMIT_REACHED when no seat is free (nothing is written then). A new account
   * gets a one-time activation token (24 h); an existing one keeps its password and gets none.
   */
  async createUser(ctx: RequestContext, input: NewUser): Promise<CreatedUser> {
    const action = 'user.create';
    const s = await requireAdmin(ctx, this.audit, action);
    return withTransaction(s, async (tx) => {
      const { user, membership, existingUser } = await this.provisioning.addMember(tx, sessionOrgId(s), input);
      const activation = existingUser || user.passwordHash ? null : await this.passwords.issueToken(tx, user.id, 'activation');
      await this.audit.recordChange(tx, {
        action,
        targetUserId: user.id,
        changes: {
          email: { before: null, after: user.email },
          firstName: { before: null, after: user.firstName },
          lastName: { before: null, after: user.lastName },
          ...Object.fromEntries(Object.entries(flagsOf(membership)).map(([k, v]) => [k, { before: null, after: v }])),
          existingUser,
        },
      });
      return { user, membership, activation };
    });
  }

  /**
   * Partial update of a user's profile. Admins may change every field; a member may change their
   * own names and language. An email change needs the caller to administer every org the user
   * belongs to (no account takeover across orgs). Email (case-insensitive) and externalRef are
   * unique (CONFLICT). The sort/search keys of all the user's memberships are rewritten in the
   * same transaction. Same values: nothing is written, nothing audited.
   */
  async updateUser(ctx: RequestContext, ref: MemberRef, input: UserChanges): Promise<User> {
    const action = 'user.update';
    const s = requireSession(ctx);
    const { user } = await loadMember(s, ref);
    const sent = (Object.keys(input) as Array<keyof UserChanges>).filter((k) => input[k] !== undefined);
    const selfService = user.id === s.principal.userId && sent.every((k) => SELF_SERVICE_FIELDS.has(k));
    if (!selfService) {
      await requireAdmin(s, this.audit, action, user.id);
    } else if (s.principal.kind !== 'full') {
      throw new ForbiddenError('Complete sign-in first.');
    }

    const next: UserChanges = {};
    if (input.firstName !== undefined) {
      next.firstName = cleanName(input.firstName, 'firstName');
    }
    if (input.lastName !== undefined) {
      next.lastName = cleanName(input.lastName, 'lastName');
    }
    if (input.email !== undefined) {
      next.email = cleanEmail(input.email);
    }
    if (input.language !== undefined) {
      next.language = cleanLanguage(input.language);
    }
    if (input.externalRef !== undefined) {
      next.externalRef = cleanExternalRef(input.externalRef);
    }
    const changes: FieldChanges = {};
    for (const [k, v] of Object.entries(next) as Array<[keyof UserChanges, string | null]>) {
      if (user[k] !== v) {
        changes[k] = { before: user[k], after: v };
      }
    }
    if (Object.keys(changes).length === 0) {
      return user;
    }
    if (changes.email) {
      await requireAdminOfAllOrgsOf(s, this.audit, action, user.id);
    }

    try {
      return await withTransaction(s, async (tx) => {
        const patch: Partial<User> = Object.fromEntries(Object.entries(changes).map(([k, c]) => [k, c.after]));
        if (changes.email) {
          patch.emailKey = next.email!.toLowerCase();
          const holder = await tx.manager.findOne(User, { where: { emailKey: patch.emailKey }, withDeleted: true });
          assertThat(!holder || holder.id === user.id, () => new ConflictError('Another user already has this email address.'));
        }
        if (changes.externalRef && next.externalRef) {
          const holder = await tx.manager.findOne(User, { where: { externalRef: next.externalRef }, withDeleted: true });
          assertThat(!holder || holder.id === user.id, () => new ConflictError('externalRef is already used by another user.'));
        }
        await tx.manager.update(User, { id: user.id }, patch);
        const updated = { ...user, ...patch } as User;
        if (changes.firstName || changes.lastName || changes.email) {
          // The per-org list is served from keys copied onto every membership (all orgs, not just this one).
          const keys = memberKeys(updated);
          await rawExecute(
            tx.manager,
            'UPDATE memberships SET nameKey = :nameKey, fullNameKey = :fullNameKey, emailKey = :emailKey WHERE userId = :id',
            {
              ...keys,
              id: user.id,
            },
          );
        }
        // The profile is the account's: every org of the user sees the change in usersUpdatedByRole.
        await touchRoleFeeds(tx.manager, user.id);
        await this.audit.recordChange(tx, { action, targetUserId: user.id, changes });
        return (await tx.manager.findOne(User, { where: { id: user.id } }))!;
      });
    } catch (e) {
      // Two concurrent updates claiming the same email/externalRef: the unique index decides.
      if (isUniqueViolation(e)) {
        throw new ConflictError('Another user already has this email address or externalRef.');
      }
      throw e;
    }
  }

  /**
   * Admin: removes the user from the caller's org: the membership, its MFA factor and recovery
   * codes, its group memberships, its sessions; role assignments get removedAt (the
   * usersRemovedFromRole feed keeps seeing them); the org's counters move. An admin cannot
   * remove themself, so the org always keeps an active admin (rule 5) — the caller, whose
   * membership is re-checked under a row lock. When no membership is left the account is
   * soft-deleted, its sessions everywhere are revoked and its pending tokens voided.
   */
  async deleteUser(ctx: RequestContext, ref: MemberRef): Promise<boolean> {
    const action = 'user.delete';
    const s: SessionContext = await requireAdmin(ctx, this.audit, action, refId(ref));
    const { user, membership } = await loadMember(s, ref);
    if (user.id === s.principal.userId) {
      await this.audit.recordDenied(s, { action, targetUserId: user.id }, 'FORBIDDEN');
      throw new ForbiddenError('An admin cannot delete themself; ask another admin.');
    }
    await withTransaction(s, async (tx) => {
      // Org row first, then memberships: the lock order of every writer of counters and admins
      // (MembershipService), so this cannot deadlock with a concurrent membership update.
      await lockRow(tx.manager, 'orgs', sessionOrgId(s));
      await lockCallerAsActiveAdmin(tx, s.principal.membershipId);
      const now = new Date();
      // Conditional on the counted flags we read: a concurrent (de)activation makes this a CONFLICT
      // instead of moving the counters from a stale state.
      const deleted = await rawExecute(
        tx.manager,
        'DELETE FROM memberships WHERE id = :id AND isActive = :isActive AND excludeFromMembershipCount = :excluded',
        { id: membership.id, isActive: membership.isActive, excluded: membership.excludeFromMembershipCount },
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
      await this.audit.recordChange(tx, {
        action,
        targetUserId: user.id,
        changes: { membership: { before: flagsOf(membership), after: null }, accountDeleted },
      });
    });
    return true;
  }
}
