import type { RequestContext, SessionContext } from '../context';
import { Membership, Org, User } from '../entities';
import { NotFoundError, UnauthenticatedError } from '../errors';
import { rawQuery, toBool, toDate } from '../db/raw';

/** A user named by numeric id or by externalRef (REST `byRef=true`). */
export type MemberRef = { id?: number; externalRef?: string };

export interface Member {
  user: User;
  membership: Membership;
}

/** The session's principal, or UNAUTHENTICATED. Services that need a session start with this. */
export function requireSession(ctx: RequestContext): SessionContext {
  if (!ctx.principal) {
    throw new UnauthenticatedError();
  }
  return ctx as SessionContext;
}

export async function loadCurrentOrg(ctx: SessionContext): Promise<Org> {
  // Raw SQL: this runs on hot paths (userCounts beside a page), where TypeORM's findOne cost
  // about as much CPU as the rest of the request (`npm run bench`).
  const [row] = await rawQuery(
    ctx.manager,
    `SELECT id, name, slug, mfaRequired, licensedSeats, enabledCount, inactiveCount, seatCount, createdAt, updatedAt
       FROM orgs WHERE id = :id`,
    { id: ctx.principal.orgId },
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
    createdAt: toDate(row.createdAt)!,
    updatedAt: toDate(row.updatedAt)!,
  });
  return org;
}

/**
 * The one way to load "a member of my org" (PRODUCT.md rule 3): a user who does not exist, is
 * deleted, or is not a member of the session's org is the same NOT_FOUND. The org always comes
 * from the session, never from an argument.
 */
export async function loadMember(ctx: SessionContext, ref: MemberRef): Promise<Member> {
  let user: User | null = null;
  if (ref.id !== undefined) {
    user = Number.isSafeInteger(ref.id) && ref.id > 0 ? await ctx.manager.findOne(User, { where: { id: ref.id } }) : null;
  } else if (ref.externalRef !== undefined) {
    user = ref.externalRef ? await ctx.manager.findOne(User, { where: { externalRef: ref.externalRef } }) : null;
  }
  if (!user) {
    throw new NotFoundError();
  }
  const membership = await ctx.manager.findOne(Membership, { where: { orgId: ctx.principal.orgId, userId: user.id } });
  if (!membership) {
    throw new NotFoundError();
  }
  return { user, membership };
}
