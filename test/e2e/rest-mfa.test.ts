import {
  asAdmin,
  asMember,
  createMember,
  createOrg,
  signIn,
  startTestApp,
  testDbKind,
  withToken,
  type Principal,
  type TestApp,
} from '../support/harness';
import type { Org } from '../../src/entities';
import { totpCodeAt } from '../../src/security/totp';
import { ResponseChecker } from '../support/openapi';
import { describeWithTools } from '../support/tools';

const GEN = '/user/users/mfa/generateTempSecret';
const VALIDATE = '/user/users/mfa/validateCode';
const RESET = '/user/users/mfa/reset';
const ORG_MFA = '/user/org/mfa';

describeWithTools(['oathtool'], `REST MFA and org MFA paths (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let admin: Principal;
  const checker = new ResponseChecker();

  beforeAll(async () => {
    app = await startTestApp();
    org = await createOrg(app);
    admin = await asAdmin(app, org);
  });
  afterAll(async () => {
    await app.stop();
  });

  async function call(p: Principal | null, method: string, path: string, body?: unknown) {
    const r = await app.http(method, path, { token: p?.token ?? null, body });
    checker.check(method, path, r);
    return r;
  }

  async function factorOf(membershipId: number): Promise<{ confirmedAt: unknown } | undefined> {
    return (await app.ds.query('SELECT confirmedAt FROM mfa_factors WHERE membershipId = ?', [membershipId]))[0];
  }

  /** Enrolls p over REST and returns the secret. */
  async function enroll(p: Principal): Promise<string> {
    const g = await call(p, 'POST', GEN);
    expect(g.status).toBe(200);
    const v = await call(p, 'POST', VALIDATE, { token: await totpCodeAt(g.body.secret, Date.now()) });
    expect(v.status).toBe(200);
    return g.body.secret;
  }

  it('generateTempSecret then validateCode {"token": "123456"} enrolls (full session)', async () => {
    const m = await asMember(app, org);
    const g = await call(m, 'POST', GEN);
    expect(g.status).toBe(200);
    expect(g.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(g.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(g.body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    const wrong = await call(m, 'POST', VALIDATE, {
      token: '000000' === (await totpCodeAt(g.body.secret, Date.now())) ? '111111' : '000000',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.field).toBe('token');
    const v = await call(m, 'POST', VALIDATE, { token: await totpCodeAt(g.body.secret, Date.now()) });
    expect(v.status).toBe(200);
    expect(v.body.recoveryCodes).toHaveLength(10);
    expect(v.body.session).toBeNull();
    expect((await factorOf(m.membership.id))?.confirmedAt).toBeTruthy();
    // A second enrollment needs an admin reset first.
    expect((await call(m, 'POST', GEN)).status).toBe(409);
  });

  it('validateCode input errors name the legacy field "token"', async () => {
    const m = await asMember(app, org);
    await call(m, 'POST', GEN);
    for (const body of [{}, { token: 123456 }, { code: '123456' }]) {
      const r = await call(m, 'POST', VALIDATE, body);
      expect(r.status).toBe(400);
      expect(r.body.field).toBe(Object.keys(body)[0] === 'code' ? 'code' : 'token');
    }
  });

  it('an enrollment-only session (org enforces MFA) enrolls over REST and gets a full session; it may do nothing else', async () => {
    const strict = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, strict);
    const s = await signIn(app, strict, m.email, m.password);
    expect(s.status).toBe('MFA_ENROLLMENT_REQUIRED');
    const p = withToken(app, m, s.token);
    expect((await call(p, 'GET', '/user/users/me')).status).toBe(403);
    const g = await call(p, 'POST', GEN);
    expect(g.status).toBe(200);
    const v = await call(p, 'POST', VALIDATE, { token: await totpCodeAt(g.body.secret, Date.now()) });
    expect(v.status).toBe(200);
    expect(v.body.session).toMatchObject({ status: 'SIGNED_IN' });
    const full = withToken(app, m, v.body.session.token);
    expect((await call(full, 'GET', '/user/users/me')).body.sessionKind).toBe('full');
  });

  it('five wrong codes lock MFA: 429 with Retry-After, even for the right code', async () => {
    const m = await asMember(app, org);
    const g = await call(m, 'POST', GEN);
    const right = await totpCodeAt(g.body.secret, Date.now());
    const wrongCode = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const r = await call(m, 'POST', VALIDATE, { token: wrongCode });
      expect([400, 429]).toContain(r.status);
    }
    const locked = await call(m, 'POST', VALIDATE, { token: right });
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('PUT /user/users/mfa/reset {"userId"}: admin resets a member, 403 for a member, 404 for another org', async () => {
    const m = await asMember(app, org);
    await enroll(m);
    const other = await asMember(app, org);
    expect((await call(other, 'PUT', RESET, { userId: m.user.id })).status).toBe(403);
    const r = await call(admin, 'PUT', RESET, { userId: m.user.id });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ reset: true });
    expect(await factorOf(m.membership.id)).toBeUndefined();
    // Rule 16: the member's sessions are revoked.
    expect((await call(m, 'GET', '/user/users/me')).status).toBe(401);
    const again = await call(admin, 'PUT', RESET, { userId: m.user.id });
    expect(again.body).toEqual({ reset: false });
    const otherOrg = await createOrg(app);
    const stranger = await createMember(app, otherOrg);
    expect((await call(admin, 'PUT', RESET, { userId: stranger.user.id })).status).toBe(404);
    for (const body of [{ userId: 'abc' }, { userId: -1 }, { user: 1 }]) {
      expect((await call(admin, 'PUT', RESET, body)).status).toBe(400);
    }
  });

  it('PUT /user/users/mfa/reset without a body abandons my own pending enrollment, not a confirmed factor', async () => {
    const m = await asMember(app, org);
    await call(m, 'POST', GEN);
    const r = await call(m, 'PUT', RESET);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ reset: true });
    expect(await factorOf(m.membership.id)).toBeUndefined();
    await enroll(m);
    const refused = await call(m, 'PUT', RESET);
    expect(refused.status).toBe(403);
    expect((await factorOf(m.membership.id))?.confirmedAt).toBeTruthy();
  });

  it('PUT /user/org/mfa {"enabled": true} turns enforcement on (admin); bad input names "enabled"', async () => {
    const o = await createOrg(app);
    const a = await asAdmin(app, o);
    const m = await asMember(app, o);
    const r = await call(a, 'PUT', ORG_MFA, { enabled: true });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ enabled: true });
    expect(Boolean((await app.ds.query('SELECT mfaRequired FROM orgs WHERE id = ?', [o.id]))[0].mfaRequired)).toBe(true);
    expect((await call(m, 'PUT', ORG_MFA, { enabled: false })).status).toBe(403);
    for (const body of [{ enabled: 'yes' }, {}, { enabled: true, extra: 1 }]) {
      const bad = await call(a, 'PUT', ORG_MFA, body);
      expect(bad.status).toBe(400);
      expect(bad.body.field).toBe('extra' in body ? 'extra' : 'enabled');
    }
    expect((await call(null, 'PUT', ORG_MFA, { enabled: false })).status).toBe(401);
    expect((await call(a, 'PUT', ORG_MFA, { enabled: false })).body).toEqual({ enabled: false });
  });

  it('GET /user/org/mfa reads the setting (any member, as me.org.mfaRequired; no query parameters)', async () => {
    const o = await createOrg(app, { mfaRequired: false });
    const a = await asAdmin(app, o);
    const m = await asMember(app, o);
    expect((await call(a, 'GET', ORG_MFA)).body).toEqual({ enabled: false });
    await call(a, 'PUT', ORG_MFA, { enabled: true });
    const on = await call(a, 'GET', ORG_MFA);
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ enabled: true });
    // Another org's setting is its own.
    expect((await call(admin, 'GET', ORG_MFA)).body).toEqual({
      enabled: Boolean((await app.ds.query('SELECT mfaRequired FROM orgs WHERE id = ?', [org.id]))[0].mfaRequired),
    });
    // Any member reads it, as GraphQL's me { org { mfaRequired } } and GET /user/users/me show it.
    expect((await call(m, 'GET', ORG_MFA)).body).toEqual({ enabled: true });
    expect((await call(null, 'GET', ORG_MFA)).status).toBe(401);
    const bad = await app.http('GET', `${ORG_MFA}?enabled=true`, { token: a.token });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('enabled');
  });
});
