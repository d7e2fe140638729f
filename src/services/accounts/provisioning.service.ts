import type { RequestContext } from '../../context';
import { Membership, Org, User } from '../../entities';
import { BadUserInputError, ConflictError } from '../../errors';
import { withTransaction } from '../../db/transaction';
import { hashPassword } from '../../security/password';
import { assertPasswordAcceptable } from '../../security/password-policy';
import { memberKeys } from '../members/member-keys';
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
   * Adds a member to an org: creates the user, or reuses the user with that email (case-insensitive)
   * when they belong to other orgs. CONFLICT when they are already a member of this org.
   */
  async addMember(ctx: RequestContext, orgId: number, n: NewMember): Promise<ProvisionedMember> {
    const email = cleanEmail(n.email);
    const firstName = cleanName(n.firstName, 'firstName');
    const lastName = cleanName(n.lastName, 'lastName');
    const language = cleanLanguage(n.language ?? 'en-US');
    const externalRef = n.externalRef === undefined ? null : cleanExternalRef(n.externalRef);
    const flags = flagsOf({ ...DEFAULT_MEMBERSHIP_FLAGS, ...definedFlags(n) });
    assertAdminOrAdvanced(flags, n);
    if (n.password !== undefined) {
      assertPasswordAcceptable(n.password, email);
    }
    const passwordHash = n.password !== undefined ? await hashPassword(n.password, ctx.ip ?? '') : null;

    return withTransaction(ctx, async (tx) => {
      const emailKey = email.toLowerCase();
      let user = await tx.manager.findOne(User, { where: { emailKey }, withDeleted: true });
      const existingUser = !!user && !user.deletedAt;
      if (user && user.deletedAt) {
        // A soft-deleted user who comes back is a new person record for our purposes: revive it clean.
        await tx.manager.update(
          User,
          { id: user.id },
          { deletedAt: null, firstName, lastName, email, language, passwordHash, lastLoginAt: null },
        );
        user = (await tx.manager.findOne(User, { where: { id: user.id } }))!;
      }
      if (!user) {
        if (externalRef && (await tx.manager.findOne(User, { where: { externalRef }, withDeleted: true }))) {
          throw new ConflictError('externalRef is already used by another user.');
        }
        user = await tx.manager.save(
          User,
          tx.manager.create(User, { email, emailKey, firstName, lastName, language, externalRef, passwordHash }),
        );
      }
      if (await tx.manager.findOne(Membership, { where: { orgId, userId: user.id } })) {
        throw new ConflictError('This user is already a member of the org.');
      }
      await moveMemberCounters(tx.manager, orgId, null, flags);
      const membership = await tx.manager.save(
        Membership,
        tx.manager.create(Membership, { orgId, userId: user.id, ...flags, ...memberKeys(user), lastLoginAt: user.lastLoginAt }),
      );
      return { user, membership, existingUser };
    });
  }
}
