import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { ExportRow } from '../services/members/member-export.service';
import { csvRecords, csvStringifier } from '../services/members/member-csv';

/**
 * Streams rows as the member CSV (services/members/member-csv.ts: columns, escaping, RFC 4180).
 * pipeline() carries backpressure from the socket back
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
  await pipeline(Readable.from(csvRecords(all())), csvStringifier(), res);
}
