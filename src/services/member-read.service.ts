import { In } from 'typeorm';
import type { RequestContext } from '../context';
import { Membership } from '../entities';
import { NotFoundError } from '../errors';
import { requestLoader } from './loaders';
import { requireSession } from './tenancy';

/** Batched reads of per-member data in the session's org (used by list and object fields). */
export class MemberReadService {
  /** The user's membership in the caller's org (NOT_FOUND if none), batched per request. */
  async membershipOf(ctx: RequestContext, userId: number): Promise<Membership> {
    const s = requireSession(ctx);
    const orgId = s.principal.orgId;
    const loader = requestLoader<number, Membership | null>(s, `membership:${orgId}`, async (ids) => {
      const rows = await s.manager.find(Membership, { where: { orgId, userId: In([...ids]) } });
      const byUser = new Map(rows.map((m) => [m.userId, m]));
      return ids.map((id) => byUser.get(id) ?? null);
    });
    const m = await loader.load(userId);
    if (!m) {
      throw new NotFoundError();
    }
    return m;
  }
}
