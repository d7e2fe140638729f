import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { CsvChunk } from '../services/members/member-export.service';

/**
 * Streams CSV text chunks (services/members/member-csv.ts: columns, escaping, RFC 4180) as a
 * download. pipeline() carries backpressure from the socket back to the source, which reads on
 * only when the client has taken the last chunk (res.write() false -> wait for 'drain'): memory
 * stays constant whatever the org's size. A client that goes away ends the source (and its query).
 */
export async function streamCsv(res: Response, chunks: AsyncGenerator<CsvChunk>, filename: string): Promise<void> {
  // Pull the first chunk before the headers go out, so a refusal (403, 400) is still a JSON answer.
  const first = await chunks.next();
  res.status(200).set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'X-Content-Type-Options': 'nosniff',
  });
  async function* all(): AsyncGenerator<string> {
    try {
      if (!first.done) {
        yield first.value.text;
        for await (const chunk of chunks) {
          yield chunk.text;
        }
      }
    } finally {
      // Also when the client went away before the second chunk: the source is closed (and audited).
      await chunks.return(undefined);
    }
  }
  await pipeline(Readable.from(all(), { objectMode: false }), res);
}
