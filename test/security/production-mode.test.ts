import { getIntrospectionQuery } from 'graphql';
import { asMember, createOrg, errorCode, startTestApp, testDbKind, type Principal, type TestApp } from '../support/harness';
import { PRODUCTION_ENV, runMain } from '../support/processes';

/** OWASP API8 (security misconfiguration), API9 (inventory): what production does not show. */
describe(`production mode (${testDbKind()})`, () => {
  let app: TestApp;
  let member: Principal;
  beforeAll(async () => {
    app = await startTestApp({ env: { NODE_ENV: 'production' } });
    member = await asMember(app, await createOrg(app));
  }, 60_000);
  afterAll(async () => {
    await app.stop();
  });

  it('introspection is refused', async () => {
    for (const q of [getIntrospectionQuery(), '{ __schema { queryType { name } } }', '{ __type(name: "User") { fields { name } } }']) {
      const r = await app.gql(q, {}, member.token);
      expect(errorCode(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].message).toMatch(/introspection is not allowed/i);
      expect(r.data).toBeUndefined();
    }
  });

  it('there is no landing page, and the CSP stays strict on /graphql', async () => {
    const res = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
    const text = await res.text();
    expect(text).not.toMatch(/apollographql|sandbox/i);
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
  });

  it('no GraphiQL (404, under the strict CSP); the admin console is served, under the strict CSP', async () => {
    const ide = await fetch(`${app.url}/graphiql/`);
    expect(ide.status).toBe(404);
    expect(ide.headers.get('content-security-policy')).not.toMatch(/unsafe|worker-src/);
    expect((await fetch(`${app.url}/graphiql/assets/x.js`)).status).toBe(404);
    const admin = await fetch(`${app.url}/admin/`);
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('<div id="root">');
    expect(admin.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
    expect(admin.headers.get('content-security-policy')).not.toMatch(/unsafe|worker-src/);
  });

  it('"Did you mean" suggestions are hidden (fields, arguments, types, input fields)', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{ me { usr { id } } }', /"user"/],
      ['{ me { sessionKnd } }', /sessionKind/],
      ['mutation { signIn(input: { orgSlug: "a", email: "b", password: "c", pasword: "d" }) { token } }', /"password"/],
      ['query($k: SessionKnd) { me { user { id } } }', /SessionKind/],
    ];
    for (const [q, hidden] of cases) {
      const r = await member.gql(q);
      expect(errorCode(r)).toBe('BAD_USER_INPUT');
      const text = JSON.stringify(r.errors);
      expect(text).not.toMatch(/did you mean/i);
      expect(text).not.toMatch(hidden);
    }
  });

  it('no CORS grant by default (CORS_ORIGINS is empty in production)', async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://studio.apollographql.com', 'access-control-request-method': 'POST' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('an internal error shows no stack trace, SQL, table or driver name', async () => {
    const r = await member.gql('{ me { user { id } } }', {});
    expect(r.errors).toBeUndefined();
    // Break the session lookup's table under a live token.
    await app.ds.query('ALTER TABLE users RENAME TO users_moved');
    try {
      const broken = await member.gql('{ me { user { id firstName } org { slug } } }');
      expect(errorCode(broken)).toBe('INTERNAL_SERVER_ERROR');
      const text = JSON.stringify(broken.errors);
      expect(text).not.toMatch(/users|SELECT|FROM|sqlite|mysql|maria|stack|\.ts:|\.js:|\bat /i);
      expect(text).not.toMatch(/\bER_[A-Z_]+|SQLITE_[A-Z]+/);
      expect(broken.errors![0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) });
    } finally {
      await app.ds.query('ALTER TABLE users_moved RENAME TO users');
    }
  });
});

describe(`production mode with GRAPHQL_INTROSPECTION=true (${testDbKind()})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' } });
  }, 60_000);
  afterAll(async () => {
    await app.stop();
  });

  it('introspection and the landing page are on, suggestions shown', async () => {
    const r = await app.gql('{ __schema { queryType { name } } }');
    expect(r.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const page = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('embeddable-sandbox.cdn.apollographql.com');
    expect((await app.gql('{ mee { id } }')).errors![0].message).toMatch(/Did you mean "me"\?/);
  });
});

describe('production start-up', () => {
  it('refuses to start without MFA_ENCRYPTION_KEY, naming it, with exit status 2', async () => {
    const { MFA_ENCRYPTION_KEY: _omit, ...env } = PRODUCTION_ENV;
    void _omit;
    const run = runMain({ ...env, DATABASE_URL: 'sqlite::memory:' });
    expect(await run.exited).toBe(2);
    expect(run.output.join('\n')).toMatch(/MFA_ENCRYPTION_KEY is required when NODE_ENV=production/);
  }, 30_000);

  it('refuses a key that is not 32 bytes', async () => {
    const run = runMain({ ...PRODUCTION_ENV, MFA_ENCRYPTION_KEY: 'abcdef', DATABASE_URL: 'sqlite::memory:' });
    expect(await run.exited).toBe(2);
    expect(run.output.join('\n')).toMatch(/MFA_ENCRYPTION_KEY must be 32 bytes/);
  }, 30_000);
});
