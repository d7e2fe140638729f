import { nowInstant } from '../db/instant';
import { randomBytes } from 'node:crypto';
import type { RequestContext } from '../context';
import { Org, Role, RoleAssignment, UserGroup, UserGroupMember } from '../entities';
import type { Services } from '../services';

export interface DemoCredentials {
  orgSlug: string;
  email: string;
  password: string;
}

const SAMPLE: Array<[string, string]> = [
  ['Valentina', 'Rodriguez'],
  ['Ada', 'Lovelace'],
  ['Grace', 'Hopper'],
  ['Alan', 'Turing'],
  ['Katherine', 'Johnson'],
  ['Edsger', 'Dijkstra'],
  ['Barbara', 'Liskov'],
  ['Donald', 'Knuth'],
  ['Margaret', 'Hamilton'],
  ['Tim', 'Berners-Lee'],
  ['Radia', 'Perlman'],
  ['Ken', 'Thompson'],
  ['Frances', 'Allen'],
  ['Dennis', 'Ritchie'],
  ['Hedy', 'Lamarr'],
  ['John', "O'Neil"],
  ['Shafi', 'Goldwasser'],
  ['Leslie', 'Lamport'],
  ['Anita', 'Borg'],
  ['Niklaus', 'Wirth'],
  ['Sophie', 'Wilson'],
  ['Vint', 'Cerf'],
  ['Jean', 'Sammet'],
  ['Bjarne', 'Stroustrup'],
  ['Karen', 'Spärck Jones'],
];

/** A readable random password that passes the policy. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * First run: org `demo` with an admin and 25 sample members (two inactive, one excluded from the
 * seat count, some in roles and groups). Returns the admin's credentials, or null when the
 * database already has an org (later runs keep the data).
 */
export async function seedDemoIfEmpty(ctx: RequestContext, services: Services): Promise<DemoCredentials | null> {
  if ((await ctx.manager.count(Org)) > 0) {
    return null;
  }
  const org = await services.provisioning.createOrg(ctx, { slug: 'demo', name: 'Demo Org', licensedSeats: 100 });
  const password = generatePassword();
  const email = 'admin@demo.test';
  await services.provisioning.addMember(ctx, org.id, {
    email,
    firstName: 'Demo',
    lastName: 'Admin',
    password,
    isAdmin: true,
    allAccess: true,
  });
  const roles = await ctx.manager.save(Role, [
    ctx.manager.create(Role, { orgId: org.id, name: 'Auditor' }),
    ctx.manager.create(Role, { orgId: org.id, name: 'Risk Owner' }),
  ]);
  const groups = await ctx.manager.save(UserGroup, [
    ctx.manager.create(UserGroup, { orgId: org.id, name: 'Engineering' }),
    ctx.manager.create(UserGroup, { orgId: org.id, name: 'Compliance' }),
  ]);
  for (const [i, [first, last]] of SAMPLE.entries()) {
    const { user } = await services.provisioning.addMember(ctx, org.id, {
      email: `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + '@demo.test',
      firstName: first,
      lastName: last,
      password: generatePassword(),
      isActive: i % 12 !== 11,
      excludeFromMembershipCount: i === 3,
      allAccess: i % 4 === 0,
      portalAccess: i % 3 === 0,
    });
    if (i % 5 === 0) {
      await ctx.manager.insert(RoleAssignment, {
        orgId: org.id,
        roleId: roles[i % 2].id,
        userId: user.id,
        assignedAt: nowInstant(),
        removedAt: null,
        updatedAt: nowInstant(),
      });
    }
    if (i % 3 === 0) {
      await ctx.manager.insert(UserGroupMember, { orgId: org.id, groupId: groups[i % 2].id, userId: user.id });
    }
  }
  return { orgSlug: org.slug, email, password };
}
