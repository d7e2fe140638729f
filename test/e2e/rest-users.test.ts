import { createMember, startTestApp, testDbKind, type Principal, type TestApp } from '../support/harness';
import type { Org } from '../../src/entities';
import { ResponseChecker } from '../support/openapi';
import { createDirectoryFixture } from '../support/rest-fixture';

describe(`REST /user/users/me and /user/users/{id} (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let admin: Principal;
  let member: Principal;
  let stranger: { user: { id: number } };
  const checker = new ResponseChecker();

  beforeAll(async () => {
    app = await startTestApp();
    ({ org, admin, member, stranger } = await createDirectoryFixture(app));
  });
  afterAll(async () => {
    await app.stop();
  });

  async function get(p: Principal | null, path: string, template: string) {
    const r = await app.http('GET', path, { token: p?.token ?? null });
    checker.check('GET', template, r);
    return r;
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

  describe('GET, PUT, DELETE /user/users/{id}', () => {
    const P = '/user/users/{id}';
    it('GET: an admin loads the full record with the membership; byRef=true by externalRef', async () => {
      const t = await createMember(app, org, { externalRef: `crm-${Date.now()}` });
      const r = await get(admin, `/user/users/${t.user.id}`, P);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: t.user.id, email: t.email, membership: { userId: t.user.id, isActive: true } });
      const byRef = await get(admin, `/user/users/${encodeURIComponent(t.membership.externalRef!)}?byRef=true`, P);
      expect(byRef.body.id).toBe(t.user.id);
      expect((await get(admin, `/user/users/${t.membership.externalRef}`, P)).status).toBe(400);
    });

    it('GET: a member sees another member as id and names, themself in full', async () => {
      const other = await get(member, `/user/users/${admin.user.id}`, P);
      expect(other.body).toEqual({ id: admin.user.id, firstName: 'Ada', lastName: 'Admin' });
      const self = await get(member, `/user/users/${member.user.id}`, P);
      expect(self.body.email).toBe(member.email);
    });

    it("GET: another org's user and a missing one are both 404; no session is 401", async () => {
      const a = await get(admin, `/user/users/${stranger.user.id}`, P);
      const b = await get(admin, '/user/users/987654', P);
      expect([a.status, b.status]).toEqual([404, 404]);
      expect(a.body).toEqual(b.body);
      expect((await get(null, `/user/users/${member.user.id}`, P)).status).toBe(401);
    });

    it('PUT: an admin updates names; a member may rename themself but not others; unknown fields are 400', async () => {
      const t = await createMember(app, org);
      const put = async (p: Principal | null, id: number, body: unknown) => {
        const r = await app.http('PUT', `/user/users/${id}`, { token: p?.token ?? null, body });
        checker.check('PUT', P, r);
        return r;
      };
      const r = await put(admin, t.user.id, { firstName: 'Renamed' });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: t.user.id, firstName: 'Renamed', lastName: 'User' });
      expect((await put(member, member.user.id, { lastName: 'Self' })).body.lastName).toBe('Self');
      expect((await put(member, t.user.id, { firstName: 'Nope' })).status).toBe(403);
      const unknown = await put(admin, t.user.id, { firstName: 'X', passwordHash: 'x' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.field).toBe('passwordHash');
      const badType = await put(admin, t.user.id, { firstName: 42 });
      expect(badType.status).toBe(400);
      expect(badType.body.field).toBe('firstName');
      expect((await put(admin, stranger.user.id, { firstName: 'X' })).status).toBe(404);
      expect((await put(null, t.user.id, { firstName: 'X' })).status).toBe(401);
    });

    it('DELETE: admin removes a member (204, then 404); 403 for a member; 404 for another org', async () => {
      const t = await createMember(app, org);
      const del = async (p: Principal | null, id: number) => {
        const r = await app.http('DELETE', `/user/users/${id}`, { token: p?.token ?? null });
        checker.check('DELETE', P, r);
        return r;
      };
      expect((await del(member, t.user.id)).status).toBe(403);
      expect((await del(admin, stranger.user.id)).status).toBe(404);
      const r = await del(admin, t.user.id);
      expect(r.status).toBe(204);
      expect(r.text).toBe('');
      expect((await get(admin, `/user/users/${t.user.id}`, P)).status).toBe(404);
      expect((await del(admin, t.user.id)).status).toBe(404);
      expect((await del(null, member.user.id)).status).toBe(401);
    });
  });
});
