import { asAdmin, asMember, createMember, createOrg, startTestApp, testDbKind, type TestApp } from '../support/harness';
import { IMPERSONATE } from '../support/accounts';

/**
 * Null where a field can fail (issue 15): an admin-only field of a member is nullable, so a refusal
 * nulls that one field and its FORBIDDEN error points at it; the list and its other fields stay.
 */
describe(`schema: a refused field nulls itself alone (${testDbKind()})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  it("a member's list with email: every name, their own email, one FORBIDDEN per other member's email at its path", async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org, { firstName: 'Ada', lastName: 'Admin' });
    const other = await createMember(app, org, { firstName: 'Olga', lastName: 'Other' });
    const member = await asMember(app, org, { firstName: 'Mia', lastName: 'Member' });

    const r = await member.gql<{ users: { nodes: Array<{ id: string; firstName: string; email: string | null }> } }>(
      '{ users(first: 10) { nodes { id firstName email } } }',
    );
    expect(r.status).toBe(200);
    // LAST_NAME order: Admin, Member, Other.
    expect(r.data!.users.nodes).toEqual([
      { id: String(admin.user.id), firstName: 'Ada', email: null },
      { id: String(member.user.id), firstName: 'Mia', email: member.email },
      { id: String(other.user.id), firstName: 'Olga', email: null },
    ]);
    expect(r.errors).toHaveLength(2);
    expect(r.errors!.map((e) => [e.extensions?.code, (e.path ?? []).join('.')]).sort()).toEqual([
      ['FORBIDDEN', 'users.nodes.0.email'],
      ['FORBIDDEN', 'users.nodes.2.email'],
    ]);

    // An admin asking the same gets every email and no error.
    const a = await admin.gql<{ users: { nodes: Array<{ email: string | null }> } }>(
      '{ users(first: 10) { nodes { id firstName email } } }',
    );
    expect(a.errors).toBeUndefined();
    expect(a.data!.users.nodes.map((n) => n.email)).toEqual([admin.email, member.email, other.email]);
  });

  it('object and list fields too: membership, roles and mfaEnrolled of another member null alone, the siblings stay', async () => {
    const org = await createOrg(app);
    const other = await createMember(app, org, { firstName: 'Olga', lastName: 'Other' });
    const member = await asMember(app, org, { firstName: 'Mia', lastName: 'Member' });
    const r = await member.gql<{ me: { user: { id: string } }; users: { nodes: Array<Record<string, unknown>> } }>(
      '{ me { user { id } } users(first: 10, search: "olga") { nodes { id lastName membership { isActive } roles { id } mfaEnrolled } } }',
    );
    expect(r.data).toEqual({
      me: { user: { id: String(member.user.id) } },
      users: { nodes: [{ id: String(other.user.id), lastName: 'Other', membership: null, roles: null, mfaEnrolled: null }] },
    });
    expect(r.errors!.map((e) => [e.extensions?.code, (e.path ?? []).join('.')]).sort()).toEqual([
      ['FORBIDDEN', 'users.nodes.0.membership'],
      ['FORBIDDEN', 'users.nodes.0.mfaEnrolled'],
      ['FORBIDDEN', 'users.nodes.0.roles'],
    ]);
  });

  it("under impersonation, me.impersonator shows the admin's id and names; their email is refused at its own path", async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org, { firstName: 'Ima' });
    const member = await asMember(app, org, { firstName: 'Target' });
    const imp = await admin.gql<{ impersonate: { token: string } }>(IMPERSONATE, { id: String(member.user.id) });
    expect(imp.errors).toBeUndefined();

    const r = await app.gql<{ me: { user: { id: string; email: string }; impersonator: Record<string, unknown> } }>(
      '{ me { user { id email } impersonator { id firstName email } } }',
      {},
      imp.data!.impersonate.token,
    );
    expect(r.data!.me).toEqual({
      // The session acts as the member: their own email is theirs to read.
      user: { id: String(member.user.id), email: member.email },
      // The admin behind it is another member, seen as the member sees any other one.
      impersonator: { id: String(admin.user.id), firstName: 'Ima', email: null },
    });
    expect(r.errors!.map((e) => [e.extensions?.code, e.path])).toEqual([['FORBIDDEN', ['me', 'impersonator', 'email']]]);

    // Without impersonation the same question has no impersonator and no error.
    const own = await member.gql('{ me { user { id email } impersonator { id firstName email } } }');
    expect(own.errors).toBeUndefined();
    expect(own.data!.me.impersonator).toBeNull();
  });
});
