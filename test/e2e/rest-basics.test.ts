import { asAdmin, asMember, createOrg, startTestApp, testDbKind, type Principal, type TestApp } from '../support/harness';

describe(`REST shim: transport rules (${testDbKind()})`, () => {
  let app: TestApp;
  let admin: Principal;
  let member: Principal;
  beforeAll(async () => {
    app = await startTestApp();
    const org = await createOrg(app);
    admin = await asAdmin(app, org);
    member = await asMember(app, org);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('GET /user/users/me answers who am I, as JSON, never cached', async () => {
    const r = await member.http('GET', '/user/users/me');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body.user).toMatchObject({ id: member.user.id, email: member.email });
    expect(r.body.membership).toMatchObject({ isAdmin: false, isActive: true });
    expect(r.body.sessionKind).toBe('full');
    expect(r.text).not.toMatch(/passwordHash|tokenHash|secret/i);
  });

  it('no token, a malformed token and an unknown token are 401 with WWW-Authenticate', async () => {
    const variants: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer !!' },
      { authorization: 'Bearer ' + 'x'.repeat(43) },
      { authorization: 'Basic abc' },
    ];
    for (const headers of variants) {
      const r = await app.http('GET', '/user/users/me', { headers });
      expect(r.status).toBe(401);
      expect(r.body.error).toBe('UNAUTHENTICATED');
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('a mutation path answers 405 with Allow to GET, and X-HTTP-Method-Override is ignored', async () => {
    for (const [path, allow] of [
      [`/user/users/${member.user.id}/membership`, 'PUT'],
      ['/user/users/mfa/reset', 'PUT'],
      ['/user/users/mfa/generateTempSecret', 'POST'],
      ['/user/users/mfa/validateCode', 'POST'],
    ]) {
      const r = await admin.http('GET', path);
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe(allow);
      expect(r.body.error).toBe('METHOD_NOT_ALLOWED');
    }
    const before = await app.ds.query('SELECT COUNT(*) AS n FROM audit_events');
    const o = await admin.http('GET', `/user/users/mfa/reset`, { headers: { 'X-HTTP-Method-Override': 'PUT' } });
    expect(o.status).toBe(405);
    const d = await admin.http('DELETE', `/user/org/mfa`, { headers: { 'X-HTTP-Method-Override': 'PUT' } });
    expect(d.status).toBe(405);
    expect(d.headers.get('allow')).toBe('GET, PUT');
    const p = await admin.http('POST', `/user/users/${member.user.id}`, {
      body: {},
      headers: { 'X-HTTP-Method-Override': 'DELETE' },
    });
    expect(p.status).toBe(405);
    expect(p.headers.get('allow')).toBe('GET, PUT, DELETE');
    expect((await member.http('GET', '/user/users/me')).status).toBe(200);
    expect(await app.ds.query('SELECT COUNT(*) AS n FROM audit_events')).toEqual(before);
  });

  it('HEAD is refused (it would run the GET handler: a whole export, audited) and audits nothing', async () => {
    const before = await app.ds.query('SELECT COUNT(*) AS n FROM audit_events');
    const r = await admin.http('HEAD', '/user/users/export.csv');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET');
    expect(await app.ds.query('SELECT COUNT(*) AS n FROM audit_events')).toEqual(before);
  });

  it('`me` is a literal path, not an id: DELETE /user/users/me is 405', async () => {
    const r = await admin.http('DELETE', '/user/users/me');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET');
  });

  it('a body that is not application/json is 415; malformed JSON is 400; over 100 kB is 413', async () => {
    const path = `/user/users/${member.user.id}/membership`;
    const text = await admin.http('PUT', path, { rawBody: '{"mfaOptOut": true}', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(text.body.error).toBe('UNSUPPORTED_MEDIA_TYPE');
    const form = await admin.http('PUT', path, {
      rawBody: 'mfaOptOut=true',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const bad = await admin.http('PUT', path, { rawBody: '{"mfaOptOut": tru', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'BAD_USER_INPUT', field: 'body' });
    const big = await admin.http('PUT', path, {
      rawBody: JSON.stringify({ x: 'a'.repeat(101 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('PAYLOAD_TOO_LARGE');
    const row = await app.ds.query('SELECT mfaOptOut FROM memberships WHERE id = ?', [member.membership.id]);
    expect(Boolean(row[0].mfaOptOut)).toBe(false);
  });

  it('a member session is refused admin paths with 403, audited', async () => {
    const r = await member.http('PUT', '/user/org/mfa', { body: { enabled: true } });
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('FORBIDDEN');
    const rows = await app.ds.query("SELECT action, outcome FROM audit_events WHERE actorUserId = ? AND outcome = 'FORBIDDEN'", [
      member.user.id,
    ]);
    expect(rows.map((x: { action: string }) => x.action)).toContain('rest.PUT /user/org/mfa');
  });

  it('an unknown path under /user is 404 JSON', async () => {
    const r = await admin.http('GET', '/user/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('NOT_FOUND');
  });
});

describe(`REST shim: database unavailable (${testDbKind()})`, () => {
  it('answers 503 with a request id and Retry-After when the database is gone, and the log has the details', async () => {
    const app = await startTestApp();
    try {
      const org = await createOrg(app);
      const m = await asMember(app, org);
      await app.ds.destroy();
      const r = await m.http('GET', '/user/users/me');
      expect(r.status).toBe(503);
      expect(r.body.error).toBe('SERVICE_UNAVAILABLE');
      expect(r.body.requestId).toBe(r.headers.get('x-request-id'));
      expect(r.headers.get('retry-after')).toBeTruthy();
      expect(r.text).not.toMatch(/sqlite|mysql|SELECT|stack/i);
      expect(app.logs.some((l) => l.includes(r.body.requestId) && /not open|not established/.test(l))).toBe(true);
    } finally {
      await app.stop();
    }
  });
});
