import type { EntityManager } from 'typeorm';
import { Membership } from '../../entities';
import { rawExecute, rawQuery } from '../../db/raw';
import { dialectOf } from '../../db/dialect';
import { supportsRowLocks } from '../../db/locks';

/**
 * The sort/search keys kept on each membership row (see Membership). Lower-cased with
 * toLowerCase (locale-independent) so that the same key is computed by every process.
 */
export function memberKeys(u: { firstName: string; lastName: string; email: string }): {
  nameKey: string;
  fullNameKey: string;
  emailKey: string;
} {
  return { ...nameKeys(u), emailKey: emailKeyOf(u.email) };
}

function nameKeys(u: { firstName: string; lastName: string }): { nameKey: string; fullNameKey: string } {
  const first = u.firstName.trim().toLowerCase();
  const last = u.lastName.trim().toLowerCase();
  return { nameKey: `${last} ${first}`.trim(), fullNameKey: `${first} ${last}`.trim() };
}

/** The case-insensitive key of an email address (accounts and memberships alike). */
export function emailKeyOf(email: string): string {
  return email.trim().toLowerCase();
}

/** Whose keys a write rewrites: one membership (its names are that org's), or every membership of an account (its email shows in each). */
export type MemberKeyTarget = { membershipId: number } | { userId: number };

/**
 * The member search index (member_search_prefixes, docs/architecture.md "Member search") holds
 * each member's prefixes of 1 to SEARCH_PREFIX_CHARS characters (code points). A search term up
 * to that length is one range of the index in (nameKey, userId) order; a longer term seeks its
 * first SEARCH_PREFIX_CHARS characters and filters by the whole term.
 */
const SEARCH_PREFIX_CHARS = 4;

/** The keys of one membership as the search index sees them. */
export interface KeyedMember {
  orgId: number;
  userId: number;
  nameKey: string;
  fullNameKey: string;
  emailKey: string;
}

/** Prefixes of 1..SEARCH_PREFIX_CHARS code points; `all` false leaves out those ending in whitespace (a trimmed term never does). */
function prefixesOf(key: string, all: boolean): string[] {
  const chars = Array.from(key).slice(0, SEARCH_PREFIX_CHARS);
  const out: string[] = [];
  for (let n = 1; n <= chars.length; n++) {
    if (all || !/\s/u.test(chars[n - 1])) {
      out.push(chars.slice(0, n).join(''));
    }
  }
  return out;
}

/** The stored prefix a search term seeks: its first SEARCH_PREFIX_CHARS characters, whitespace-trimmed at the end. */
export function searchSeekPrefix(term: string): { prefix: string; exact: boolean } {
  const chars = Array.from(term);
  return chars.length <= SEARCH_PREFIX_CHARS
    ? { prefix: term, exact: true }
    : { prefix: chars.slice(0, SEARCH_PREFIX_CHARS).join('').trimEnd(), exact: false };
}

/** The index rows of one member: name prefixes, and the email prefixes that are not also name prefixes. */
export function searchPrefixRows(m: KeyedMember): { names: string[]; emailOnly: string[] } {
  const names = [...new Set([...prefixesOf(m.nameKey, false), ...prefixesOf(m.fullNameKey, false)])];
  const taken = new Set(names);
  return { names, emailOnly: prefixesOf(m.emailKey, false).filter((p) => !taken.has(p)) };
}

/** Adds a member's index rows (IGNORE: MariaDB's collation may call two of them equal, e.g. "é" and "e"). */
async function insertSearchPrefixes(manager: EntityManager, m: KeyedMember): Promise<void> {
  const { names, emailOnly } = searchPrefixRows(m);
  const rows = [...names.map((p) => [0, p] as const), ...emailOnly.map((p) => [1, p] as const)];
  if (rows.length === 0) {
    return;
  }
  const params: Record<string, unknown> = { orgId: m.orgId, nameKey: m.nameKey, userId: m.userId };
  const values = rows.map(([emailOnlyFlag, p], i) => {
    params[`p${i}`] = p;
    return `(:orgId, ${emailOnlyFlag}, :p${i}, :nameKey, :userId)`;
  });
  const verb = dialectOf({ manager }) === 'mysql' ? 'INSERT IGNORE INTO' : 'INSERT OR IGNORE INTO';
  await rawExecute(
    manager,
    `${verb} member_search_prefixes (orgId, emailOnly, prefix, nameKey, userId) VALUES ${values.join(', ')}`,
    params,
  );
}

/**
 * Removes a member's index rows: every prefix its keys have (whitespace-ended ones too, so rows a
 * bulk backfill wrote go as well), each a primary-key lookup.
 */
async function deleteSearchPrefixes(manager: EntityManager, m: KeyedMember): Promise<void> {
  const all = [...new Set([m.nameKey, m.fullNameKey, m.emailKey].flatMap((k) => prefixesOf(k, true)))];
  if (all.length === 0) {
    return;
  }
  const params: Record<string, unknown> = { orgId: m.orgId, nameKey: m.nameKey, userId: m.userId };
  const list = all.map((p, i) => {
    params[`p${i}`] = p;
    return `:p${i}`;
  });
  await rawExecute(
    manager,
    `DELETE FROM member_search_prefixes WHERE orgId = :orgId AND emailOnly IN (0, 1) AND prefix IN (${list.join(', ')})
      AND nameKey = :nameKey AND userId = :userId`,
    params,
  );
}

/**
 * The writers of the sort/search keys (nameKey, fullNameKey, emailKey) and of the search index
 * built from them: every service write goes through insertMembership (a new row), writeMemberKeys
 * (a change of names or email), moveMembershipToAccount (an accepted invitation) or
 * deleteMembershipKeys (a removed membership), in the caller's transaction. (Bulk loaders,
 * cli/seed.ts, write their rows themselves and then run backfillSearchPrefixes.)
 */

