import { BadUserInputError } from '../errors';

/**
 * Exact timestamps (to the microsecond) for the columns where exactness matters: the sync feeds'
 * role_assignments times and the MFA opt-out end (docs/product.md §3 usersUpdatedByRole, rule 9).
 *
 * A JS Date keeps milliseconds only, so an exact time is an `Instant`: a Date (everything that
 * takes a Date keeps working, to the millisecond) that also carries the microseconds within its
 * millisecond. It prints with six fraction digits (`2026-12-02T06:05:53.009123Z`), and `epochMicros`
 * compares it exactly.
 *
 * Storage: DATETIME(6) on MySQL/MariaDB; on SQLite the same text, `YYYY-MM-DD HH:MM:SS.ffffff`
 * (UTC), whose text order is time order (and agrees with TypeORM's own `.SSS` text). Columns are
 * declared exact with `precision: 6` (exact-time.ts); ormconfig.ts makes both drivers read them
 * as Instants, and rawQuery writes Instant parameters with all six digits.
 */
export class Instant extends Date {
  /** Microseconds within the millisecond (0-999). */
  readonly subMillisecondMicros: number;

  private constructor(epochMicros: number) {
    super(Math.floor(epochMicros / 1000));
    this.subMillisecondMicros = epochMicros - Math.floor(epochMicros / 1000) * 1000;
  }

  static fromEpochMicros(epochMicros: number): Instant {
    if (!Number.isSafeInteger(epochMicros)) {
      throw new RangeError(`Not a time in microseconds: ${epochMicros}`);
    }
    return new Instant(epochMicros);
  }

  /** Microseconds since 1970-01-01T00:00:00Z. */
  get epochMicros(): number {
    return this.getTime() * 1000 + this.subMillisecondMicros;
  }

  /** ISO 8601 in UTC with exactly six fraction digits. */
  override toISOString(): string {
    return `${super.toISOString().slice(0, 19)}.${fraction(this.epochMicros)}Z`;
  }

  override toJSON(): string {
    return this.toISOString();
  }
}

function fraction(epochMicros: number): string {
  return String(((epochMicros % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
}

/** Exact microseconds of any Date (a plain Date is whole milliseconds). */
export function epochMicros(d: Date): number {
  return d instanceof Instant ? d.epochMicros : d.getTime() * 1000;
}

/** An Instant for any Date (a plain Date becomes its whole millisecond). */
export function toInstant(d: Date): Instant {
  return d instanceof Instant ? d : Instant.fromEpochMicros(d.getTime() * 1000);
}

let last = -1;

/**
 * Now, to the microsecond: the millisecond comes from Date.now() (so tests that fake Date move it),
 * the microseconds within it from the high-resolution clock when that agrees on the millisecond.
 * Strictly increasing within one process and millisecond, so two stamps of one process never tie
 * unless more than a thousand are taken in one millisecond.
 */
export function nowInstant(): Instant {
  const ms = Date.now();
  const hr = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  let us = Math.floor(hr / 1000) === ms ? hr : ms * 1000;
  if (Math.floor(last / 1000) === ms && us <= last) {
    us = Math.min(last + 1, ms * 1000 + 999);
  }
  last = us;
  return Instant.fromEpochMicros(us);
}

/** RFC 3339 date-time with an explicit offset; at most nine fraction digits (beyond six: zeros only). */
const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:\d{2})$/;
/** The storage text (UTC, no zone): DATETIME(6) as MySQL prints it, and the SQLite text. */
const STORED = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z?$/;

function instantOf(dateAndTime: string, fractionDigits: string | undefined, zone: string): Instant | null {
  const ms = Date.parse(`${dateAndTime}${zone}`);
  if (Number.isNaN(ms)) {
    return null;
  }
  return Instant.fromEpochMicros(ms * 1000 + Number((fractionDigits ?? '').padEnd(6, '0').slice(0, 6)));
}

/**
 * An ISO 8601 / RFC 3339 date-time from a client, exactly as given (to the microsecond). A zone
 * (Z or ±hh:mm) is required, so no time is read in the server's local time. More precision than
 * microseconds cannot be stored, so non-zero digits beyond six are refused rather than rounded.
 */
export function parseInstant(text: string, field: string): Instant {
  const m = RFC3339.exec(text.trim());
  const frac = m?.[4];
  const parsed = m && (!frac || /^\d{0,6}0*$/.test(frac)) ? instantOf(`${m[1]}T${m[2]}:${m[3] ?? '00'}`, frac, m[5].toUpperCase()) : null;
  if (!parsed) {
    throw new BadUserInputError(
      `${field} must be an ISO 8601 date-time with a time zone and at most microsecond precision, such as 2026-12-31T23:00:00.000001Z.`,
      field,
    );
  }
  return parsed;
}

/**
 * A client's date-time for any use: an Instant when it has microseconds, else a plain Date. A
 * plain Date keeps comparisons with the millisecond columns exact on SQLite (their text has three
 * fraction digits); code that compares it with an exact column takes toInstant() of it.
 */
export function parseDateTime(text: string, field: string): Date {
  const i = parseInstant(text, field);
  return i.subMillisecondMicros === 0 ? new Date(i.getTime()) : i;
}

/** A value read from an exact column (text on SQLite and, through ormconfig's typeCast, on MySQL). */
export function instantFromDb(value: unknown): Instant | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (value instanceof Date) {
    return toInstant(value);
  }
  const m = STORED.exec(String(value));
  const parsed = m ? instantOf(`${m[1]}T${m[2]}`, m[3], 'Z') : null;
  if (!parsed) {
    throw new RangeError(`Not a stored time: ${String(value).slice(0, 40)}`);
  }
  return parsed;
}

/** The storage text of an exact time, the same on both engines: `YYYY-MM-DD HH:MM:SS.ffffff` (UTC). */
export function instantToDb(d: Date): string {
  const iso = toInstant(d).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 26)}`;
}
