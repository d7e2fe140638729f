import { asMember, createOrg, errorCode, useTestApp, testDbKind } from '../support/harness';

describe(`error masking (${testDbKind()})`, () => {
  const app = useTestApp();

  it('a database failure reaches the client as INTERNAL_SERVER_ERROR with a request id, and the log has the details', async () => {
    const org = await createOrg(app);
    const m = await asMember(app, org);
    await app.ds.query('DROP TABLE orgs');
    const r = await m.gql('{ me { org { slug } } }');
    expect(errorCode(r)).toBe('INTERNAL_SERVER_ERROR');
    const body = JSON.stringify({ data: r.data, errors: r.errors });
    expect(body).not.toMatch(/\borgs\b|SELECT|sqlite|mysql|ER_NO_SUCH|no such table|stack|\.ts:\d/i);
    const requestId = r.errors![0].extensions!.requestId as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('x-request-id')).toBe(requestId);
    expect(app.logs.some((l) => l.includes(requestId) && /orgs/.test(l))).toBe(true);
  });

  it('a malformed query is BAD_USER_INPUT', async () => {
    expect(errorCode(await app.gql('{ me { '))).toBe('BAD_USER_INPUT');
    expect(errorCode(await app.gql('{ nope }'))).toBe('BAD_USER_INPUT');
  });

  it('/health answers without the database; /ready pings it', async () => {
    expect((await app.http('GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await app.http('GET', '/ready')).status).toBe(200);
  });
});
