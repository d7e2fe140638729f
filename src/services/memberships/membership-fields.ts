import { BadUserInputError } from '../../errors';
import { epochMicros, parseInstant, toInstant } from '../../db/instant';

/**
 * The membership's Account Status flags (docs/product.md §1, §4), in the seed's order: the ONE
 * list every door, export, audit row and filter derives its fields from.
 */
export const MEMBERSHIP_FLAGS = [
  'isActive',
  'isAdmin',
  'allAccess',
  'portalAccess',
  'mfaOptOut',
  'excludeFromMembershipCount',
  'hasAdvancedPermissions',
] as const;
type MembershipFlag = (typeof MEMBERSHIP_FLAGS)[number];
export type MembershipFlags = Record<MembershipFlag, boolean>;

/** The flags as set when a member is created and nothing was sent: enabled, nothing else. */
export const DEFAULT_MEMBERSHIP_FLAGS: MembershipFlags = {
  isActive: true,
  isAdmin: false,
  allAccess: false,
  portalAccess: false,
  mfaOptOut: false,
  excludeFromMembershipCount: false,
  hasAdvancedPermissions: false,
};

/** The flags of a membership (or any object carrying them), as a plain record. */
export function flagsOf(m: MembershipFlags): MembershipFlags {
  return Object.fromEntries(MEMBERSHIP_FLAGS.map((f) => [f, m[f]])) as MembershipFlags;
}

/**
 * Rule 6: isAdmin and hasAdvancedPermissions are never both true (advanced permissions are for
 * standard users). `sent` names what the caller sent, so the error points at their field.
 */
export function assertAdminOrAdvanced(
  next: Pick<MembershipFlags, 'isAdmin' | 'hasAdvancedPermissions'>,
  sent: { hasAdvancedPermissions?: unknown },
): void {
  if (next.isAdmin && next.hasAdvancedPermissions) {
    throw new BadUserInputError(
      'isAdmin and hasAdvancedPermissions cannot both be true (advanced permissions are for standard users).',
      sent.hasAdvancedPermissions !== undefined ? 'hasAdvancedPermissions' : 'isAdmin',
    );
  }
}

/** A validated partial update: a key that is absent means "leave it as it is" (rule 17). */
export type MembershipPatch = Partial<Record<MembershipFlag, boolean>> & {
  mfaOptOutUntil?: Date | null;
  mfaOptOutReason?: string | null;
};

const MFA_OPT_OUT_REASON_MAX = 500;

const FLAG_SET: ReadonlySet<string> = new Set(MEMBERSHIP_FLAGS);
const ALLOWED = [...MEMBERSHIP_FLAGS, 'mfaOptOutUntil', 'mfaOptOutReason'];
// C0 and C1 control characters (newlines included): the reason is a one-line note.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// RFC 3339 date-time with an explicit offset, so "2026-12-01 10:00" is not read in local time.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

function parseUntil(value: unknown, now: Date): Date | null {
  if (value === null) {
    return null;
  }
  let d: Date | null = null;
  if (value instanceof Date) {
    // From GraphQL: the DateTimeISO scalar already parsed it exactly (an Instant).
    d = Number.isNaN(value.getTime()) ? null : value;
  } else if (typeof value === 'string' && DATE_TIME.test(value.trim())) {
    d = parseInstant(value, 'mfaOptOutUntil');
  }
  if (!d) {
    throw new BadUserInputError('mfaOptOutUntil must be an ISO 8601 date-time with a time zone, or null.', 'mfaOptOutUntil');
  }
  if (epochMicros(d) <= epochMicros(now)) {
    throw new BadUserInputError('mfaOptOutUntil must be in the future.', 'mfaOptOutUntil');
  }
  // Kept exactly as given (to the microsecond): the column is exact on both engines.
  return toInstant(d);
}

function parseReason(value: unknown): string | null {
  if (value === null) {
    return null;
  }
  if (typeof value !== 'string' || value.length > MFA_OPT_OUT_REASON_MAX * 4) {
    throw new BadUserInputError(
      `mfaOptOutReason must be a string of at most ${MFA_OPT_OUT_REASON_MAX} characters, or null.`,
      'mfaOptOutReason',
    );
  }
  const v = value.trim();
  if (v.length > MFA_OPT_OUT_REASON_MAX || CONTROL.test(v)) {
    throw new BadUserInputError(
      `mfaOptOutReason must be at most ${MFA_OPT_OUT_REASON_MAX} characters without control characters.`,
      'mfaOptOutReason',
    );
  }
  return v === '' ? null : v;
}

/**
 * Validates an untrusted partial update (a GraphQL input object or a parsed REST JSON body, so
 * this is where "no mass assignment" is enforced for both doors): only the known keys, each of
 * its type; an explicit null for a flag is refused (null is not "unchanged"). Keys whose value is
 * `undefined` are treated as absent (JSON cannot carry undefined; GraphQL input classes may).
 */
export function parseMembershipPatch(raw: unknown, now: Date): MembershipPatch {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new BadUserInputError('The membership update must be a JSON object.', 'input');
  }
  const patch: MembershipPatch = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) {
      continue;
    }
    if (FLAG_SET.has(key)) {
      if (typeof value !== 'boolean') {
        throw new BadUserInputError(`${key} must be true or false.`, key);
      }
      patch[key as MembershipFlag] = value;
    } else if (key === 'mfaOptOutUntil') {
      patch.mfaOptOutUntil = parseUntil(value, now);
    } else if (key === 'mfaOptOutReason') {
      patch.mfaOptOutReason = parseReason(value);
    } else {
      throw new BadUserInputError(`Unknown field "${key.slice(0, 64)}"; allowed: ${ALLOWED.join(', ')}.`, key.slice(0, 64));
    }
  }
  return patch;
}

/** An optimistic-lock version sent by a client: a positive integer, or absent. */
export function parseVersion(raw: unknown): number | undefined {
  if (raw === undefined || raw === null) {
    return undefined;
  }
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 1) {
    throw new BadUserInputError('version must be a positive integer.', 'version');
  }
  return raw;
}
