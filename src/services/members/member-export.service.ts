import type { Principal, RequestContext, SessionContext } from '../../context';
import { ForbiddenError, NotFoundError, assertThat } from '../../errors';
import { rawQuery } from '../../db/raw';
import { dialectOf } from '../../db/dialect';
import type { AuditService } from '../audit/audit.service';
import { Op, authorize } from '../access/policy';
import { parseLegacySort } from './legacy-sort';
import type { ListMembersArgs, MemberDirectoryService } from './member-directory.service';
import { csvHeader, csvLines } from './member-csv';
import { exportRowBatches, type ExportRow } from './member-export-source';

const MEMBER_EXPORT_ACTION = 'users.export';
/** Rows per batch of the export (one keyset statement on SQLite; a slice of the one stream on MySQL). */
const EXPORT_BATCH = 500;
/** The CSV is handed out in chunks of at least this many characters (about 64 KB): one socket write each. */
const CHUNK_CHARS = 64 * 1024;

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

export type { ExportRow } from './member-export-source';

/** A piece of the CSV export: its text and how many member rows it holds. */
export interface CsvChunk {
  text: string;
  rows: number;
}

/** The filters of the legacy page, which the export shares. */
export interface MemberExportFilters {
  search?: string | null;
  /** true: active members only; false: inactive only; null: all. */
  active?: boolean | null;
  /** `field[,asc|desc]` as for the page. */
  sort?: string | null;
}

/**
 * The member export (CSV): every member matching the filters, streamed (one statement on MySQL,
 * keyset batches on SQLite: member-export-source.ts), admin only (docs/product.md rule 2). The
 * export is itself audited, with the number of rows handed out, once the caller stops reading
 * (also when the download is cut off half-way: those rows have left).
 */
export class MemberExportService {
  constructor(
    private readonly memberDirectory: MemberDirectoryService,
    private readonly audit: AuditService,
  ) {}

  /** The export as CSV text in chunks of about CHUNK_CHARS (the first holds the BOM and header). */
  exportCsv(ctx: RequestContext, filters: MemberExportFilters): AsyncGenerator<CsvChunk> {
    return this.audited(ctx, filters, {});
  }

  /**
   * The same export for the operator at the CLI (`users:export --org SLUG`): someone with the
   * server's own database access, so no session and no admin check, only a system context (a
   * request with a principal is refused). Audited in that org like a download, with no actor.
   */
  async *exportOrgCsvAsOperator(ctx: RequestContext, orgSlug: string, filters: MemberExportFilters): AsyncGenerator<CsvChunk> {
    assertThat(ctx.principal === null, () => new ForbiddenError('The operator export runs without a session (CLI only).'));
    const [org] = await rawQuery<{ id: unknown }>(ctx.manager, 'SELECT id FROM orgs WHERE slug = :slug', {
      slug: orgSlug.trim().toLowerCase(),
    });
    assertThat(org, () => new NotFoundError('Org'));
    const operator: SessionContext = { ...ctx, principal: operatorPrincipal(Number(org.id)) };
    yield* this.audited(operator, filters, { actorUserId: null });
  }

  private async *audited(ctx: RequestContext, filters: MemberExportFilters, actor: { actorUserId?: null }): AsyncGenerator<CsvChunk> {
    const batches = this.iterateBatches(ctx, {
      search: filters.search ?? null,
      filter: filters.active == null ? null : { isActive: filters.active },
      orderBy: parseLegacySort(filters.sort),
    });
    // The first read runs the authorization and validation: a refusal is thrown before anything is audited as exported.
    let next = await batches.next();
    let rowCount = 0;
    let complete = false;
    try {
      let text = csvHeader();
      let rows = 0;
      while (!next.done) {
        text += csvLines(next.value);
        rows += next.value.length;
        if (text.length >= CHUNK_CHARS) {
          rowCount += rows;
          yield { text, rows };
          text = '';
          rows = 0;
        }
        next = await batches.next();
      }
      rowCount += rows;
      yield { text, rows };
      complete = true;
    } finally {
      if (!complete) {
        await batches.return(undefined);
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

  /** Every member matching the query, one at a time (exportCsv reads them in batches). */
  async *iterateMembers(
    ctx: RequestContext,
    args: Omit<ListMembersArgs, 'first' | 'after'>,
    batchSize = EXPORT_BATCH,
  ): AsyncGenerator<ExportRow> {
    for await (const batch of this.iterateBatches(ctx, args, batchSize)) {
      yield* batch;
    }
  }

  /**
   * Every member matching the query, with role and group names and MFA status, in batches of
   * `batchSize` rows; memory stays constant whatever the org's size (member-export-source.ts).
   */
  async *iterateBatches(
    ctx: RequestContext,
    args: Omit<ListMembersArgs, 'first' | 'after'>,
    batchSize = EXPORT_BATCH,
  ): AsyncGenerator<ExportRow[]> {
    const s = await authorize(ctx, this.audit, Op.MembersExport, { action: MEMBER_EXPORT_ACTION });
    const query = await this.memberDirectory.normalise(s, args);
    yield* exportRowBatches(s.manager, query, dialectOf(s), batchSize);
  }
}
