import type { Org } from '../../src/entities';
import { asAdmin, asMember, createMember, createOrg, type Principal, type TestApp, type TestMember } from './harness';

export interface DirectoryFixture {
  org: Org;
  admin: Principal;
  member: Principal;
  /** A member of another org, who must never show up in this org's lists. */
  stranger: TestMember;
}

/**
 * The org the REST tests read: an admin, a member, three "val" name matches, one inactive and
 * one excluded member, and a stranger in another org.
 */
export async function createDirectoryFixture(app: TestApp): Promise<DirectoryFixture> {
  const org = await createOrg(app, { licensedSeats: 100 });
  const admin = await asAdmin(app, org, { firstName: 'Ada', lastName: 'Admin' });
  const member = await asMember(app, org, { firstName: 'Mem', lastName: 'Ber' });
  for (const [first, last] of [
    ['Valentina', 'Rodriguez'],
    ['Val', 'Kilmer'],
    ['Bob', 'Valdez'],
  ]) {
    await createMember(app, org, { firstName: first, lastName: last });
  }
  await createMember(app, org, { firstName: 'Ina', lastName: 'Ctive', isActive: false });
  await createMember(app, org, { firstName: 'Ex', lastName: 'Cluded', excludeFromMembershipCount: true });
  const stranger = await createMember(app, await createOrg(app), { firstName: 'Other', lastName: 'Org' });
  return { org, admin, member, stranger };
}
