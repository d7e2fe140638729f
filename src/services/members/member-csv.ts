import { stringify, type Stringifier } from 'csv-stringify';
import { neutraliseCell } from '../../security/csv-cell';
import type { ExportRow } from './member-export.service';

/**
 * The member export as CSV, for every way out (the REST download, the CLI's users:export): one
 * set of columns, one cell escaping. Never a secret: only these values leave the server.
 */
const CSV_COLUMNS: ReadonlyArray<[header: string, value: (r: ExportRow) => string]> = [
  ['First Name', (r) => r.member.firstName],
  ['Last Name', (r) => r.member.lastName],
  ['Email', (r) => r.member.email ?? ''],
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
// An Instant (exact column) prints its six fraction digits: keep the object, do not copy it.
const isoOrEmpty = (d: Date | null): string => (d ? (d instanceof Date ? d : new Date(d)).toISOString() : '');

/** The rows as CSV records: every cell is text, neutralised against formula injection. */
export async function* csvRecords(rows: AsyncIterable<ExportRow>): AsyncGenerator<string[]> {
  for await (const r of rows) {
    yield CSV_COLUMNS.map(([, value]) => neutraliseCell(value(r)));
  }
}

/**
 * RFC 4180 CSV of csvRecords (CRLF, quotes doubled, fields with , " CR LF quoted; UTF-8 with a
 * BOM so spreadsheets read it as UTF-8), with the header row.
 */
export function csvStringifier(): Stringifier {
  return stringify({
    header: true,
    columns: CSV_COLUMNS.map(([h]) => h),
    record_delimiter: 'windows',
    bom: true,
    quoted_string: false,
  });
}
