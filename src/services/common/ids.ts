import { BadUserInputError } from '../../errors';

/** The largest id a column of type INT holds; larger numbers cannot name a row. */
const MAX_ID = 2_147_483_647;

/**
 * The one parser of ids sent by clients (GraphQL `ID` arguments arrive as strings, REST paths and
 * bodies as strings or numbers): a positive integer, or BAD_USER_INPUT naming the field. Every
 * door uses it, so the same bad id gets the same answer everywhere.
 */
export function parseId(value: unknown, field: string): number {
  const n = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > MAX_ID) {
    throw new BadUserInputError(`${field} must be a positive integer id.`, field);
  }
  return n;
}

/**
 * How a caller names a member of the session's org: the numeric user id, or the externalRef
 * (REST `byRef=true`, GraphQL `user(externalRef:)`). The org always comes from the session.
 */
export type MemberRef = { id: number } | { externalRef: string };

/** The id of a ref, for audit rows written before the member is loaded (null for an externalRef). */
export function refId(ref: MemberRef): number | null {
  return 'id' in ref ? ref.id : null;
}

/** `{id}` of a REST path or a GraphQL `userId`: the user id, or the externalRef when `byRef`. */
export function parseMemberRef(raw: unknown, byRef: boolean, field: string): MemberRef {
  if (!byRef) {
    return { id: parseId(raw, field) };
  }
  if (typeof raw !== 'string' || !raw || raw.length > 191) {
    throw new BadUserInputError(`${field} (an externalRef) must be 1 to 191 characters.`, field);
  }
  return { externalRef: raw };
}
