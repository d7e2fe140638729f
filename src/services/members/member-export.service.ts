import type { Principal, RequestContext, SessionContext } from '../../context';
import { ForbiddenError, NotFoundError, assertThat } from '../../errors';
import { rawQuery } from '../../db/raw';
import { dialectOf } from '../../db/dialect';
import type { AuditService } from '../audit/audit.service';
import { Op, authorize } from '../access/policy';
import { sessionOrgId } from '../common/tenancy';
import { parseLegacySort } from './legacy-sort';
import type { ListMembersArgs, MemberDirectoryService } from './member-directory.service';
import type { MemberLoaderService } from './member-loader.service';
import { memberPageSql, seekOf, type Seek } from './member-query';
import { groupsByUser, membershipFromRow, mfaEnrolledUsers, rolesByUser } from './member-rows';
import { memberView, type MemberView } from './member-view';

const MEMBER_EXPORT_ACTION = 'users.export';
/** Rows read per keyset batch of the export. */
const EXPORT_BATCH = 1000;

/**
 * The CLI operator acting on one org: admin rights in it, no user, no session (sessionId 0 is no
 * row). Only exportOrgMembersAsOperator creates it, for a context without a principal.
 */
function operatorPrincipal(orgId: number): Principal {
  return {
    sessionId: 0,
    userId: 0,
    orgId,
    membershipId: 0,
    kind: 'full',
    impersonatorUserId: null,
    isAdmin: true,
    expiresAt: new Date(8.64e15),
  };
}

/** The filters of the legacy page, which the export shares. */
export interface MemberExportFilters {
  search?: string | null;
  /** true: active members only; false: inactive only; null: all. */
  active?: boolean | null;
  /** `field[,asc|desc]` as for the page. */
  sort?: string | null;
}

/** One exported member (as the org sees them) with role and group names and MFA status. */
export interface ExportRow {
  member: MemberView;
  roles: string[];
  groups: string[];
  mfaEnrolled: boolean;
}

/**
 * The member export (CSV): every member matching the filters, read in keyset batches (constant
 * memory), admin only (docs/product.md rule 2). The export is itself audited, with the number of
 * rows handed out, once the caller stops reading (also when the download is cut off half-way:
 * those rows have left).
 */
export class MemberExportService {
  constructor(
    private readonly memberDirectory: MemberDirectoryService,
    private readonly memberLoader: MemberLoaderService,
    private readonly audit: AuditService,
  ) {}

  async *exportMembers(ctx: RequestContext, filters: MemberExportFilters): AsyncGenerator<ExportRow> {
    yield* this.audited(ctx, filters, {});
  }

  /**
   * The same export for the operator at the CLI (`users:export --org SLUG`): someone with the
   * server's own database access, so no session and no admin check, only a system context (a
   * request with a principal is refused). Audited in that org like a download, with no actor.
   */
  async *exportOrgMembersAsOperator(ctx: RequestContext, orgSlug: string, filters: MemberExportFilters): AsyncGenerator<ExportRow> {
    assertThat(ctx.principal === null, () => new ForbiddenError('The operator export runs without a session (CLI only).'));
    const [org] = await rawQuery<{ id: unknown }>(ctx.manager, 'SELECT id FROM orgs WHERE slug = :slug', {
      slug: orgSlug.trim().toLowerCase(),
    });
    assertThat(org, () => new NotFoundError('Org'));
    const operator: SessionContext = { ...ctx, principal: operatorPrincipal(Number(org.id)) };
    yield* this.audited(operator, filters, { actorUserId: null });
  }

  private async *audited(ctx: RequestContext, filters: MemberExportFilters, actor: { actorUserId?: null }): AsyncGenerator<ExportRow> {
    const rows = this.iterateMembers(ctx, {
      search: filters.search ?? null,
      filter: filters.active == null ? null : { isActive: filters.active },
      orderBy: parseLegacySort(filters.sort),
    });
    // The first read runs the authorization and validation: a refusal is thrown before anything is audited as exported.
    let next = await rows.next();
    let rowCount = 0;
    let complete = false;
    try {
      while (!next.done) {
        rowCount++;
        yield next.value;
        next = await rows.next();
      }
      complete = true;
    } finally {
      if (!complete) {
        await rows.return(undefined);
      }
      await this.audit.recordChange(ctx, {
        action: MEMBER_EXPORT_ACTION,
        ...actor,
        changes: {
          rowCount,
          complete,
          filters: { search: filters.search ?? null, active: filters.active ?? null, sort: filters.sort ?? null },
        },
      });
    }
  }

  /**
   * Every member matching the query, with role and group names and MFA status. Reads in keyset
   * batches of EXPORT_BATCH rows (five statements per batch), so memory stays constant whatever
   * the org's size.
   */
  async *iterateMembers(
    ctx: RequestContext,
    args: Omit<ListMembersArgs, 'first' | 'after'>,
    batchSize = EXPORT_BATCH,
  ): AsyncGenerator<ExportRow> {
    const s = await authorize(ctx, this.audit, Op.MembersExport, { action: MEMBER_EXPORT_ACTION });
    const query = await this.memberDirectory.normalise(s, args);
    const orgId = sessionOrgId(s);
    let seek: Seek | null = null;
    for (;;) {
      const { sql, params } = memberPageSql(query, seek, batchSize, 0, dialectOf(s));
      const rows = await rawQuery(s.manager, sql, params);
      if (rows.length === 0) {
        return;
      }
      const ids = rows.map((r) => Number(r.userId));
      const [accounts, roles, groups, enrolled] = [
        await this.memberLoader.accountsByIds(s.manager, ids),
        await rolesByUser(s.manager, orgId, ids),
        await groupsByUser(s.manager, orgId, ids),
        await mfaEnrolledUsers(s.manager, orgId, ids),
      ];
      for (const r of rows) {
        const id = Number(r.userId);
        const account = accounts.get(id);
        if (account) {
          yield {
            member: memberView(account, membershipFromRow(r)),
            roles: (roles.get(id) ?? []).map((x) => x.name),
            groups: (groups.get(id) ?? []).map((x) => x.name),
            mfaEnrolled: enrolled.has(id),
          };
        }
      }
      if (rows.length < batchSize) {
        return;
      }
      seek = seekOf(query.sort, rows[rows.length - 1]);
    }
  }
}
