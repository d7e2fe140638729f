import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler } from 'express';
import { BODY_LIMIT } from './body-limit';

/** body-parser's `type` for a JSON body that is not valid UTF-8 (both doors map it to a 400 naming the field). */
export const INVALID_UTF8 = 'entity.encoding.invalid';

/** The first place in a parsed body whose text holds U+FFFD: where the bytes that were not UTF-8 landed. */
function pathOfReplacement(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') {
    return value.includes('\uFFFD') ? path : null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = k.includes('\uFFFD') ? [...path, k] : pathOfReplacement(v, [...path, k]);
      if (found) {
        return found;
      }
    }
  }
  return null;
}

/**
 * A decoder would turn bytes that are not UTF-8 into U+FFFD and the name "\xff\xfeA" would be
 * stored as "��A": the body is refused instead, with the field it was in (its last name segment:
 * `firstName` for `{"firstName": ...}` and for GraphQL's `{"variables": {"input": {"firstName": ...}}}`).
 */
function rejectInvalidUtf8(_req: IncomingMessage, _res: unknown, buf: Buffer, encoding: string): void {
  if (encoding.toLowerCase().replace('-', '') !== 'utf8' || isUtf8(buf)) {
    return;
  }
  let path: string[] | null = null;
  try {
    path = pathOfReplacement(JSON.parse(buf.toString('utf8')));
  } catch {
    // Not JSON either: the parser says so next.
    return;
  }
  const named = (path ?? []).filter((p) => !/^\d+$/.test(p));
  const field = named.length ? named[named.length - 1] : 'body';
  throw Object.assign(new Error(`${(path ?? ['body']).join('.')} is not valid UTF-8.`), { status: 400, type: INVALID_UTF8, field });
}

/** The JSON body parser of both doors: 100 kB at most (413), strict JSON, UTF-8 only. */
export function jsonBody(): RequestHandler {
  return express.json({ limit: BODY_LIMIT, strict: true, verify: rejectInvalidUtf8 });
}
