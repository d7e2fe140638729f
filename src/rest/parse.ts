import type { Request } from 'express';
import { BadUserInputError } from '../errors';
import { parseDateTime } from '../db/instant';
import { parseId, parseMemberRef, type MemberRef } from '../services/common/ids';

/**
 * Parsing of REST input into the plain values services take. Nothing here knows a business
 * rule: it checks shapes (types, ranges, unknown names) the way GraphQL's type system does for
 * the other door, and names the offending field.
 */

type QueryValue = string | undefined;

/** The query string as single values; a repeated or unknown parameter is a 400 naming it. */
export function queryParams<K extends string>(req: Request, allowed: readonly K[]): Record<K, QueryValue> {
  const out = {} as Record<K, QueryValue>;
  for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw new BadUserInputError(`Unknown query parameter "${name}".`, name);
    }
    if (typeof value !== 'string') {
      throw new BadUserInputError(`Query parameter "${name}" must be given once.`, name);
    }
    out[name as K] = value;
  }
  return out;
}

function parseBooleanParam(value: QueryValue, field: string, fallback: boolean): boolean {
  if (value === undefined || value === '') {
    return fallback;
  }
  if (value === 'true' || value === 'false') {
    return value === 'true';
  }
  throw new BadUserInputError(`${field} must be true or false.`, field);
}

function parseOptionalBooleanParam(value: QueryValue, field: string): boolean | undefined {
  return value === undefined || value === '' ? undefined : parseBooleanParam(value, field, false);
}

export function parseIntParam(value: QueryValue, field: string, o: { min: number; max: number; fallback?: number }): number {
  if (value === undefined || value === '') {
    if (o.fallback === undefined) {
      throw new BadUserInputError(`${field} is required.`, field);
    }
    return o.fallback;
  }
  const n = /^-?\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < o.min || n > o.max) {
    throw new BadUserInputError(`${field} must be an integer from ${o.min} to ${o.max}.`, field);
  }
  return n;
}

/**
 * An ISO 8601 timestamp with a time zone, exactly as given (to the microsecond: the sync feeds
 * compare exactly), or a date alone (midnight UTC).
 */
export function parseDateParam(value: QueryValue, field: string): Date {
  const text = value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  if (text === undefined) {
    throw new BadUserInputError(`${field} must be an ISO 8601 timestamp such as 2024-09-04T15:05:00Z.`, field);
  }
  return parseDateTime(text, field);
}

/** `{id}` and `?byRef=` of /user/users/{id}[/membership]. */
export function userRefOf(req: Request): MemberRef {
  const q = queryParams(req, ['byRef']);
  return parseMemberRef(String(req.params.id), parseBooleanParam(q.byRef, 'byRef', false), 'id');
}

/** `?search=&active=&sort=` of the page and the CSV export (the sort is parsed by the service). */
export function memberFilters(q: Partial<Record<'search' | 'active' | 'sort', string>>): {
  search: string | null;
  active: boolean | null;
  sort: string | null;
} {
  return { search: q.search ?? null, active: parseOptionalBooleanParam(q.active, 'active') ?? null, sort: q.sort ?? null };
}

/** The JSON body as an object holding only the allowed names (no mass assignment: an unknown name is a 400). */
export function bodyObject<K extends string>(
  body: unknown,
  allowed: readonly K[],
  o: { optional?: boolean } = {},
): Partial<Record<K, unknown>> {
  if (body === undefined && o.optional) {
    return {};
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadUserInputError('The request body must be a JSON object.', 'body');
  }
  for (const name of Object.keys(body)) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw new BadUserInputError(`Unknown field "${name}".`, name);
    }
  }
  return body as Partial<Record<K, unknown>>;
}

export function requiredString(o: Partial<Record<string, unknown>>, field: string): string {
  const v = o[field];
  if (typeof v !== 'string') {
    throw new BadUserInputError(`${field} is required and must be a string.`, field);
  }
  return v;
}

/**
 * `If-Match: <version>` (a bare integer or an entity tag `"7"` / `W/"7"`) → the version the
 * client read; undefined when absent or `*`.
 */
export function ifMatchVersion(req: Request): number | undefined {
  const raw = req.get('if-match')?.trim();
  if (raw === undefined || raw === '' || raw === '*') {
    return undefined;
  }
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(raw);
  if (!m) {
    throw new BadUserInputError('If-Match must be one membership version, such as "7".', 'If-Match');
  }
  return Number(m[1]);
}

/**
 * A service call whose BAD_USER_INPUT names its own argument (e.g. `code`, the GraphQL name)
 * answered with the legacy body's name for it (`token`), so the 400 names what the client sent.
 */
export async function withLegacyFieldNames<T>(call: Promise<T>, names: Record<string, string>): Promise<T> {
  try {
    return await call;
  } catch (e) {
    // Own keys only: a client's field name such as `__proto__` or `constructor` must not find
    // Object.prototype members here (which once answered `Unknown field "[object Object]"`).
    if (!(e instanceof BadUserInputError) || e.field === undefined || !Object.hasOwn(names, e.field)) {
      throw e;
    }
    const legacy = names[e.field];
    throw new BadUserInputError(e.message.replace(new RegExp(`\\b${e.field}\\b`, 'g'), legacy), legacy);
  }
}

/** A user id given in a body: a positive integer (a numeric string is accepted, as legacy clients send either). */
export function bodyUserId(o: Partial<Record<string, unknown>>, field: string): number {
  return parseId(o[field], field);
}
