import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Membership, MfaFactor, RoleAssignment, UserGroupMember } from '../../src/entities';
import type { RequestContext } from '../../src/context';
import { asAdmin, createOrg, startTestApp, testDbKind, type Principal, type TestApp } from '../support/harness';
import { insertMembers, type BulkMember } from '../support/bulk-members';

/**
 * The CSV export, byte for byte, against files captured from the export as it was before its
 * rewrite for speed (issue 14): same data -> same bytes, on each engine (the two engines order
 * some names differently: MariaDB's utf8mb4_unicode_ci collation against SQLite's binary keys,
 * so each has its own file). UPDATE_FIXTURES=1 rewrites the files from the current export; a
 * missing file fails the test.
 */
const FIXTURES = path.join(__dirname, '..', 'fixtures');
const N = 2300;

const FIRST = ['Ada', 'Zoë', 'Smith, Jr.', 'The "Rock"', 'Line\nBreak', '=SUM(A1)', '+1', 'Ingrid', 'José', 'Mary-Ann', "O'Neil", 'Åsa'];
const LAST = ['Lovelace', 'Ünïcödé', 'Comma', 'Quote', 'Newline', 'Formula', 'Plus', 'Berg', 'Núñez', 'de la Cruz', "O'Brien", 'Øster'];

const at = (day: number, ms: number): Date => new Date(Date.UTC(2026, 0, 1 + (day % 300), 8, 0, 0) + ms);

function fixtureMembers(): BulkMember[] {
  return Array.from({ length: N }, (_, i) => ({
    firstName: i < 40 ? FIRST[i % FIRST.length] : `First${(i * 7919) % N}`,
    lastName: i < 40 ? LAST[(i * 5) % LAST.length] : `Last${String((i * 104729) % N).padStart(5, '0')}`,
    email: `member${String(i).padStart(4, '0')}@fixture.test`,
    isActive: i % 7 !== 3,
    isAdmin: i % 97 === 5,
    allAccess: i % 3 === 1,
    mfaOptOut: i % 11 === 2,
    lastLoginAt: i % 4 === 0 ? null : at(i, (i * 37) % 1000),
  }));
}

async function plantData(app: TestApp, orgId: number, admin: Principal, ids: number[]): Promise<void> {
  const ds = app.ds;
  // The admin's row must be as fixed as the others.
  await ds.manager.update(Membership, { orgId, userId: admin.user.id }, { lastLoginAt: at(1, 1) });
  for (let i = 0; i < ids.length; i++) {
    if (i % 22 === 2) {
      await ds.manager.update(Membership, { orgId, userId: ids[i] }, { mfaOptOutUntil: at(i + 40, 500) });
    }
  }
  const principal = await app.server.services.session.resolve(ds.manager, admin.token);
  const ctx: RequestContext = { ...app.systemCtx(), principal };
  const roles = app.server.services.role;
  const roleIds = [
    (await roles.createRole(ctx, 'Auditors, "Internal"')).id,
    (await roles.createRole(ctx, '=Owners')).id,
    (await roles.createRole(ctx, 'Risk Owner')).id,
  ];
  const groupIds = [(await roles.createUserGroup(ctx, 'Field team')).id, (await roles.createUserGroup(ctx, '@Finance; EMEA')).id];
  const assignments: Array<Partial<RoleAssignment>> = [];
  const groupRows: Array<Partial<UserGroupMember>> = [];
  ids.forEach((userId, i) => {
    roleIds.forEach((roleId, r) => {
      if (i % (3 + r * 2) === r) {
        // Every tenth of them was removed again: not exported.
        const removed = i % 10 === 0;
        assignments.push({ orgId, roleId, userId, assignedAt: at(i, 0), removedAt: removed ? at(i + 1, 0) : null });
      }
    });
    groupIds.forEach((groupId, g) => {
      if (i % (4 + g) === g) {
        groupRows.push({ orgId, groupId, userId });
      }
    });
  });
  for (let i = 0; i < assignments.length; i += 200) {
    await ds.manager.insert(RoleAssignment, assignments.slice(i, i + 200));
  }
  for (let i = 0; i < groupRows.length; i += 200) {
    await ds.manager.insert(UserGroupMember, groupRows.slice(i, i + 200));
  }
  const memberships = await ds.manager.find(Membership, { where: { orgId }, order: { userId: 'ASC' } });
  const factors = memberships
    .filter((_m, i) => i % 4 === 1)
    .map((m, i) => ({ membershipId: m.id, secretCiphertext: null, confirmedAt: i % 5 === 0 ? null : at(i, 0), failedAttempts: 0 }));
  for (let i = 0; i < factors.length; i += 200) {
    await ds.manager.insert(MfaFactor, factors.slice(i, i + 200));
  }
}

describe(`CSV export against the captured fixture (${testDbKind()})`, () => {
  let app: TestApp;
  let admin: Principal;

  beforeAll(async () => {
    app = await startTestApp();
    const org = await createOrg(app);
    admin = await asAdmin(app, org, { firstName: 'Fixture', lastName: 'Admin', email: 'fixture.admin@fixture.test' });
    const ids = await insertMembers(app.ds, org.id, fixtureMembers());
    await plantData(app, org.id, admin, ids);
  }, 240_000);
  afterAll(async () => {
    await app.stop();
  });

  async function exportBytes(query: string): Promise<Buffer> {
    const r = await fetch(`${app.url}/user/users/export.csv${query}`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(r.status).toBe(200);
    return Buffer.from(await r.arrayBuffer());
  }

  it.each([
    ['all', ''],
    ['active-by-last-login-desc', '?active=true&sort=lastLoginAt,desc'],
    ['search-by-email', '?search=last0&sort=email'],
  ])('export "%s" is byte-identical to the fixture', async (name, query) => {
    const got = await exportBytes(query);
    const file = path.join(FIXTURES, `member-export.${name}.${testDbKind()}.csv`);
    if (process.env.UPDATE_FIXTURES === '1') {
      mkdirSync(FIXTURES, { recursive: true });
      writeFileSync(file, got);
    }
    expect(existsSync(file)).toBe(true);
    const want = readFileSync(file);
    // Compared as text first for a readable diff, then byte for byte (BOM, CRLF).
    expect(got.toString('utf8')).toBe(want.toString('utf8'));
    expect(got.equals(want)).toBe(true);
  });
});
