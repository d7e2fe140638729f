import { openApiDocument } from '../../src/rest/openapi/document';
import { ID_PLACEHOLDER } from '../../src/rest/openapi/components';
import { REST_ROUTES } from '../../src/rest/routes';
import { ResponseChecker, validateOpenApi } from '../support/openapi';

describe('the OpenAPI document of the REST shim', () => {
  const doc = openApiDocument(REST_ROUTES) as any;

  it('is a valid OpenAPI 3.1 document', () => {
    const r = validateOpenApi(doc);
    expect(r.errors).toBeUndefined();
    expect(r.valid).toBe(true);
    expect(r.version).toBe('3.1');
  });

  it('the validator is not a rubber stamp: a broken document is refused', () => {
    const broken = openApiDocument(REST_ROUTES) as any;
    broken.paths['/user/users/me'].get.responses = 'nope';
    expect(validateOpenApi(broken).valid).toBe(false);
  });

  it('lists exactly the routes the router serves', () => {
    const served = REST_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter((k) => k !== 'parameters')
          .map((m) => `${m.toUpperCase()} ${p}`),
      )
      .sort();
    expect(documented).toEqual(served);
  });

  it('has the legacy summaries, the opt-out alone as the example body, and a placeholder id that fails its pattern', () => {
    expect(doc.paths['/user/users/me'].get.summary).toBe('who am i?');
    expect(doc.paths['/user/users/{id}/membership'].put.summary).toBe('update a users membership');
    expect(doc.paths['/user/users/{id}'].get.summary).toBe('load a user');
    const body = doc.paths['/user/users/{id}/membership'].put.requestBody.content['application/json'];
    // Running the example untrimmed changes only the opt-out; the other flags stay documented.
    expect(body.example).toEqual({ mfaOptOut: true });
    expect(Object.keys(doc.components.schemas.MembershipUpdate.properties)).toEqual(
      expect.arrayContaining(['isActive', 'isAdmin', 'allAccess', 'excludeFromMembershipCount', 'hasAdvancedPermissions', 'portalAccess']),
    );
    expect(doc.components.schemas.MembershipUpdate.example).toEqual({ mfaOptOut: true });
    const withId = Object.values(doc.paths as Record<string, Record<string, { parameters?: Array<{ name: string }> }>>)
      .flatMap((ops) => Object.values(ops))
      .filter((op) => op.parameters?.some((x) => x.name === 'id'));
    expect(withId.length).toBeGreaterThanOrEqual(4);
    for (const op of withId) {
      const id = op.parameters!.find((x) => x.name === 'id') as unknown as { example: string; schema: { pattern: string } };
      expect(id.example).toBe(ID_PLACEHOLDER);
      expect(new RegExp(id.schema.pattern).test(ID_PLACEHOLDER)).toBe(false);
      expect(new RegExp(id.schema.pattern).test('42')).toBe(true);
      expect(new RegExp(id.schema.pattern).test('ext ref-7')).toBe(true);
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('the response checker accepts a fitting body and rejects drift', () => {
    const checker = new ResponseChecker();
    const headers = new Headers({ 'content-type': 'application/json; charset=utf-8' });
    const membership = {
      userId: 3,
      isActive: true,
      isAdmin: false,
      allAccess: false,
      portalAccess: false,
      mfaOptOut: true,
      mfaOptOutUntil: null,
      mfaOptOutReason: null,
      excludeFromMembershipCount: false,
      hasAdvancedPermissions: false,
      version: 2,
      updatedAt: '2026-11-28T23:00:00.000Z',
    };
    expect(() => checker.check('PUT', '/user/users/{id}/membership', { status: 200, body: membership, headers })).not.toThrow();
    expect(() =>
      checker.check('PUT', '/user/users/{id}/membership', { status: 200, body: { ...membership, secret: 'x' }, headers }),
    ).toThrow(/does not match/);
    expect(() =>
      checker.check('PUT', '/user/users/{id}/membership', { status: 200, body: { ...membership, mfaOptOut: 'yes' }, headers }),
    ).toThrow(/does not match/);
    expect(() =>
      checker.check('PUT', '/user/users/{id}/membership', {
        status: 400,
        body: { error: 'BAD_USER_INPUT', message: 'x', field: 'foo' },
        headers,
      }),
    ).not.toThrow();
    expect(() => checker.check('PUT', '/user/users/{id}/membership', { status: 418, body: {}, headers })).toThrow(/does not list/);
  });
});