/** Inserts a membership with its keys computed from its profile and `email` (the account's, or the invitation's). */
export async function insertMembership(
  manager: EntityManager,
  row: Omit<Partial<Membership>, 'nameKey' | 'fullNameKey' | 'emailKey'> & { firstName: string; lastName: string },
  email: string,
): Promise<Membership> {
  const saved = await manager.save(
    Membership,
    manager.create(Membership, { ...row, ...memberKeys({ firstName: row.firstName, lastName: row.lastName, email }) }),
  );
  await insertSearchPrefixes(manager, saved);
  return saved;
}

/** The keys of the memberships a write targets, locked until the transaction ends (MySQL; SQLite serialises writers). */
async function lockedKeys(manager: EntityManager, target: MemberKeyTarget): Promise<Array<KeyedMember & { id: number }>> {
  const where = 'membershipId' in target ? 'id = :target' : 'userId = :target';
  const rows = await rawQuery<Record<string, unknown>>(
    manager,
    `SELECT id, orgId, userId, nameKey, fullNameKey, emailKey FROM memberships WHERE ${where}${supportsRowLocks(manager) ? ' FOR UPDATE' : ''}`,
    { target: 'membershipId' in target ? target.membershipId : target.userId },
  );
  return rows.map((r) => ({
    id: Number(r.id),
    orgId: Number(r.orgId),
    userId: Number(r.userId),
    nameKey: String(r.nameKey),
    fullNameKey: String(r.fullNameKey),
    emailKey: String(r.emailKey),
  }));
}

/** Rewrites keys of existing memberships: `names` the name keys, `email` the email key; what is not given stays. */
export async function writeMemberKeys(
  manager: EntityManager,
  target: MemberKeyTarget,
  values: { names?: { firstName: string; lastName: string }; email?: string },
): Promise<void> {
  const set: Record<string, string> = {
    ...(values.names ? nameKeys(values.names) : {}),
    ...(values.email !== undefined ? { emailKey: emailKeyOf(values.email) } : {}),
  };
  const columns = Object.keys(set);
  if (columns.length === 0) {
    return;
  }
  const before = await lockedKeys(manager, target);
  const where = 'membershipId' in target ? 'id = :target' : 'userId = :target';
  await rawExecute(manager, `UPDATE memberships SET ${columns.map((c) => `${c} = :${c}`).join(', ')} WHERE ${where}`, {
    ...set,
    target: 'membershipId' in target ? target.membershipId : target.userId,
  });
  for (const m of before) {
    await deleteSearchPrefixes(manager, m);
    await insertSearchPrefixes(manager, { ...m, ...set });
  }
}

/** An accepted invitation: the membership now belongs to `toUserId` (the caller updates the row); its index rows follow. */
export async function moveMembershipToAccount(manager: EntityManager, membershipId: number, toUserId: number): Promise<void> {
  for (const m of await lockedKeys(manager, { membershipId })) {
    await deleteSearchPrefixes(manager, m);
    await insertSearchPrefixes(manager, { ...m, userId: toUserId });
  }
}

/** A membership about to be deleted: its index rows go (call before the DELETE, in its transaction). */
export async function deleteMembershipKeys(manager: EntityManager, membershipId: number): Promise<void> {
  for (const m of await lockedKeys(manager, { membershipId })) {
    await deleteSearchPrefixes(manager, m);
  }
}

/**
 * Builds the search index of the memberships from `fromMembershipId` on from their keys, in SQL
 * (the bulk seed's path; the migration SearchPrefixes runs the same statements as of its date).
 * The rows are those searchPrefixRows computes, except that only prefixes ending in a space are
 * left out (other whitespace is kept: rows no trimmed term seeks, which deleteSearchPrefixes
 * removes too), and MariaDB compares email and name prefixes under the column's collation. (No
 * statement reads the table it fills: MariaDB would stage such an INSERT … SELECT in a temporary table.)
 */
export async function backfillSearchPrefixes(
  run: (sql: string) => Promise<unknown>,
  dialect: 'mysql' | 'sqlite',
  fromMembershipId = 0,
): Promise<void> {
  const verb = dialect === 'mysql' ? 'INSERT IGNORE INTO' : 'INSERT OR IGNORE INTO';
  const len = dialect === 'mysql' ? 'CHAR_LENGTH' : 'LENGTH';
  const lengths = Array.from({ length: SEARCH_PREFIX_CHARS }, (_, i) => `SELECT ${i + 1} AS n`).join(' UNION ALL ');
  const prefix = (col: string): string => `SUBSTR(m.${col}, 1, l.n)`;
  const rows = (col: string): string =>
    `FROM memberships m CROSS JOIN (${lengths}) l WHERE m.id >= ${Math.trunc(fromMembershipId)} AND ${len}(m.${col}) >= l.n AND SUBSTR(m.${col}, l.n, 1) <> ' '`;
  const into = `${verb} member_search_prefixes (orgId, emailOnly, prefix, nameKey, userId)`;
  await run(`${into} SELECT m.orgId, 0, ${prefix('nameKey')}, m.nameKey, m.userId ${rows('nameKey')}`);
  await run(`${into} SELECT m.orgId, 0, ${prefix('fullNameKey')}, m.nameKey, m.userId ${rows('fullNameKey')}`);
  await run(
    `${into} SELECT m.orgId, 1, ${prefix('emailKey')}, m.nameKey, m.userId ${rows('emailKey')}
       AND ${prefix('emailKey')} <> ${prefix('nameKey')} AND ${prefix('emailKey')} <> ${prefix('fullNameKey')}`,
  );
}
