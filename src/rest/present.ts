import type { SessionContext } from '../context';
import type { Membership, Org } from '../entities';
import { Op, allows } from '../services/access/policy';
import type { MemberView } from '../services/members/member-view';
import { flagsOf } from '../services/memberships/membership-fields';

/**
 * Response shaping: service views → the legacy JSON field names. Never a secret (password hash,
 * TOTP secret, token hash): only the fields listed here leave the server.
 */

// An Instant (exact column) prints its six fraction digits: keep the object, do not copy it.
const iso = (d: Date | null | undefined): string | null => (d ? (d instanceof Date ? d : new Date(d)).toISOString() : null);

export function membershipJson(m: Membership) {
  return {
    userId: m.userId,
    ...flagsOf(m),
    mfaOptOutUntil: iso(m.mfaOptOutUntil),
    mfaOptOutReason: m.mfaOptOutReason,
    version: m.version,
    updatedAt: iso(m.updatedAt),
  };
}

/** What every member may see of another member (docs/product.md rule 4). */
export function userSummaryJson(u: Pick<MemberView, 'id' | 'firstName' | 'lastName'>) {
  return { id: u.id, firstName: u.firstName, lastName: u.lastName };
}

/** The full record, as the org sees the member: for an admin, or for the member reading their own. */
export function userJson(u: MemberView, withMembership = true) {
  return {
    id: u.id,
    externalRef: u.externalRef,
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    language: u.language,
    lastLoginAt: iso(u.lastLoginAt),
    createdAt: iso(u.createdAt),
    status: u.status,
    ...(withMembership ? { membership: membershipJson(u.membership) } : {}),
  };
}

export function orgJson(o: Org) {
  return { id: o.id, name: o.name, slug: o.slug, mfaRequired: o.mfaRequired, licensedSeats: o.licensedSeats };
}

/**
 * docs/product.md rule 4 for REST answers, decided by the access policy as GraphQL's field-level
 * @Authorized(Op.MemberPrivateRead) is: the full record for an admin or oneself; id and names for
 * any other member.
 */
export function visibleUser(ctx: SessionContext, user: MemberView, withMembership = true) {
  return allows(ctx.principal, Op.MemberPrivateRead, { userId: user.id }) ? userJson(user, withMembership) : userSummaryJson(user);
}
