import {
  asAdmin,
  asMember,
  createMember,
  createOrg,
  startTestApp,
  testDbKind,
  type Principal,
  type TestApp,
  tableCounts,
} from '../support/harness';
import type { Org } from '../../src/entities';

/**
 * The legacy REST shim is a second door onto the same services: the same OWASP API Top 10 cases
 * as over GraphQL (BOLA, BFLA, mass assignment, injection, error masking), in HTTP terms.
 */
describe(`REST shim: BOLA, BFLA, mass assignment, injection, masking (${testDbKind()})`, () => {
  let app: TestApp;
  let orgA: Org;
  let adminA: Principal;
  let memberA: Principal;
  let victimB: { id: number; externalRef: string };

  beforeAll(async () => {
    app = await startTestApp();
    orgA = await createOrg(app);
    const orgB = await createOrg(app);
    adminA = await asAdmin(app, orgA);
    memberA = await asMember(app, orgA);
    const ref = `rest-victim-${Date.now()}`;
    const v = await createMember(app, orgB, { externalRef: ref });
    victimB = { id: v.user.id, externalRef: ref };
  });
  afterAll(async () => {
    await app.stop();
  });

  const writes = (id: string): Array<[string, string, unknown]> => [
    ['PUT', `/user/users/${id}/membership`, { isActive: false }],
    ['PUT', `/user/users/${id}`, { firstName: 'Pwned' }],
    ['DELETE', `/user/users/${id}`, undefined],
    ['PUT', '/user/users/mfa/reset', { userId: Number(id) || id }],
  ];

  it('BOLA: another org’s user is 404 with the same body as a missing one, by id and by externalRef; nothing changes', async () => {
    const before = await tableCounts(app);
    for (const [method, path, body] of writes(String(victimB.id))) {
      const cross = await adminA.http(method, path, { body });
      const missing = await adminA.http(method, path.replace(String(victimB.id), '999999999'), {
        body: body && typeof body === 'object' && 'userId' in body ? { userId: 999999999 } : body,
      });
      expect({ method, path, status: cross.status }).toEqual({ method, path, status: 404 });
      expect(cross.body.message).toBe(missing.body.message);
    }
    expect((await adminA.http('GET', `/user/users/${victimB.id}`)).status).toBe(404);
    expect((await adminA.http('GET', `/user/users/${victimB.externalRef}?byRef=true`)).status).toBe(404);
    expect(
      (await adminA.http('PUT', `/user/users/${victimB.externalRef}/membership?byRef=true`, { body: { isActive: false } })).status,
    ).toBe(404);
    const after = await tableCounts(app);
    expect({ ...after, audit_events: 0 }).toEqual({ ...before, audit_events: 0 });
  });

  it('BFLA: a member gets 403 for every admin route; no token or a bad token is 401', async () => {
    const colleague = await createMember(app, orgA);
    const adminRoutes: Array<[string, string, unknown]> = [
      ...writes(String(colleague.user.id)),
      ['PUT', '/user/org/mfa', { enabled: true }],
      ['GET', '/user/users/export.csv', undefined],
    ];
    for (const [method, path, body] of adminRoutes) {
      const r = await memberA.http(method, path, { body });
      expect({ method, path, status: r.status }).toEqual({ method, path, status: 403 });
    }
    expect((await app.http('GET', '/user/users/me')).status).toBe(401);
    expect((await app.http('GET', '/user/users/me', { token: 'x'.repeat(43) })).status).toBe(401);
  });

  it('mass assignment: unknown fields in a body are 400 naming the field, and nothing is written', async () => {
    const colleague = await createMember(app, orgA);
    const before = await tableCounts(app);
    for (const [path, body, field] of [
      [`/user/users/${colleague.user.id}/membership`, { mfaOptOut: true, orgId: 1 }, 'orgId'],
      [`/user/users/${colleague.user.id}/membership`, { userId: adminA.user.id }, 'userId'],
      [`/user/users/${colleague.user.id}`, { passwordHash: 'x' }, 'passwordHash'],
      [`/user/users/${colleague.user.id}`, { isAdmin: true }, 'isAdmin'],
    ] as Array<[string, Record<string, unknown>, string]>) {
      const r = await adminA.http('PUT', path, { body });
      expect({ path, field, status: r.status, named: r.body.field ?? r.body.message }).toEqual({
        path,
        field,
        status: 400,
        named: expect.stringContaining(field),
      });
    }
    expect(await tableCounts(app)).toEqual(before);
  });

  it('an unknown field named like an Object.prototype member (__proto__, constructor) is a 400 naming it', async () => {
    const colleague = await createMember(app, orgA);
    const before = await tableCounts(app);
    for (const [path, key] of [
      [`/user/users/${colleague.user.id}/membership`, '__proto__'],
      [`/user/users/${colleague.user.id}/membership`, 'constructor'],
      [`/user/users/${colleague.user.id}`, '__proto__'],
      ['/user/org/mfa', '__proto__'],
      ['/user/users/mfa/reset', 'hasOwnProperty'],
    ]) {
      // Raw JSON: an object literal's __proto__ would set the prototype instead of sending a key.
      const r = await adminA.http('PUT', path, {
        rawBody: `{"${key}": {"isAdmin": true}}`,
        headers: { 'content-type': 'application/json' },
      });
      expect({ path, key, status: r.status, field: r.body.field, message: r.body.message }).toEqual({
        path,
        key,
        status: 400,
        field: key,
        message: expect.stringContaining(`Unknown field "${key}"`),
      });
    }
    for (const sort of ['__proto__', 'constructor', 'toString,asc']) {
      const r = await adminA.http('GET', `/user/users/page?page=1&size=10&sort=${sort}`);
      expect({ sort, status: r.status, field: r.body.field }).toEqual({ sort, status: 400, field: 'sort' });
    }
    expect(await tableCounts(app)).toEqual(before);
  });

  it('only JSON bodies (a form or text/plain is 415), and 100 kB at most (413)', async () => {
    const colleague = await createMember(app, orgA);
    const path = `/user/users/${colleague.user.id}/membership`;
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const r = await adminA.http('PUT', path, { rawBody: 'mfaOptOut=true', headers: { 'content-type': type } });
      expect(r.status).toBe(415);
    }
    const big = await adminA.http('PUT', path, { body: { mfaOptOutReason: 'x'.repeat(101 * 1024) } });
    expect(big.status).toBe(413);
  });

  it('SQL metacharacters in paths and query strings: 400 or 404 or data, never 500', async () => {
    const payloads = ["' OR '1'='1", '1; DROP TABLE users', '%_%', '1 UNION SELECT 1', "\\'"];
    for (const p of payloads) {
      const e = encodeURIComponent(p);
      for (const [method, path] of [
        ['GET', `/user/users/${e}`],
        ['GET', `/user/users/${e}?byRef=true`],
        ['GET', `/user/users/page?page=0&size=10&search=${e}`],
        ['GET', `/user/users/page?page=0&size=10&sort=${e}`],
        ['GET', `/user/users/page?page=${e}&size=10`],
        ['GET', `/user/users/removedFromRole?roleId=${e}&since=2020-01-01T00:00:00Z`],
        ['GET', `/user/users/export.csv?search=${e}`],
      ]) {
        const r = await adminA.http(method, path);
        expect({ path, status: r.status < 500 }).toEqual({ path, status: true });
      }
    }
    expect(Number((await app.ds.query('SELECT COUNT(*) AS n FROM users'))[0].n)).toBeGreaterThan(0);
  });

  it('a database failure answers 500 with a request id and no SQL, table or driver name', async () => {
    const colleague = await createMember(app, orgA);
    await app.ds.query('ALTER TABLE audit_events RENAME TO audit_events_gone');
    let r;
    try {
      r = await adminA.http('PUT', `/user/users/${colleague.user.id}/membership`, { body: { allAccess: true } });
    } finally {
      await app.ds.query('ALTER TABLE audit_events_gone RENAME TO audit_events');
    }
    expect(r.status).toBe(500);
    expect(r.body.requestId).toBe(r.headers.get('x-request-id'));
    expect(r.text).not.toMatch(/audit|memberships|SELECT|INSERT|UPDATE|sqlite|mysql|maria|stack|\.ts:|\.js:/i);
  });
});
