import { IMPERSONATE } from '../support/accounts';
import { asAdmin, asMember, createOrg, errorCode, useTestApp, testDbKind, auditRows } from '../support/harness';

/** Rule 22 across features: an impersonation session may not touch MFA, passwords or admin operations. */
describe(`impersonation vs MFA and admin operations (${testDbKind()})`, () => {
  const app = useTestApp();

  it('refuses every MFA, password and admin operation under impersonation, audits the refusals naming both people, and changes nothing', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const member = await asMember(app, org);
    const other = await asMember(app, org);
    const r = await admin.gql(IMPERSONATE, { id: String(member.user.id) });
    const token = r.data!.impersonate.token as string;

    const attempts: Array<[string, Record<string, unknown>]> = [
      ['mutation { generateMfaTempSecret { tempSecret { secret } } }', {}],
      ['mutation { validateMfaCode(input: { code: "123456" }) { recoveryCodes } }', {}],
      ['mutation { regenerateRecoveryCodes(input: { code: "123456" }) { recoveryCodes } }', {}],
      [
        'mutation($p: String!) { changePassword(input: { currentPassword: $p, newPassword: "a-brand-new-passphrase-7" }) { passwordChanged } }',
        { p: member.password },
      ],
      ['mutation($id: ID!) { resetMfa(input: { userId: $id }) { reset } }', { id: String(other.user.id) }],
      [
        'mutation($id: ID!) { updateMembership(input: { userId: $id, mfaOptOut: true }) { membership { mfaOptOut } } }',
        { id: String(other.user.id) },
      ],
      ['mutation($id: ID!) { impersonate(input: { userId: $id }) { token } }', { id: String(other.user.id) }],
      ['mutation { setOrgMfaRequired(input: { required: true }) { org { mfaRequired } } }', {}],
    ];
    for (const [query, vars] of attempts) {
      const res = await app.gql(query, vars, token);
      expect({ query, code: errorCode(res) }).toEqual({ query, code: 'FORBIDDEN' });
    }
    const factors: Array<{ n: unknown }> = await app.ds.query('SELECT COUNT(*) AS n FROM mfa_factors');
    expect(Number(factors[0].n)).toBe(0);
    const optOut: Array<{ mfaOptOut: unknown }> = await app.ds.query('SELECT mfaOptOut FROM memberships WHERE userId = ?', [other.user.id]);
    expect(Number(optOut[0].mfaOptOut)).toBe(0);
    const denied = await auditRows(app, { actorUserId: member.user.id, outcome: 'FORBIDDEN' });
    expect(denied.length).toBeGreaterThanOrEqual(attempts.length);
    expect(denied.every((d) => d.impersonatorUserId === admin.user.id)).toBe(true);
    // The member's own password still works: nothing was changed under impersonation.
    const me = await member.gql('{ me { user { id } } }');
    expect(me.data?.me.user.id).toBe(String(member.user.id));
  });
});
