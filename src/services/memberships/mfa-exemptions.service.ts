import { In } from 'typeorm';
import type { RequestContext, SessionContext } from '../../context';
import { Membership, User } from '../../entities';
import { rawQuery, toDate } from '../../db/raw';
import { instantFromDb } from '../../db/instant';
import { dialectOf, tableWithIndex } from '../../db/dialect';
import { encodeCursor, type CursorKey } from '../../security/cursor';
import type { AuditService } from '../audit/audit.service';
import { Op, authorize } from '../access/policy';
import { PAGE_LIMITS, connectionOf, decodeIdCursor, pageWindow, type Connection, type PageArgs } from '../common/paging';
import { sessionOrgId } from '../common/tenancy';
import { isOptOutEffective } from '../mfa/mfa-policy';
import { memberView, type MemberView } from '../members/member-view';

/** One opted-out member, as the `mfaExemptions` report lists them. */
export interface MfaExemptionRow {
  user: MemberView;
  since: Date | null;
  grantedByUserId: number | null;
  /** The granting admin while they are still a member of this org; null otherwise. */
  grantedBy: MemberView | null;
  until: Date | null;
  reason: string | null;
  /** False once `until` has passed: sign-in enforces MFA again (rule 9). */
  effective: boolean;
}

const MFA_EXEMPTIONS_ACTION = 'membership.list_mfa_exemptions';

/** The report of MFA opt-outs (rule 9), admin-only. */
export class MfaExemptionService {
  constructor(
    private readonly audit: AuditService,
    private readonly cursorKey: CursorKey,
  ) {}

  /**
   * A page of the members of the caller's org who are opted out of MFA enforcement, by user id:
   * since when, by whom, until when, why. Expired opt-outs are listed too, with `effective:
   * false` (sign-in enforces MFA again for them; an admin may renew or clear them). Keyset on
   * userId over the org's (orgId, userId) index, the opt-out flag checked on the rows it walks
   * (no index holds it), so a page stops as soon as it has its rows.
   */
  async list(ctx: RequestContext, args: PageArgs): Promise<Connection<MfaExemptionRow>> {
    const s = await authorize(ctx, this.audit, Op.MfaExemptionsRead, { action: MFA_EXEMPTIONS_ACTION });
    const w = pageWindow(args, PAGE_LIMITS.exemptions);
    const orgId = sessionOrgId(s);
    const binding = JSON.stringify(['mfa-exemptions', orgId]);
    const cursorId = decodeIdCursor(this.cursorKey, binding, w);
    const from = tableWithIndex(dialectOf(s), 'memberships', 'm', 'UQ_memberships_org_user');
    const walk = (fromId: number | null, backward: boolean, limit: number): Promise<Array<Record<string, unknown>>> =>
      rawQuery(
        s.manager,
        `SELECT m.userId, m.mfaOptOutAt, m.mfaOptOutByUserId, m.mfaOptOutUntil, m.mfaOptOutReason, gm.userId AS grantorMember
           FROM ${from}
           JOIN users u ON u.id = m.userId AND u.deletedAt IS NULL
           LEFT JOIN memberships gm ON gm.orgId = m.orgId AND gm.userId = m.mfaOptOutByUserId
          WHERE m.orgId = :orgId AND m.mfaOptOut = :yes${fromId === null ? '' : ` AND m.userId ${backward ? '<' : '>'} :fromId`}
          ORDER BY m.userId ${backward ? 'DESC' : 'ASC'} LIMIT ${limit}`,
        { orgId, yes: true, fromId },
      );
    const rows = await walk(cursorId, w.backward, w.size + 1);
    const byId = await this.membersOf(s, rows.slice(0, w.size));
    const now = new Date();
    return connectionOf(rows, w, {
      node: (r) => {
        const user = byId.get(Number(r.userId));
        if (!user) {
          return null;
        }
        const until = instantFromDb(r.mfaOptOutUntil);
        return {
          user,
          since: toDate(r.mfaOptOutAt),
          grantedByUserId: r.mfaOptOutByUserId == null ? null : Number(r.mfaOptOutByUserId),
          grantedBy: r.grantorMember == null ? null : (byId.get(Number(r.grantorMember)) ?? null),
          until,
          reason: (r.mfaOptOutReason as string | null) ?? null,
          effective: isOptOutEffective(true, until, now),
        };
      },
      cursor: (r) => encodeCursor(this.cursorKey, binding, { id: Number(r.userId) }),
      behind: async (r) => (await walk(Number(r.userId), !w.backward, 1)).length > 0,
    });
  }

  /** The members (and granting admins) of a page, as the org sees them, in two batched reads. */
  private async membersOf(s: SessionContext, rows: Array<Record<string, unknown>>): Promise<Map<number, MemberView>> {
    const ids = new Set<number>();
    for (const r of rows) {
      ids.add(Number(r.userId));
      if (r.grantorMember != null) {
        ids.add(Number(r.grantorMember));
      }
    }
    if (!ids.size) {
      return new Map();
    }
    const [users, memberships] = await Promise.all([
      s.manager.find(User, { where: { id: In([...ids]) } }),
      s.manager.find(Membership, { where: { orgId: sessionOrgId(s), userId: In([...ids]) } }),
    ]);
    const membershipOf = new Map(memberships.map((m) => [m.userId, m]));
    return new Map(users.flatMap((u) => (membershipOf.has(u.id) ? [[u.id, memberView(u, membershipOf.get(u.id)!)] as const] : [])));
  }
}
