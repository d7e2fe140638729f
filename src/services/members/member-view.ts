import type { Membership, MembershipStatus, User } from '../../entities';

/**
 * A member as ONE org sees them (docs/product.md §1, rule 3a): the GraphQL `User` type and the
 * REST user JSON are both made from this. The profile, externalRef, last sign-in and "member
 * since" are the membership's (this org's data); only the email comes from the account, and only
 * once the person has joined: while invited, the org sees the address its admin typed. Nothing
 * of another org, and nothing the account holds beyond its email (its own createdAt, other
 * memberships, password state), can reach a reply through it.
 */
export interface MemberView {
  /** The user id (the account's), the id every door takes. */
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  externalRef: string | null;
  language: string;
  /** The last sign-in to this org. */
  lastLoginAt: Date | null;
  /** Member since. */
  createdAt: Date;
  status: MembershipStatus;
  membership: Membership;
}

/** The account columns a view needs: never the password hash. */
export type AccountOfMember = Pick<User, 'id' | 'email'>;

export function memberView(account: AccountOfMember, membership: Membership): MemberView {
  return {
    id: account.id,
    firstName: membership.firstName,
    lastName: membership.lastName,
    email: (membership.status === 'invited' ? membership.inviteEmail : account.email) ?? membership.inviteEmail ?? '',
    externalRef: membership.externalRef,
    language: membership.language,
    lastLoginAt: membership.lastLoginAt,
    createdAt: membership.createdAt,
    status: membership.status,
    membership,
  };
}
