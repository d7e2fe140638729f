import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Presets, SingleBar } from 'cli-progress';
import type { RequestContext } from '../context';
import type { Services } from '../services';
import type { MemberExportFilters } from '../services/members/member-export.service';

export interface ExportUsersOptions {
  org: string;
  filters: MemberExportFilters;
  /** A file to write; standard output when absent. */
  out?: string;
  /** A progress bar on standard error (when it is a terminal). */
  progress: boolean;
}

/**
 * `users:export`: the org's members as the same CSV the REST export streams, from the same path
 * (MemberExportService.exportCsv: one streamed statement, CSV text in ~64 KB chunks), audited as
 * `users.export`. The file is written as the chunks come; a failure half-way leaves the file short
 * and the audit row says `complete: false`. Returns the number of rows written.
 */
export async function exportUsers(ctx: RequestContext, services: Services, o: ExportUsersOptions): Promise<number> {
  const source = services.memberExport.exportOrgCsvAsOperator(ctx, o.org, o.filters);
  // Read the first chunk before creating the file: an unknown org or a bad filter leaves no file behind.
  const first = await source.next();
  const bar = o.progress
    ? new SingleBar({ stream: process.stderr, format: 'export [{bar}] {value} rows', hideCursor: true }, Presets.shades_classic)
    : null;
  bar?.start(0, 0);
  let count = 0;
  async function* counted(): AsyncGenerator<string> {
    try {
      for (let next = first; !next.done; next = await source.next()) {
        count += next.value.rows;
        bar?.update(count);
        yield next.value.text;
      }
    } finally {
      await source.return(undefined);
    }
  }
  const sink: Writable = o.out ? createWriteStream(o.out, { flags: 'w' }) : process.stdout;
  try {
    await pipeline(Readable.from(counted(), { objectMode: false }), sink, { end: o.out !== undefined });
  } catch (e) {
    // `users:export ... | head`: the reader went away; the export stops (and is audited as incomplete).
    if (o.out !== undefined || (e as { code?: string }).code !== 'EPIPE') {
      throw e;
    }
  } finally {
    bar?.setTotal(count);
    bar?.update(count);
    bar?.stop();
  }
  return count;
}
