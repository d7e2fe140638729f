import { getIntrospectionQuery } from 'graphql';
import { asAdmin, asMember, createOrg, errorCode, startTestApp, testDbKind, type Principal, type TestApp } from '../support/harness';

/**
 * OWASP API4 (resource consumption), API8 (misconfiguration): HTTP-level protections and the
 * GraphQL limits as a client sees them. Every limit answers BAD_USER_INPUT naming the limit.
 */
const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

describe(`HTTP protections and GraphQL limits (${testDbKind()})`, () => {
  let app: TestApp;
  let member: Principal;
  beforeAll(async () => {
    app = await startTestApp();
    member = await asMember(app, await createOrg(app));
  });
  afterAll(async () => {
    await app.stop();
  });

  const post = (body: string, headers: Record<string, string>): Promise<Response> =>
    fetch(`${app.url}/graphql`, { method: 'POST', headers, body });

  describe('CSRF', () => {
    it('a text/plain POST without a preflight header is refused before execution', async () => {
      const res = await post(JSON.stringify({ query: 'mutation { signOut { signedOut } }' }), {
        'content-type': 'text/plain',
        authorization: `Bearer ${member.token}`,
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/CSRF|preflight/i);
      // The session is intact: the mutation never ran.
      expect((await member.gql('{ me { user { id } } }')).data?.me.user.id).toBe(String(member.user.id));
    });

    it('a form POST (urlencoded or multipart) is refused', async () => {
      for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const res = await post('query=mutation%7BsignOut%7D', { 'content-type': type, authorization: `Bearer ${member.token}` });
        expect(res.status).toBe(400);
      }
      expect(errorCode(await member.gql('{ me { user { id } } }'))).toBeUndefined();
    });

    it('a GET without content type or preflight header is refused', async () => {
      const res = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ me { user { id } } }')}`, {
        headers: { authorization: `Bearer ${member.token}` },
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/CSRF|preflight/i);
    });
  });

  it('a mutation over GET is refused with 405 (and a query over GET works)', async () => {
    const get = (q: string): Promise<Response> =>
      fetch(`${app.url}/graphql?query=${encodeURIComponent(q)}`, {
        headers: { authorization: `Bearer ${member.token}`, 'apollo-require-preflight': 'true' },
      });
    const mutation = await get('mutation { signOut { signedOut } }');
    expect(mutation.status).toBe(405);
    expect(mutation.headers.get('allow')).toBe('POST');
    const query = await get('{ me { user { id } } }');
    expect(query.status).toBe(200);
    expect(((await query.json()) as { data: { me: { user: { id: string } } } }).data.me.user.id).toBe(String(member.user.id));
  });

  it('batched (array) requests are refused', async () => {
    const res = await post(JSON.stringify([{ query: '{ me { user { id } } }' }, { query: '{ me { user { id } } }' }]), {
      'content-type': 'application/json',
      authorization: `Bearer ${member.token}`,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/batch/i);
  });

  it('a body over 100 kB is a 413; just under is accepted', async () => {
    const big = await post(JSON.stringify({ query: '{ me { user { id } } }', variables: { pad: 'x'.repeat(101 * 1024) } }), {
      'content-type': 'application/json',
    });
    expect(big.status).toBe(413);
    const body = (await big.json()) as { error: string };
    expect(body.error).toBe('PAYLOAD_TOO_LARGE');
    const ok = await app.gql('{ me { user { id } } }', { pad: 'x'.repeat(90 * 1024) }, member.token);
    expect(ok.status).toBe(200);
    expect(errorCode(ok)).toBeUndefined();
  });

  it('a 1 MB string in an argument never reaches a resolver (413), nor does 1 MB of query text', async () => {
    const mb = 'x'.repeat(1024 * 1024);
    const inVariables = await app.gql('mutation($e: String!) { signIn(input: { orgSlug: "o", email: $e, password: "p" }) { token } }', {
      e: mb,
    });
    expect(inVariables.status).toBe(413);
    const inline = await app.gql(`{ me { user { id } } } # ${mb}`);
    expect(inline.status).toBe(413);
  });

  it('security headers: strict CSP, nosniff, no framing, no referrer, no caching, no x-powered-by', async () => {
    const res = await app.http('GET', '/health');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
    const gql = await app.gql('{ me { user { id } } }', {}, member.token);
    expect(gql.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(gql.headers.get('cache-control')).toBe('no-store');
  });

  it('the Sandbox landing page (development) gets a CSP that admits Apollo’s CDN, and only there', async () => {
    const res = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('embeddable-sandbox.cdn.apollographql.com');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src [^;]*https:\/\/embeddable-sandbox\.cdn\.apollographql\.com/);
    expect(csp).toMatch(/frame-src [^;]*https:\/\/sandbox\.embed\.apollographql\.com/);
    expect(csp).toContain("frame-ancestors 'none'");
    // The page carries its own nonce policy, which browsers enforce in addition to ours.
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="script-src 'self' 'nonce-/);
  });

  it('GraphiQL (development) gets worker-src and inline styles for Monaco, and only under /graphiql/; the console stays strict', async () => {
    const ide = await fetch(`${app.url}/graphiql/`);
    expect(ide.status).toBe(200);
    const csp = ide.headers.get('content-security-policy')!;
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("font-src 'self' data:");
    // Scripts stay same-origin only: no inline script, no eval, no CDN.
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect((await fetch(`${app.url}/graphiql`, { redirect: 'manual' })).headers.get('location')).toBe('/graphiql/');
    for (const path of ['/admin/', '/admin/users/1', '/graphiql-not', '/graphql']) {
      const res = await fetch(`${app.url}${path}`);
      expect({ path, csp: res.headers.get('content-security-policy') }).not.toEqual(
        expect.objectContaining({ csp: expect.stringContaining('worker-src') }),
      );
    }
    // A client-side route of the console is its index page; a missing asset is a 404, not the page.
    expect(await (await fetch(`${app.url}/admin/users/1`)).text()).toContain('<div id="root">');
    expect((await fetch(`${app.url}/admin/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${app.url}/admin/assets/missing.js`, { method: 'POST' })).status).toBe(405);
  });

  it('CORS: Apollo Studio may call the API from the browser; other origins get no CORS grant', async () => {
    const preflight = (origin: string): Promise<Response> =>
      fetch(`${app.url}/graphql`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization',
        },
      });
    const studio = await preflight('https://studio.apollographql.com');
    expect(studio.status).toBe(204);
    expect(studio.headers.get('access-control-allow-origin')).toBe('https://studio.apollographql.com');
    expect(studio.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(studio.headers.get('access-control-allow-credentials')).toBeNull();
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await app.gql('{ me { user { id } } }', {}, member.token, { origin: 'https://evil.example' });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  describe('GraphQL limits over HTTP', () => {
    it('more than 15 aliases (a brute-force vector) is BAD_USER_INPUT naming the limit, and nothing runs', async () => {
      const q = `mutation { ${Array.from({ length: 16 }, (_, i) => `a${i}: signOut`).join(' ')} }`;
      const r = await member.gql(q);
      // A request error: 200 for an application/json response, 400 for application/graphql-response+json.
      expect(r.status).toBe(200);
      expect((await app.gql(q, {}, member.token, { accept: GRAPHQL_RESPONSE_JSON })).status).toBe(400);
      expect(errorCode(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].message).toBe('Aliases limit of 15 exceeded, found 16.');
      expect(r.data).toBeUndefined();
      expect((await member.gql('{ me { user { id } } }')).data?.me.user.id).toBe(String(member.user.id));
    });

    it('16 aliased sign-ins are refused before any of them runs (nothing is audited or counted)', async () => {
      const q = `mutation { ${Array.from(
        { length: 16 },
        (_, i) => `a${i}: signIn(input: { orgSlug: "x", email: "victim@example.test", password: "guess-${i}" }) { token }`,
      ).join(' ')} }`;
      const r = await app.gql(q);
      expect(errorCode(r)).toBe('BAD_USER_INPUT');
      const rows: Array<{ n: number | string }> = await app.ds.query(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'auth.sign_in'",
      );
      const before = Number(rows[0].n);
      await app.gql(q);
      const after: Array<{ n: number | string }> = await app.ds.query(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'auth.sign_in'",
      );
      expect(Number(after[0].n)).toBe(before);
    });

    it('depth over 8 is refused', async () => {
      // The schema is not yet deep enough for 9 real levels: the depth rule runs beside the
      // field checks, so its error is reported along with theirs, before anything executes.
      const tooDeep = await member.gql('{ me { user { a { b { c { d { e { f { g { h } } } } } } } } } }');
      expect(errorCode(tooDeep)).toBe('BAD_USER_INPUT');
      expect(tooDeep.errors!.map((e) => e.message)).toContain('Query depth limit of 8 exceeded, found 10.');
    });

    it('more than 10 directives are refused', async () => {
      const r = await member.gql(`{ me { ${Array.from({ length: 11 }, (_, i) => `f${i}: sessionKind @include(if: true)`).join(' ')} } }`);
      expect(errorCode(r)).toBe('BAD_USER_INPUT');
      expect(r.errors!.map((e) => e.message)).toContain('Directives limit of 10 exceeded, found 11.');
    });

    it('cost: the largest legitimate page passes; multiplying pages through aliases is refused before execution', async () => {
      const org = await createOrg(app);
      const admin = await asAdmin(app, org);
      const page = `users(first: 200) { totalCount pageInfo { hasNextPage endCursor }
        nodes { id firstName lastName email externalRef language lastLoginAt createdAt mfaEnrolled
          membership { isActive isAdmin allAccess portalAccess mfaOptOut mfaOptOutUntil excludeFromMembershipCount hasAdvancedPermissions version }
          roles { id name } groups { id name } } }`;
      const one = await admin.gql(`{ ${page} }`);
      expect(one.errors).toBeUndefined();
      const many = await admin.gql(`{ ${Array.from({ length: 4 }, (_, i) => `p${i}: ${page}`).join(' ')} }`);
      expect(many.status).toBe(200);
      const manyStrict = await app.gql(`{ ${Array.from({ length: 4 }, (_, i) => `p${i}: ${page}`).join(' ')} }`, {}, admin.token, {
        accept: GRAPHQL_RESPONSE_JSON,
      });
      expect(manyStrict.status).toBe(400);
      expect(errorCode(many)).toBe('BAD_USER_INPUT');
      expect(many.errors![0].message).toMatch(/^Query Cost limit of 10000 exceeded, found \d+\.$/);
      // The same through a variable page size: 5 x 200 x 12 = 12,000.
      const viaVariable = await admin.gql(
        `query($n: Int) { ${Array.from({ length: 5 }, (_, i) => `p${i}: users(first: $n) { nodes { id firstName lastName email membership { isAdmin isActive } } }`).join(' ')} }`,
        { n: 200 },
      );
      expect(errorCode(viaVariable)).toBe('BAD_USER_INPUT');
      expect(viaVariable.errors![0].message).toMatch(/Cost limit/);
    });

    it('a 90 kB search string (inside the body limit) is answered quickly, without an internal error', async () => {
      const started = Date.now();
      const r = await member.gql('query($s: String) { users(first: 10, search: $s) { nodes { id } } }', { s: 'a'.repeat(90 * 1024) });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(errorCode(r) === undefined || errorCode(r) === 'BAD_USER_INPUT').toBe(true);
    });

    it('more than 2000 tokens are refused while parsing', async () => {
      const r = await member.gql(`{ me { ${'__typename '.repeat(2100)} } }`);
      expect(r.status).toBe(200);
      expect((await app.gql(`{ me { ${'__typename '.repeat(2100)} } }`, {}, member.token, { accept: GRAPHQL_RESPONSE_JSON })).status).toBe(
        400,
      );
      expect(errorCode(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].message).toBe('Token limit of 2000 exceeded.');
    });

    it('a list of 10,000 elements in the variables is refused', async () => {
      const r = await member.gql('{ me { user { id } } }', { ids: Array.from({ length: 10_000 }, (_, i) => String(i)) });
      expect(errorCode(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].message).toBe('List length limit of 1000 exceeded in the variables.');
    });

    it('the standard introspection query works in development; cyclic introspection does not', async () => {
      const ok = await app.gql(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true }));
      expect(ok.errors).toBeUndefined();
      expect(ok.data!.__schema.queryType.name).toBe('Query');
      const bad = await app.gql('{ __schema { types { fields { type { fields { name } } } } } }');
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(bad.errors![0].message).toMatch(/^Introspection limit exceeded/);
    });

    it('in development, "Did you mean" suggestions are kept (the schema is public there)', async () => {
      const r = await member.gql('{ me { usr { id } } }');
      expect(r.errors![0].message).toMatch(/Did you mean "user"\?/);
    });
  });
});
