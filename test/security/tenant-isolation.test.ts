import { Membership, User } from '../../src/entities';
import {
  asAdmin,
  asMember,
  createMember,
  createOrg,
  errorCode,
  signIn,
  startTestApp,
  testDbKind,
  type Principal,
  type TestApp,
  type TestMember,
} from '../support/harness';
import { CREATE_USER, UPDATE_USER, mailedToken } from '../support/accounts';
import type { Org } from '../../src/entities';

/**
 * Issue 11's attacks, rerun as written (the MFA burst across two processes is in
 * scale-out.test.ts): an admin of org B, and a plain member of org A, against a person who
 * belongs to org A. docs/product.md rules 3, 3a, 3b.
 */
describe(`tenant isolation at the account level: the attacks (${testDbKind()})`, () => {
  let app: TestApp;
  let orgA: Org;
  let orgB: Org;
  let adminA: Principal;
  let adminB: Principal;
  let ceo: TestMember;
  const ref = `A-CEO-${Date.now()}`;

  beforeAll(async () => {
    app = await startTestApp({ countQueries: true });
    orgA = await createOrg(app);
    orgB = await createOrg(app);
    adminA = await asAdmin(app, orgA);
    adminB = await asAdmin(app, orgB);
    ceo = await createMember(app, orgA, {
      email: `ceo-${Date.now()}@orga.test`,
      firstName: 'Carla',
      lastName: 'Chief',
      externalRef: ref,
      language: 'fr-CH',
    });
    await signIn(app, orgA, ceo.email);
  });
  afterAll(async () => {
    await app.stop();
  });

  const membershipIn = (org: Org, userId: number) => app.ds.getRepository(Membership).findOneByOrFail({ orgId: org.id, userId });

  it('1. createUser with the email of a person of A: the same answer, fields and work as an unknown address; nothing of A; no sign-in to B', async () => {
    const run = async (email: string) => {
      app.queries.length = 0;
      const started = Date.now();
      const r = await adminB.gql(CREATE_USER, { input: { email, firstName: 'Typed', lastName: 'ByB' } });
      // TypeORM writes row ids into its statements: the shape is what counts.
      return { r, statements: app.queries.map((q) => q.replace(/\b\d+\b/g, 'N')), started };
    };
    const known = await run(ceo.email);
    const unknown = await run(`never-seen-${Date.now()}@orga.test`);
    expect(known.r.errors).toBeUndefined();
    expect(unknown.r.errors).toBeUndefined();
    // The same work: statement for statement (what a timing difference would come from).
    expect(known.statements).toEqual(unknown.statements);
    const strip = (x: typeof known) => {
      const { user, ...rest } = x.r.data!.createUser;
      return { ...rest, user: { ...user, id: 'x', email: 'x', createdAt: 'x' }, activation: { ...rest.activation, expiresAt: 'x' } };
    };
    expect(strip(known)).toEqual(strip(unknown));
    const user = known.r.data!.createUser.user;
    expect(user).toMatchObject({
      firstName: 'Typed',
      lastName: 'ByB',
      externalRef: null,
      language: 'en-US',
      lastLoginAt: null,
      status: 'INVITED',
    });
    expect(new Date(user.createdAt).getTime()).toBeGreaterThanOrEqual(known.started - 1000);
    expect(JSON.stringify(known.r)).not.toMatch(/Carla|Chief|fr-CH|A-CEO|token"/);
    expect(Number(user.id)).not.toBe(ceo.user.id);
    // Not a member of B: the A password opens nothing there.
    expect(
      errorCode(
        await app.gql('mutation($o:String!,$e:String!,$p:String!){ signIn(input: { orgSlug:$o,email:$e,password:$p }){ token } }', {
          o: orgB.slug,
          e: ceo.email,
          p: ceo.password,
        }),
      ),
    ).toBe('UNAUTHENTICATED');
    // The person joins B by consent (their own password), to be used by the next attacks.
    const { token } = await mailedToken(app, 'invitation', ceo.email);
    const accepted = await app.gql(
      'mutation($t: String!, $p: String!) { activateAccount(input: { token: $t, password: $p }) { activated } }',
      {
        t: token,
        p: ceo.password,
      },
    );
    expect(accepted.data).toEqual({ activateAccount: { activated: true } });
  });

  it('2. B renames the shared person and sets a ref: A sees none of it, and A’s byRef on its own HR reference still works', async () => {
    const before = await membershipIn(orgA, ceo.user.id);
    const r = await adminB.gql(UPDATE_USER, {
      input: { userId: String(ceo.user.id), firstName: 'Renamed', lastName: 'ByOrgB', externalRef: 'B-OWNED' },
    });
    expect(r.data!.updateUser.user).toMatchObject({ firstName: 'Renamed', lastName: 'ByOrgB', externalRef: 'B-OWNED' });
    expect(await membershipIn(orgA, ceo.user.id)).toEqual(before);
    const inA = await adminA.http('GET', `/user/users/${encodeURIComponent(ref)}?byRef=true`);
    expect(inA.status).toBe(200);
    expect(inA.body).toMatchObject({ id: ceo.user.id, firstName: 'Carla', lastName: 'Chief', externalRef: ref, language: 'fr-CH' });
    const gqlA = await adminA.gql('query($r: String) { user(externalRef: $r) { firstName } }', { r: ref });
    expect(gqlA.data!.user.firstName).toBe('Carla');
    // B's own reference resolves in B only.
    expect((await adminA.http('GET', '/user/users/B-OWNED?byRef=true')).status).toBe(404);
    expect((await adminB.http('GET', '/user/users/B-OWNED?byRef=true')).body.id).toBe(ceo.user.id);
  });

  it('3. B cannot probe A’s references or addresses: a ref A uses and an unused one answer alike; so do a taken and a free email', async () => {
    const probe = await createMember(app, orgB);
    const usedByA = await adminB.http('PUT', `/user/users/${probe.user.id}`, { body: { externalRef: ref } });
    const unused = await adminB.http('PUT', `/user/users/${probe.user.id}`, { body: { externalRef: `unused-${Date.now()}` } });
    expect([usedByA.status, unused.status]).toEqual([200, 200]);
    const takenEmail = await adminB.gql(UPDATE_USER, { input: { userId: String(probe.user.id), email: adminA.email } });
    const freeEmail = await adminB.gql(UPDATE_USER, { input: { userId: String(probe.user.id), email: `free-${Date.now()}@orga.test` } });
    expect(takenEmail.errors).toBeUndefined();
    expect(takenEmail.data).toEqual(freeEmail.data);
    // Nothing moved on the account; A's reference is still A's.
    expect((await app.ds.getRepository(User).findOneByOrFail({ id: probe.user.id })).email).toBe(probe.email);
    expect((await membershipIn(orgA, ceo.user.id)).externalRef).toBe(ref);
  });

  it('4. a sign-in to A is A’s: B’s lastLoginAt for the person does not move', async () => {
    const seen = async () =>
      (await adminB.gql('query($id: ID) { user(id: $id) { lastLoginAt } }', { id: String(ceo.user.id) })).data!.user.lastLoginAt as
        string | null;
    const inB = await seen();
    await signIn(app, orgA, ceo.email);
    expect(await seen()).toBe(inB);
    const a = (await adminA.gql('query($id: ID) { user(id: $id) { lastLoginAt } }', { id: String(ceo.user.id) })).data!.user.lastLoginAt;
    expect(new Date(a).getTime()).toBeGreaterThan(Date.now() - 60_000);
    if (inB !== null) {
      expect(new Date(a).getTime()).toBeGreaterThan(new Date(inB).getTime());
    }
  });

  it('5. a non-admin member asking for a person by externalRef: FORBIDDEN on REST as on GraphQL, for any reference', async () => {
    const member = await asMember(app, orgA);
    const rest = await member.http('GET', `/user/users/${encodeURIComponent(ref)}?byRef=true`);
    const restUnknown = await member.http('GET', '/user/users/no-such-ref?byRef=true');
    const gql = await member.gql('query($r: String) { user(externalRef: $r) { id firstName } }', { r: ref });
    expect(rest.status).toBe(403);
    expect({ ...restUnknown.body, requestId: undefined }).toEqual({ ...rest.body, requestId: undefined });
    expect(JSON.stringify(rest.body)).not.toMatch(/Carla|Chief/);
    expect(errorCode(gql)).toBe('FORBIDDEN');
    expect(gql.errors![0].message).toBe(rest.body.message);
  });

  describe('7. names are clean text, on both doors', () => {
    const rawPut = (p: Principal, path: string, body: Buffer) =>
      fetch(`${app.url}${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
        body,
      });
    const rawGql = (p: Principal, body: Buffer) =>
      fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
        body,
      });

    it('invalid UTF-8 in a JSON body is a 400 naming the field, and nothing is stored (not U+FFFD)', async () => {
      const t = await createMember(app, orgA, { firstName: 'Clean' });
      const bytes = Buffer.concat([Buffer.from('{"firstName":"'), Buffer.from([0xff, 0xfe]), Buffer.from('A"}')]);
      const rest = await rawPut(adminA, `/user/users/${t.user.id}`, bytes);
      expect(rest.status).toBe(400);
      expect(await rest.json()).toMatchObject({ error: 'BAD_USER_INPUT', field: 'firstName' });
      const query = `mutation($i: UpdateUserInput!) { updateUser(input: $i) { user { firstName } } }`;
      const gqlBytes = Buffer.concat([
        Buffer.from(
          JSON.stringify({ query, variables: { i: { userId: String(t.user.id), firstName: '' } } }).replace('"firstName":""', '"firstName":"'),
        ),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('A"}}}'),
      ]);
      const gql = await rawGql(adminA, gqlBytes);
      expect(gql.status).toBe(400);
      const body = (await gql.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
      expect(body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'firstName' });
      expect((await membershipIn(orgA, t.user.id)).firstName).toBe('Clean');
    });

    it('controls, bidi overrides and isolates are refused; names are stored NFC', async () => {
      const t = await createMember(app, orgA, { firstName: 'Plain' });
      for (const bad of ['Eve\u202Enimda', 'a\u2066b', 'line\u0085break', 'tab\there', 'x\uFFFDy']) {
        const rest = await adminA.http('PUT', `/user/users/${t.user.id}`, { body: { firstName: bad } });
        expect({ bad, status: rest.status, field: rest.body.field }).toEqual({ bad, status: 400, field: 'firstName' });
        const gql = await adminA.gql(UPDATE_USER, { input: { userId: String(t.user.id), firstName: bad } });
        expect({ bad, e: gql.errors?.[0]?.extensions }).toEqual({ bad, e: { code: 'BAD_USER_INPUT', field: 'firstName' } });
        const created = await adminA.gql(CREATE_USER, {
          input: { email: `bidi-${Date.now()}@example.test`, firstName: 'Ok', lastName: bad },
        });
        expect({ bad, e: created.errors?.[0]?.extensions }).toEqual({ bad, e: { code: 'BAD_USER_INPUT', field: 'lastName' } });
      }
      expect((await membershipIn(orgA, t.user.id)).firstName).toBe('Plain');
      const decomposed = 'Rene\u0301e';
      const r = await adminA.http('PUT', `/user/users/${t.user.id}`, { body: { firstName: decomposed } });
      expect(r.body.firstName).toBe('Ren\u00e9e');
      expect(await membershipIn(orgA, t.user.id)).toMatchObject({
        firstName: 'Ren\u00e9e',
        fullNameKey: expect.stringMatching(/^ren\u00e9e /),
      });
    });
  });
});
