import type { DataSource } from 'typeorm';
import { Membership, User } from '../../src/entities';
import { backfillSearchPrefixes, memberKeys } from '../../src/services/members/member-keys';
import { rebuildMemberCounters } from '../../src/services/memberships/member-counters';

export interface BulkMember {
  firstName: string;
  lastName: string;
  email: string;
  isActive?: boolean;
  isAdmin?: boolean;
  allAccess?: boolean;
  mfaOptOut?: boolean;
  lastLoginAt?: Date | null;
}

/**
 * Inserts many members of one org at once (test data for exports and paging), bypassing the
 * services' validation on purpose: it can also plant legacy data the services would refuse
 * today (names with newlines). Keys and counters are kept right.
 */
export async function insertMembers(ds: DataSource, orgId: number, members: BulkMember[], chunk = 500): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < members.length; i += chunk) {
    const part = members.slice(i, i + chunk);
    await ds.transaction(async (m) => {
      const users = part.map((u) => m.create(User, { email: u.email, emailKey: u.email.toLowerCase(), passwordHash: null }));
      await m.save(User, users, { chunk: 100 });
      const memberships = users.map((u, j) =>
        m.create(Membership, {
          orgId,
          userId: u.id,
          firstName: part[j].firstName,
          lastName: part[j].lastName,
          status: 'active',
          isActive: part[j].isActive ?? true,
          isAdmin: part[j].isAdmin ?? false,
          allAccess: part[j].allAccess ?? false,
          mfaOptOut: part[j].mfaOptOut ?? false,
          ...memberKeys(part[j]),
          lastLoginAt: part[j].lastLoginAt ?? null,
        }),
      );
      await m.save(Membership, memberships, { chunk: 100 });
      ids.push(...users.map((u) => u.id));
    });
  }
  // A bulk loader writes the rows itself, so it builds their search index as the seed does.
  await backfillSearchPrefixes((sql) => ds.query(sql), ds.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql');
  await rebuildMemberCounters(ds.manager, orgId);
  return ids;
}
