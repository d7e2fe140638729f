import type { RequestContext } from '../../src/context';
import { Membership, Org } from '../../src/entities';
import { rawQuery } from '../../src/db/raw';
import type { GqlResponse, Principal, TestApp } from './harness';

/** Every stored field of Membership, for comparing a row before and after. */
const MEMBERSHIP_FIELDS =
  'id userId isActive isAdmin allAccess portalAccess mfaOptOut mfaOptOutUntil mfaOptOutReason excludeFromMembershipCount hasAdvancedPermissions version';

export const UPDATE_MEMBERSHIP = `mutation($i: UpdateMembershipInput!) {
  updateMembership(input: $i) { membership { ${MEMBERSHIP_FIELDS} } } }`;

/** updateMembership(input: { userId, version, ...input }); the payload's `membership` has every stored field. */
export function updateMembership(
  p: Principal,
  userId: number | string,
  input: Record<string, unknown>,
  version?: number,
): Promise<GqlResponse<{ updateMembership: { membership: Record<string, any> } }>> {
  return p.gql(UPDATE_MEMBERSHIP, { i: { ...input, userId: String(userId), ...(version === undefined ? {} : { version }) } });
}

export async function membershipRow(app: TestApp, id: number): Promise<Membership> {
  return app.ds.getRepository(Membership).findOneByOrFail({ id });
}

/** The row without what every effective update bumps. */
export function withoutBookkeeping(m: Membership): Partial<Membership> {
  const { version: _v, updatedAt: _u, ...rest } = m;
  return rest;
}

/** The org's maintained counters, and the same numbers recounted from the memberships. */
export async function counters(app: TestApp, orgId: number): Promise<{ stored: number[]; recounted: number[] }> {
  const org = await app.ds.getRepository(Org).findOneByOrFail({ id: orgId });
  const [r] = await rawQuery<Record<string, unknown>>(
    app.ds.manager,
    `SELECT SUM(CASE WHEN isActive = :yes THEN 1 ELSE 0 END) AS enabled,
            SUM(CASE WHEN isActive = :no THEN 1 ELSE 0 END) AS inactive,
            SUM(CASE WHEN isActive = :yes AND excludeFromMembershipCount = :no THEN 1 ELSE 0 END) AS seats
       FROM memberships WHERE orgId = :orgId`,
    { orgId, yes: true, no: false },
  );
  return {
    stored: [org.enabledCount, org.inactiveCount, org.seatCount],
    recounted: [Number(r.enabled ?? 0), Number(r.inactive ?? 0), Number(r.seats ?? 0)],
  };
}

/** A request context for calling services directly, as the REST shim will, with p's session. */
export async function ctxOf(app: TestApp, p: Principal): Promise<RequestContext> {
  const principal = await app.server.services.session.resolve(app.ds.manager, p.token);
  if (!principal) {
    throw new Error('ctxOf: the token does not resolve');
  }
  return { ...app.systemCtx(), requestId: 'direct-call', principal };
}
