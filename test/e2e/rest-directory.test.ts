import { fakeDateOnly, startTestApp, testDbKind, type Principal, type TestApp } from '../support/harness';
import type { Org } from '../../src/entities';
import type { RequestContext } from '../../src/context';
import { ResponseChecker } from '../support/openapi';
import { createDirectoryFixture } from '../support/rest-fixture';

describe(`REST member list, counts and role feeds (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let admin: Principal;
  let member: Principal;
  const checker = new ResponseChecker();

  beforeAll(async () => {
    app = await startTestApp();
    ({ org, admin, member } = await createDirectoryFixture(app));
  });
  afterAll(async () => {
    await app.stop();
  });

  async function get(p: Principal | null, path: string, template: string) {
    const r = await app.http('GET', path, { token: p?.token ?? null });
    checker.check('GET', template, r);
    return r;
  }

  async function ctxOf(p: Principal): Promise<RequestContext> {
    const principal = await app.server.services.session.resolve(app.ds.manager, p.token);
    return { ...app.systemCtx(), principal };
  }

  describe('GET /user/users/me', () => {
    it('answers the principal, fits the document', async () => {
      const r = await get(admin, '/user/users/me', '/user/users/me');
      expect(r.status).toBe(200);
      expect(r.body.user.id).toBe(admin.user.id);
      expect(r.body.org).toMatchObject({ id: org.id, slug: org.slug, mfaRequired: false, licensedSeats: 100 });
      expect(r.body.membership.isAdmin).toBe(true);
      expect((await get(null, '/user/users/me', '/user/users/me')).status).toBe(401);
    });
  });

  describe('GET /user/users/page', () => {
    const P = '/user/users/page';
    it('an admin gets full records with totals, sorted by last name', async () => {
      const r = await get(admin, `${P}?page=1&size=3`, P);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ page: 1, size: 3, totalElements: 7, totalPages: 3 });
      expect(r.body.content.map((u: { lastName: string }) => u.lastName)).toEqual(['Admin', 'Ber', 'Cluded']);
      expect(r.body.content[0]).toHaveProperty('email');
      expect(r.body.content[0].membership).toHaveProperty('mfaOptOut');
      const last = await get(admin, `${P}?page=3&size=3`, P);
      expect(last.body.content.map((u: { lastName: string }) => u.lastName)).toEqual(['Valdez']);
    });

    it('search by prefix and the active filter', async () => {
      const r = await get(admin, `${P}?search=val`, P);
      expect(r.body.content.map((u: { firstName: string }) => u.firstName).sort()).toEqual(['Bob', 'Val', 'Valentina']);
      expect(r.body.totalElements).toBe(3);
      const inactive = await get(admin, `${P}?active=false`, P);
      expect(inactive.body.content.map((u: { lastName: string }) => u.lastName)).toEqual(['Ctive']);
      const desc = await get(admin, `${P}?sort=lastName,desc&size=1`, P);
      expect(desc.body.content[0].lastName).toBe('Valdez');
    });

    it('a member sees id and names only of others (rule 4), and may not filter on admin-only fields', async () => {
      const r = await get(member, `${P}?size=200`, P);
      expect(r.status).toBe(200);
      const other = r.body.content.find((u: { id: number }) => u.id === admin.user.id);
      expect(Object.keys(other).sort()).toEqual(['firstName', 'id', 'lastName']);
      const self = r.body.content.find((u: { id: number }) => u.id === member.user.id);
      expect(self.email).toBe(member.email);
      expect((await get(member, `${P}?active=true`, P)).status).toBe(403);
      expect((await get(member, `${P}?sort=email`, P)).status).toBe(403);
    });

    it.each([
      ['page=0', 'page'],
      ['size=0', 'size'],
      ['size=201', 'size'],
      ['size=abc', 'size'],
      ['active=maybe', 'active'],
      ['sort=password', 'sort'],
      ['pageSize=10', 'pageSize'],
      ['page=1&page=2', 'page'],
    ])('?%s is a 400 naming %s', async (q, field) => {
      const r = await get(admin, `${P}?${q}`, P);
      expect(r.status).toBe(400);
      expect(r.body.field).toBe(field);
    });

    it('401 without a session', async () => {
      expect((await get(null, P, P)).status).toBe(401);
    });
  });

  describe('GET /user/users/retrieveNotExcludeFromMembershipUserCounts', () => {
    const P = '/user/users/retrieveNotExcludeFromMembershipUserCounts';
    it('counts active members not excluded (admin), 403 for a member', async () => {
      const r = await get(admin, P, P);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ count: 5, licensedSeats: 100, enabled: 6, inactive: 1 });
      expect((await get(member, P, P)).status).toBe(403);
      expect((await get(null, P, P)).status).toBe(401);
    });
  });

  describe('role feeds', () => {
    it('removedFromRole and updatedByRole list users since a time; 403 member, 404 other org role, 400 bad input', async () => {
      const ctx = await ctxOf(admin);
      const roles = app.server.services.role;
      const role = await roles.createRole(ctx, `Auditors ${Date.now()}`);
      const since = new Date(Date.now() - 60_000).toISOString();
      await roles.assignRole(ctx, member.user.id, role.id);
      await roles.assignRole(ctx, admin.user.id, role.id);
      await roles.unassignRole(ctx, admin.user.id, role.id);
      // Changes are listed once settled (ROLE_FEED_SETTLE_MS, 2 s by default).
      fakeDateOnly(Date.now() + 3000);
      const R = '/user/users/removedFromRole';
      const U = '/user/users/updatedByRole';
      const removed = await get(admin, `${R}?roleId=${role.id}&since=${encodeURIComponent(since)}`, R);
      expect(removed.status).toBe(200);
      expect(removed.body.content.map((e: { userId: number }) => e.userId)).toEqual([admin.user.id]);
      expect(removed.body.nextCursor).toBeNull();
      const updated = await get(admin, `${U}?roleId=${role.id}&since=${encodeURIComponent(since)}`, U);
      expect(updated.body.content.map((e: { userId: number }) => e.userId)).toEqual([member.user.id]);
      expect((await get(member, `${U}?roleId=${role.id}&since=${encodeURIComponent(since)}`, U)).status).toBe(403);
      expect((await get(admin, `${U}?roleId=999999&since=${encodeURIComponent(since)}`, U)).status).toBe(404);
      const noSince = await get(admin, `${U}?roleId=${role.id}`, U);
      expect(noSince.status).toBe(400);
      expect(noSince.body.field).toBe('since');
      expect((await get(admin, `${U}?roleId=x&since=2024-01-01`, U)).body.field).toBe('roleId');
      expect((await get(admin, `${R}?roleId=${role.id}&since=yesterday`, R)).body.field).toBe('since');
      jest.useRealTimers();
    });
  });
});
