import { asAdmin, asMember, createMember, createOrg, startTestApp, testDbKind, type Principal, type TestApp } from '../support/harness';
import type { Org } from '../../src/entities';
import { ResponseChecker } from '../support/openapi';

const OP = '/user/users/{id}/membership';
const SEED_BODY = {
  isActive: true,
  isAdmin: false,
  allAccess: true,
  mfaOptOut: true,
  excludeFromMembershipCount: false,
  hasAdvancedPermissions: false,
};
const FLAGS = ['isActive', 'isAdmin', 'allAccess', 'portalAccess', 'mfaOptOut', 'excludeFromMembershipCount', 'hasAdvancedPermissions'];

describe(`REST PUT /user/users/{id}/membership (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let admin: Principal;
  let member: Principal;
  const checker = new ResponseChecker();

  beforeAll(async () => {
    app = await startTestApp();
    org = await createOrg(app);
    admin = await asAdmin(app, org);
    member = await asMember(app, org);
  });
  afterAll(async () => {
    await app.stop();
  });

  async function put(
    p: Principal | null,
    id: number | string,
    body: unknown,
    o: { query?: string; headers?: Record<string, string> } = {},
  ) {
    const path = `/user/users/${id}/membership${o.query ?? ''}`;
    const r = await app.http('PUT', path, { token: p?.token ?? null, body, headers: o.headers });
    checker.check('PUT', OP, r);
    return r;
  }

  async function row(membershipId: number): Promise<Record<string, boolean> & { version: number }> {
    const r = (await app.ds.query('SELECT * FROM memberships WHERE id = ?', [membershipId]))[0];
    return { ...Object.fromEntries(FLAGS.map((f) => [f, Boolean(r[f])])), version: Number(r.version) } as Record<string, boolean> & {
      version: number;
    };
  }

  async function auditCount(targetUserId: number): Promise<number> {
    const r = await app.ds.query("SELECT COUNT(*) AS n FROM audit_events WHERE targetUserId = ? AND action = 'membership.update'", [
      targetUserId,
    ]);
    return Number(r[0].n);
  }

  it('the seed body sets exactly its six flags and answers the membership', async () => {
    const t = await createMember(app, org);
    const r = await put(admin, t.user.id, SEED_BODY);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ...SEED_BODY, userId: t.user.id, portalAccess: false });
    expect(r.headers.get('etag')).toBe(`"${r.body.version}"`);
    const after = await row(t.membership.id);
    expect(after).toMatchObject({ ...SEED_BODY, portalAccess: false });
  });

  it('{"mfaOptOut": true} alone changes only mfaOptOut (the partial-body contract)', async () => {
    const t = await createMember(app, org, { allAccess: true, excludeFromMembershipCount: true, hasAdvancedPermissions: true });
    const before = await row(t.membership.id);
    const r = await put(admin, t.user.id, { mfaOptOut: true });
    expect(r.status).toBe(200);
    const after = await row(t.membership.id);
    expect(after).toEqual({ ...before, mfaOptOut: true, version: before.version + 1 });
    expect(r.body).toMatchObject({ ...before, mfaOptOut: true, version: before.version + 1 });
  });

  it('the same body twice changes nothing the second time and audits nothing new', async () => {
    const t = await createMember(app, org);
    const first = await put(admin, t.user.id, { mfaOptOut: true, allAccess: true });
    expect(first.status).toBe(200);
    const audits = await auditCount(t.user.id);
    expect(audits).toBe(1);
    const second = await put(admin, t.user.id, { mfaOptOut: true, allAccess: true });
    expect(second.status).toBe(200);
    expect(second.body.version).toBe(first.body.version);
    expect(await auditCount(t.user.id)).toBe(audits);
  });

  it('an unknown field is a 400 naming it, and nothing is written', async () => {
    const t = await createMember(app, org);
    const before = await row(t.membership.id);
    const r = await put(admin, t.user.id, { mfaOptOut: true, isOwner: true });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'BAD_USER_INPUT', field: 'isOwner' });
    expect(await row(t.membership.id)).toEqual(before);
  });

  it.each([
    [{ mfaOptOut: 'true' }, 'mfaOptOut'],
    [{ isActive: 1 }, 'isActive'],
    [{ allAccess: null }, 'allAccess'],
    [[{ mfaOptOut: true }], 'body'],
    ['mfaOptOut', 'body'],
  ])('a bad body %j is a 400 naming %s', async (body, field) => {
    const r = await put(admin, member.user.id, body);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'BAD_USER_INPUT', field });
  });

  it('no body at all is a 400', async () => {
    const r = await app.http('PUT', `/user/users/${member.user.id}/membership`, { token: admin.token });
    expect(r.status).toBe(400);
    checker.check('PUT', OP, r);
  });

  it('If-Match with a stale version is 412 and writes nothing; with the current one it applies', async () => {
    const t = await createMember(app, org);
    const v = (await row(t.membership.id)).version;
    const ok = await put(admin, t.user.id, { allAccess: true }, { headers: { 'If-Match': `"${v}"` } });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(v + 1);
    const before = await row(t.membership.id);
    const stale = await put(admin, t.user.id, { mfaOptOut: true }, { headers: { 'If-Match': String(v) } });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toBe('PRECONDITION_FAILED');
    expect(await row(t.membership.id)).toEqual(before);
    const bad = await put(admin, t.user.id, { mfaOptOut: true }, { headers: { 'If-Match': 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('If-Match');
  });

  it('byRef=true addresses the user by externalRef; byRef=false (default) by id', async () => {
    const t = await createMember(app, org, { externalRef: `ext-${Date.now()}` });
    const r = await put(admin, encodeURIComponent(t.membership.externalRef!), { allAccess: true }, { query: '?byRef=true' });
    expect(r.status).toBe(200);
    expect(r.body.userId).toBe(t.user.id);
    expect((await put(admin, t.user.id, { allAccess: false }, { query: '?byRef=false' })).status).toBe(200);
    expect((await put(admin, t.membership.externalRef!, { allAccess: false }, { query: '?byRef=false' })).status).toBe(400);
    expect((await put(admin, t.user.id, { allAccess: false }, { query: '?byRef=true' })).status).toBe(404);
    const maybe = await put(admin, t.user.id, { allAccess: false }, { query: '?byRef=maybe' });
    expect(maybe.status).toBe(400);
    expect(maybe.body.field).toBe('byRef');
  });

  it('401 without a session, 403 for a member (audited), 404 for another org and for no one', async () => {
    expect((await put(null, member.user.id, { mfaOptOut: true })).status).toBe(401);
    const forbidden = await put(member, admin.user.id, { mfaOptOut: true });
    expect(forbidden.status).toBe(403);
    const otherOrg = await createOrg(app);
    const stranger = await createMember(app, otherOrg);
    const r = await put(admin, stranger.user.id, { mfaOptOut: true });
    expect(r.status).toBe(404);
    expect((await put(admin, 999999, { mfaOptOut: true })).status).toBe(404);
    expect(Boolean((await row(stranger.membership.id)).mfaOptOut)).toBe(false);
  });

  it("an admin cannot opt themself out (403), and the service's rules answer through the mapping", async () => {
    const r = await put(admin, admin.user.id, { mfaOptOut: true });
    expect(r.status).toBe(403);
    const both = await put(admin, member.user.id, { isAdmin: true, hasAdvancedPermissions: true });
    expect(both.status).toBe(400);
  });

  it('enabling a member when the org is at its seat limit is 409 SEAT_LIMIT_REACHED', async () => {
    const small = await createOrg(app, { licensedSeats: 2 });
    const a = await asAdmin(app, small);
    const m = await createMember(app, small);
    const off = await createMember(app, small, { isActive: false });
    const r = await put(a, off.user.id, { isActive: true });
    expect(r.status).toBe(409);
    expect(r.body.error).toBe('SEAT_LIMIT_REACHED');
    expect(m).toBeDefined();
  });
});
