import type { RequestContext } from '../context';
import type { AuditService } from './audit.service';
import { parseLegacySort, type ExportRow, type UserDirectoryService } from './user-directory.service';

export const MEMBER_EXPORT_ACTION = 'users.export';

/** The filters of the legacy page, which the export shares. */
export interface MemberExportFilters {
  search?: string | null;
  /** true: active members only; false: inactive only; null: all. */
  active?: boolean | null;
  /** `field[,asc|desc]` as for the page. */
  sort?: string | null;
}

/**
 * The member export (CSV): every member matching the filters, read in keyset batches (constant
 * memory), admin only. The export is itself audited, with the number of rows handed out, once the
 * caller stops reading (also when the download is cut off half-way: those rows have left).
 */
export class MemberExportService {
  constructor(
    private readonly directory: UserDirectoryService,
    private readonly audit: AuditService,
  ) {}

  async *exportMembers(ctx: RequestContext, filters: MemberExportFilters): AsyncGenerator<ExportRow> {
    const rows = this.directory.iterateMembers(ctx, {
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
        changes: {
          rowCount,
          complete,
          filters: { search: filters.search ?? null, active: filters.active ?? null, sort: filters.sort ?? null },
        },
      });
    }
  }
}
