import type { EntityManager } from 'typeorm';
import { Membership } from '../../entities';
import { rawExecute } from '../../db/raw';

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
 * The writers of the sort/search keys (nameKey, fullNameKey, emailKey): every service write of
 * them goes through insertMembership (a new row) or writeMemberKeys (a change), in the caller's
 * transaction, so a later index of the same keys (a prefix table, say) has one place to be kept
 * in step. (Bulk loaders, cli/seed.ts, write their rows themselves.)
 */

/** Inserts a membership with its keys computed from its profile and `email` (the account's, or the invitation's). */
export async function insertMembership(
  manager: EntityManager,
  row: Omit<Partial<Membership>, 'nameKey' | 'fullNameKey' | 'emailKey'> & { firstName: string; lastName: string },
  email: string,
): Promise<Membership> {
  return manager.save(
    Membership,
    manager.create(Membership, { ...row, ...memberKeys({ firstName: row.firstName, lastName: row.lastName, email }) }),
  );
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
  const where = 'membershipId' in target ? 'id = :target' : 'userId = :target';
  await rawExecute(manager, `UPDATE memberships SET ${columns.map((c) => `${c} = :${c}`).join(', ')} WHERE ${where}`, {
    ...set,
    target: 'membershipId' in target ? target.membershipId : target.userId,
  });
}
