import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Opaque keyset cursors: base64url(JSON payload) + '.' + base64url(HMAC-SHA256 tag).
 *
 * The tag covers the payload AND a binding string (org, sort, filter, search, scope of the query
 * that produced the cursor), so a cursor replayed against another org, another sort or another
 * filter, or edited by hand, fails verification and the caller answers BAD_USER_INPUT. The
 * payload is not secret (it holds a sort key the caller could already see on the page); the tag
 * only stops forgery and reuse across queries, which would otherwise let a caller seek into rows
 * of a result set it never saw.
 */
export type CursorKey = Buffer;

/** A dedicated key, derived with HKDF so the MFA encryption key itself is never used for MACs. */
export function deriveCursorKey(master: Buffer): CursorKey {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'gatehouse/cursor/v1', 32));
}

function tag(key: CursorKey, binding: string, body: string): Buffer {
  return createHmac('sha256', key).update(binding).update('\n').update(body).digest();
}

export function encodeCursor(key: CursorKey, binding: string, payload: unknown): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${tag(key, binding, body).toString('base64url')}`;
}

/** The payload, or null when the cursor is malformed, tampered with, or made for another query. */
export function decodeCursor(key: CursorKey, binding: string, cursor: string): unknown {
  if (typeof cursor !== 'string' || cursor.length > 2048) {
    return null;
  }
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(cursor);
  if (!m) {
    return null;
  }
  // Compare the canonical text form: base64url decoding ignores the last character's spare bits.
  const expected = Buffer.from(tag(key, binding, m[1]).toString('base64url'));
  const given = Buffer.from(m[2]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return null;
  }
  try {
    return JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

/** A keyset position: the last row's sort key (text, a Date, or null) and its id. */
export interface SeekPosition {
  k: string | Date | null;
  id: number;
}

/** Encodes a keyset position; a Date key keeps its type through the round trip. */
export function encodeSeek(key: CursorKey, binding: string, seek: SeekPosition): string {
  const { k, id } = seek;
  return encodeCursor(key, binding, k instanceof Date ? { k: k.toISOString(), d: 1, id } : { k, id });
}

/** The keyset position, or null when the cursor is not a valid one for this binding. */
export function decodeSeek(key: CursorKey, binding: string, cursor: string): SeekPosition | null {
  const p = decodeCursor(key, binding, cursor) as { k?: unknown; d?: unknown; id?: unknown } | null;
  if (!p || typeof p !== 'object' || !Number.isSafeInteger(p.id) || !(p.k === null || typeof p.k === 'string')) {
    return null;
  }
  if (p.d !== undefined) {
    const d = p.d === 1 && typeof p.k === 'string' ? new Date(p.k) : null;
    return d && !Number.isNaN(d.getTime()) ? { k: d, id: p.id as number } : null;
  }
  return { k: p.k, id: p.id as number };
}
