import { createHash } from 'node:crypto';
import { auditServer } from 'graphql-http';
import { asMember, createOrg, startTestApp, testDbKind, type Principal, type TestApp } from '../support/harness';

const JSON_TYPE = 'application/json';
const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

/**
 * GraphQL over HTTP (graphql.github.io/graphql-over-http) as clients meet it: status codes by the
 * response media type the Accept header selects, and automatic persisted queries.
 */
describe(`GraphQL over HTTP (${testDbKind()})`, () => {
  let app: TestApp;
  let member: Principal;
  beforeAll(async () => {
    app = await startTestApp();
    member = await asMember(app, await createOrg(app));
  });
  afterAll(async () => {
    await app.stop();
  });

  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${member.token}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: JSON.parse(text) as Record<string, any> };
  };

  it('passes every MUST and SHOULD of the graphql-http audit suite (the MAY notices left are GETs refused by CSRF prevention)', async () => {
    const results = await auditServer({ url: `${app.url}/graphql` });
    expect(results.length).toBeGreaterThan(50);
    const notOk = results.filter((r) => r.status !== 'ok');
    expect(notOk.filter((r) => r.status !== 'notice').map((r) => `${r.id} ${r.name}`)).toEqual([]);
    // MAY accept GET requests without a preflight header: refused on purpose (README, CSRF).
    expect(notOk.map((r) => r.id).sort()).toEqual(['5A70', '6A70', 'D6D5']);
  });

  describe('request errors: 200 as application/json, 400 as application/graphql-response+json', () => {
    const cases: Array<[string, unknown]> = [
      ['document parse failure', { query: '{ me { ' }],
      ['document validation failure', { query: '{ me { noSuchField } }' }],
      ['variable coercion failure', { query: 'query($n: Int) { users(first: $n) { nodes { id } } }', variables: { n: 'ten' } }],
      ['operation that cannot be determined', { query: 'query A { __typename } query B { __typename }' }],
      ['a request limit (aliases)', { query: `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: me { sessionKind }`).join(' ')} }` }],
    ];
    it.each(cases)('%s', async (_name, body) => {
      for (const accept of [undefined, JSON_TYPE, '*/*', `${JSON_TYPE}, ${GRAPHQL_RESPONSE_JSON};q=0.5`]) {
        const r = await post(body, accept ? { accept } : {});
        expect({ accept, status: r.status, type: r.type, code: r.body.errors?.[0]?.extensions?.code, data: 'data' in r.body }).toEqual({
          accept,
          status: 200,
          type: expect.stringContaining(JSON_TYPE),
          code: 'BAD_USER_INPUT',
          data: false,
        });
      }
      for (const accept of [GRAPHQL_RESPONSE_JSON, `${GRAPHQL_RESPONSE_JSON}, ${JSON_TYPE};q=0.9`]) {
        const r = await post(body, { accept });
        expect({ accept, status: r.status, type: r.type, data: 'data' in r.body }).toEqual({
          accept,
          status: 400,
          type: expect.stringContaining(GRAPHQL_RESPONSE_JSON),
          data: false,
        });
      }
    });
  });

  it('a field error is 200 with data under either media type; requests that are not well-formed stay 4xx', async () => {
    for (const accept of [JSON_TYPE, GRAPHQL_RESPONSE_JSON]) {
      const partial = await post({ query: '{ me { user { id } } userCounts { enabled } }' }, { accept });
      expect({ accept, status: partial.status, code: partial.body.errors?.[0]?.extensions?.code }).toEqual({
        accept,
        status: 200,
        code: 'FORBIDDEN',
      });
      expect(partial.body.data).toBeDefined();
      expect((await post('{"query": ', { accept })).status).toBe(400);
      expect((await post({ query: 7 }, { accept })).status).toBe(400);
      expect((await post({ qeury: '{ __typename }' }, { accept })).status).toBe(400);
    }
    expect((await post({ query: '{ __typename }' }, { accept: 'text/html;q=0.1, image/png' })).status).toBe(406);
  });

  describe('automatic persisted queries', () => {
    const query = '{ me { user { id } } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const persisted = { persistedQuery: { version: 1, sha256Hash } };

    it('a hash the server does not know is PERSISTED_QUERY_NOT_FOUND (code and message as APQ clients expect); the text registers it', async () => {
      const unknown = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(`${query} # ${Date.now()}`).digest('hex') } };
      const miss = await post({ extensions: unknown });
      expect(miss.status).toBe(200);
      expect(miss.body.errors).toEqual([{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }]);

      const register = await post({ query, extensions: persisted });
      expect(register.body).toEqual({ data: { me: { user: { id: String(member.user.id) } } } });
      const hit = await post({ extensions: persisted });
      expect(hit.body).toEqual({ data: { me: { user: { id: String(member.user.id) } } } });
      // Over GET too (Apollo Client's useGETForHashedQueries), with the CSRF preflight header.
      const get = await fetch(`${app.url}/graphql?extensions=${encodeURIComponent(JSON.stringify(persisted))}`, {
        headers: { authorization: `Bearer ${member.token}`, 'apollo-require-preflight': 'true' },
      });
      expect(await get.json()).toEqual({ data: { me: { user: { id: String(member.user.id) } } } });
    });

    it('a hash that does not match the text is refused, and nothing is registered under it', async () => {
      const wrong = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update('something else').digest('hex') } };
      const r = await post({ query, extensions: wrong });
      expect(r.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect((await post({ extensions: wrong })).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    });

    it('a persisted query runs with the same authorization and limits as its text', async () => {
      const q = '{ userCounts { enabled } }';
      const ext = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(q).digest('hex') } };
      expect((await post({ query: q, extensions: ext })).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await post({ extensions: ext })).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });
});
