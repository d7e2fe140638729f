import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { stringify } from 'csv-stringify';
import type { ExportRow } from '../services/members/member-export.service';
import { neutraliseCell } from '../security/csv-cell';

/** The export's columns, in order. Never a secret: only these values leave the server. */
const CSV_COLUMNS: ReadonlyArray<[header: string, value: (r: ExportRow) => string]> = [
  ['First Name', (r) => r.member.firstName],
  ['Last Name', (r) => r.member.lastName],
  ['Email', (r) => r.member.email],
  ['Status', (r) => (r.member.status === 'invited' ? 'Invited' : r.member.membership.isActive ? 'Active' : 'Inactive')],
  ['Admin', (r) => yesNo(r.member.membership.isAdmin)],
  ['All Data Access', (r) => yesNo(r.member.membership.allAccess)],
  ['MFA Enrolled', (r) => yesNo(r.mfaEnrolled)],
  ['MFA Opt-Out', (r) => yesNo(r.member.membership.mfaOptOut)],
  ['MFA Opt-Out Until', (r) => isoOrEmpty(r.member.membership.mfaOptOutUntil)],
  ['Last Login', (r) => isoOrEmpty(r.member.lastLoginAt)],
  ['Roles', (r) => r.roles.join('; ')],
  ['Groups', (r) => r.groups.join('; ')],
];

const yesNo = (b: boolean): string => (b ? 'Yes' : 'No');
const isoOrEmpty = (d: Date | null): string => (d ? new Date(d).toISOString() : '');

/** One CSV record: every cell is text, neutralised against formula injection. */
function csvRecord(r: ExportRow): string[] {
  return CSV_COLUMNS.map(([, value]) => neutraliseCell(value(r)));
}

async function* records(rows: AsyncIterable<ExportRow>): AsyncGenerator<string[]> {
  for await (const r of rows) {
    yield csvRecord(r);
  }
}

/**
 * Streams rows as RFC 4180 CSV (CRLF, quotes doubled, fields with , " CR LF quoted; UTF-8 with
 * a BOM so spreadsheets read it as UTF-8). pipeline() carries backpressure from the socket back
 * to the row iterator, which reads the next batch only when the client has taken the last one:
 * memory stays constant whatever the org's size. A client that goes away ends the iteration.
 */
export async function streamCsv(res: Response, rows: AsyncGenerator<ExportRow>, filename: string): Promise<void> {
  // Pull the first row before the headers go out, so a refusal (403, 400) is still a JSON answer.
  const first = await rows.next();
  res.status(200).set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'X-Content-Type-Options': 'nosniff',
  });
  async function* all(): AsyncGenerator<ExportRow> {
    try {
      if (!first.done) {
        yield first.value;
        yield* rows;
      }
    } finally {
      // Also when the client went away before the second row: the source is closed (and audited).
      await rows.return(undefined);
    }
  }
  const csv = stringify({
    header: true,
    columns: CSV_COLUMNS.map(([h]) => h),
    record_delimiter: 'windows',
    bom: true,
    quoted_string: false,
  });
  await pipeline(Readable.from(records(all())), csv, res);
}
