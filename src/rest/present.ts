import type { SessionContext } from '../context';
import type { Membership, Org, User } from '../entities';
import { flagsOf } from '../services/memberships/membership-fields';

/**
 * Response shaping: entities → the legacy JSON field names. Never a secret (password hash,
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
export function userSummaryJson(u: Pick<User, 'id' | 'firstName' | 'lastName'>) {
  return { id: u.id, firstName: u.firstName, lastName: u.lastName };
}

/** The full record: for an admin, or for the member reading their own. */
export function userJson(u: User, m?: Membership | null) {
  return {
    id: u.id,
    externalRef: u.externalRef,
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    language: u.language,
    lastLoginAt: iso(u.lastLoginAt),
    createdAt: iso(u.createdAt),
    ...(m ? { membership: membershipJson(m) } : {}),
  };
}

export function orgJson(o: Org) {
  return { id: o.id, name: o.name, slug: o.slug, mfaRequired: o.mfaRequired, licensedSeats: o.licensedSeats };
}

/**
 * docs/product.md rule 4 for REST answers (the GraphQL door declares it with field-level
 * @Authorized(ADMIN_OR_SELF)): an admin, or the member themself, sees the full record.
 */
export function seesFullRecord(ctx: SessionContext, userId: number): boolean {
  return ctx.principal.isAdmin || ctx.principal.userId === userId;
}

/** The full record for an admin or oneself; id and names for any other member. */
export function visibleUser(ctx: SessionContext, user: User, membership?: Membership | null) {
  return seesFullRecord(ctx, user.id) ? userJson(user, membership) : userSummaryJson(user);
}
