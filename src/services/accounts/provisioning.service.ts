import type { RequestContext } from '../../context';
import { Membership, Org, User } from '../../entities';
import { BadUserInputError, ConflictError } from '../../errors';
import { withTransaction } from '../../db/transaction';
import { hashPassword } from '../../security/password';
import { assertPasswordAcceptable } from '../../security/password-policy';
import { emailKeyOf, insertMembership } from '../members/member-keys';
import { moveMemberCounters } from '../memberships/member-counters';
import {
  DEFAULT_MEMBERSHIP_FLAGS,
  MEMBERSHIP_FLAGS,
  assertAdminOrAdvanced,
  flagsOf,
  type MembershipFlags,
} from '../memberships/membership-fields';
import { cleanEmail, cleanExternalRef, cleanLanguage, cleanName, cleanSlug } from '../common/validation';

export interface NewOrg {
  slug: string;
  name: string;
  mfaRequired?: boolean;
  licensedSeats?: number | null;
}

export interface NewMember {
  email: string;
  firstName: string;
  lastName: string;
  language?: string;
  externalRef?: string | null;
  /** Plain password to set now (checked against the policy); omit to leave the account unactivated. */
  password?: string;
  isAdmin?: boolean;
  isActive?: boolean;
  allAccess?: boolean;
  portalAccess?: boolean;
  excludeFromMembershipCount?: boolean;
  hasAdvancedPermissions?: boolean;
}

export interface ProvisionedMember {
  user: User;
  membership: Membership;
  /** True when the email already belonged to a user (of another org) and only a membership was added. */
  existingUser: boolean;
}

/** A new member's profile as this org keeps it (validated). */
export interface MemberProfile {
  firstName: string;
  lastName: string;
  language: string;
  externalRef: string | null;
}

/** Validates the profile part of a new member (names clean and NFC, BCP 47 language, externalRef). */
export function cleanProfile(n: Pick<NewMember, 'firstName' | 'lastName' | 'language' | 'externalRef'>): MemberProfile {
  return {
    firstName: cleanName(n.firstName, 'firstName'),
    lastName: cleanName(n.lastName, 'lastName'),
    language: cleanLanguage(n.language ?? 'en-US'),
    externalRef: n.externalRef === undefined ? null : cleanExternalRef(n.externalRef),
  };
}

/** The Account Status flags of a new member, validated (rule 6); an opt-out is granted through updateMembership. */
export function newMemberFlags(n: NewMember): MembershipFlags {
  const flags = flagsOf({ ...DEFAULT_MEMBERSHIP_FLAGS, ...definedFlags(n) });
  assertAdminOrAdvanced(flags, n);
  return flags;
}

/** CONFLICT when the org already uses this externalRef for someone (the org's own data: it may say so). */
export async function assertExternalRefFree(
  tx: RequestContext,
  orgId: number,
  externalRef: string | null,
  exceptMembershipId?: number,
): Promise<void> {
  if (externalRef === null) {
    return;
  }
  const holder = await tx.manager.findOne(Membership, { where: { orgId, externalRef } });
  if (holder && holder.id !== exceptMembershipId) {
    throw new ConflictError('externalRef is already used by another member of this org.');
  }
}

/** The flags a new member was given (absent ones keep their defaults). */
function definedFlags(n: NewMember): Partial<MembershipFlags> {
  // An opt-out is granted through updateMembership (it records who granted it and queues a notice).
  const given = n as Partial<MembershipFlags>;
  return Object.fromEntries(MEMBERSHIP_FLAGS.filter((f) => f !== 'mfaOptOut' && given[f] !== undefined).map((f) => [f, given[f]]));
}

/**
 * Creating orgs and members, with the counters and sort keys kept right. Used by the CLI, the
 * demo seed and (after its authorization checks) the createUser mutation. Callers audit.
 */
export class ProvisioningService {
  async createOrg(ctx: RequestContext, o: NewOrg): Promise<Org> {
    const slug = cleanSlug(o.slug);
    const name = cleanName(o.name, 'name', 200);
    if (o.licensedSeats != null && (!Number.isInteger(o.licensedSeats) || o.licensedSeats < 0)) {
      throw new BadUserInputError('licensedSeats must be a non-negative integer or null.', 'licensedSeats');
    }
    return withTransaction(ctx, async (tx) => {
      if (await tx.manager.findOne(Org, { where: { slug } })) {
        throw new ConflictError(`An org with slug "${slug}" already exists.`);
      }
      return tx.manager.save(
        Org,
        tx.manager.create(Org, { slug, name, mfaRequired: !!o.mfaRequired, licensedSeats: o.licensedSeats ?? null }),
      );
    });
  }

  /**
   * Operator provisioning (CLI, demo data, tests): adds an ACTIVE member to an org at once,
   * creating the account or reusing the one with that email (case-insensitive; a soft-deleted one
   * comes back clean). No invitation: whoever runs this is trusted with every org (the API's
   * createUser invites instead, rule 3a). The profile is this org's. CONFLICT when already a
   * member or when the org uses the externalRef already.
   */
  async addMember(ctx: RequestContext, orgId: number, n: NewMember): Promise<ProvisionedMember> {
    const email = cleanEmail(n.email);
    const profile = cleanProfile(n);
    const flags = newMemberFlags(n);
    if (n.password !== undefined) {
      assertPasswordAcceptable(n.password, email);
    }
    const passwordHash = n.password !== undefined ? await hashPassword(n.password, ctx.ip ?? '') : null;

    return withTransaction(ctx, async (tx) => {
      const emailKey = emailKeyOf(email);
      let user = await tx.manager.findOne(User, { where: { emailKey }, withDeleted: true });
      const existingUser = !!user && !user.deletedAt;
      if (user && user.deletedAt) {
        // A soft-deleted user who comes back is a new person record for our purposes: revive it clean.
        await tx.manager.update(User, { id: user.id }, { deletedAt: null, email, passwordHash });
        user = (await tx.manager.findOne(User, { where: { id: user.id } }))!;
      }
      if (!user) {
        user = await tx.manager.save(User, tx.manager.create(User, { email, emailKey, passwordHash }));
      }
      if (await tx.manager.findOne(Membership, { where: { orgId, userId: user.id } })) {
        throw new ConflictError('This user is already a member of the org.');
      }
      await assertExternalRefFree(tx, orgId, profile.externalRef);
      const state = { status: 'active' as const, ...flags };
      await moveMemberCounters(tx.manager, orgId, null, state);
      const membership = await insertMembership(tx.manager, { orgId, userId: user.id, ...profile, ...state }, user.email ?? email);
      return { user, membership, existingUser };
    });
  }
}
