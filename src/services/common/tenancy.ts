import type { SessionContext } from '../../context';
import { Membership, Org, Role, User } from '../../entities';
import { NotFoundError, UnauthenticatedError } from '../../errors';
import { rawQuery, toBool, toDate } from '../../db/raw';
import { memberView, type MemberView } from '../members/member-view';
import type { MemberRef } from './ids';

/**
 * Tenancy in one place (docs/product.md rules 1 and 3): every org-owned thing is loaded through a
 * helper here, scoped to the session's org; anything of another org is the same NOT_FOUND as
 * something that does not exist. The org always comes from the session, never from an argument.
 */

/** A member of the session's org: the shared account and this org's membership (its data). */
export interface Member {
  user: User;
  membership: Membership;
}

/** The session's org id: the only org any query of this request may touch. */
export function sessionOrgId(s: SessionContext): number {
  return s.principal.orgId;
}

export async function loadCurrentOrg(ctx: SessionContext): Promise<Org> {
  // Raw SQL: this runs on hot paths (userCounts beside a page), where TypeORM's findOne cost
  // about as much CPU as the rest of the request (`npm run bench`).
  const [row] = await rawQuery(
    ctx.manager,
    `SELECT id, name, slug, mfaRequired, licensedSeats, enabledCount, inactiveCount, seatCount, invitedCount, createdAt, updatedAt
       FROM orgs WHERE id = :id`,
    { id: sessionOrgId(ctx) },
  );
  if (!row) {
    throw new UnauthenticatedError();
  }
  const org = new Org();
  Object.assign(org, {
    id: Number(row.id),
    name: row.name as string,
    slug: row.slug as string,
    mfaRequired: toBool(row.mfaRequired),
    licensedSeats: row.licensedSeats == null ? null : Number(row.licensedSeats),
    enabledCount: Number(row.enabledCount),
    inactiveCount: Number(row.inactiveCount),
    seatCount: Number(row.seatCount),
    invitedCount: Number(row.invitedCount),
    createdAt: toDate(row.createdAt)!,
    updatedAt: toDate(row.updatedAt)!,
  });
  return org;
}

/**
 * The one way to load "a member of my org" (rule 3): a user who does not exist, is deleted, or is
 * not a member of the session's org is the same NOT_FOUND. An externalRef is looked up within the
 * session's org only (it is that org's reference; another org may use the same one for someone
 * else). Whether the caller may name a member by externalRef is the policy's
 * (Op.MemberLookupByRef); this only finds.
 */
export async function loadMember(ctx: SessionContext, ref: MemberRef): Promise<Member> {
  const orgId = sessionOrgId(ctx);
  let membership: Membership | null = null;
  if ('id' in ref) {
    membership =
      Number.isSafeInteger(ref.id) && ref.id > 0 ? await ctx.manager.findOne(Membership, { where: { orgId, userId: ref.id } }) : null;
  } else {
    membership = ref.externalRef ? await ctx.manager.findOne(Membership, { where: { orgId, externalRef: ref.externalRef } }) : null;
  }
  const user = membership ? await ctx.manager.findOne(User, { where: { id: membership.userId } }) : null;
  if (!membership || !user) {
    throw new NotFoundError();
  }
  return { user, membership };
}

/** loadMember, as the org sees the member. */
export async function loadMemberView(ctx: SessionContext, ref: MemberRef): Promise<MemberView> {
  const { user, membership } = await loadMember(ctx, ref);
  return memberView(user, membership);
}

/** A role of the session's org (NOT_FOUND for another org's role or a missing one). */
export async function loadRole(ctx: SessionContext, id: number): Promise<Role> {
  const role = await ctx.manager.findOne(Role, { where: { id, orgId: sessionOrgId(ctx) } });
  if (!role) {
    throw new NotFoundError('Role');
  }
  return role;
}

