import {
  asAdmin,
  asMember,
  createMember,
  createOrg,
  errorCode,
  signIn,
  startTestApp,
  testDbKind,
  type TestApp,
  auditRows,
  fakeDateOnly,
} from '../support/harness';
import { ctxOf, membershipRow, updateMembership } from '../support/membership';

jest.setTimeout(60_000);

const SET_MFA = 'mutation($r: Boolean!) { setOrgMfaRequired(input: { required: $r }) { org { slug mfaRequired } } }';
const EXEMPTIONS =
  '{ mfaExemptions { nodes { user { id firstName lastName } since grantedByUserId grantedBy { id } until reason effective } } }';
const HOUR = 3600_000;

describe(`MFA opt-out administration (${testDbKind()})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    jest.useRealTimers();
    await app.stop();
  });

  it('setOrgMfaRequired is admin only and audited; setting the current value records nothing', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const member = await asMember(app, org);
    expect(errorCode(await member.gql(SET_MFA, { r: true }))).toBe('FORBIDDEN');
    await expect(app.server.services.membership.setOrgMfaRequired(await ctxOf(app, member), true)).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    const denied = (await auditRows(app, { orgId: org.id })).filter((a) => a.outcome === 'FORBIDDEN');
    expect(denied.map((a) => a.action).sort()).toEqual(['graphql.Mutation.setOrgMfaRequired', 'org.set_mfa_required']);

    const on = await admin.gql(SET_MFA, { r: true });
    expect(on.data?.setOrgMfaRequired.org).toEqual({ slug: org.slug, mfaRequired: true });
    expect((await admin.gql(SET_MFA, { r: true })).data?.setOrgMfaRequired.org.mfaRequired).toBe(true);
    const changes = (await auditRows(app, { action: 'org.set_mfa_required', orgId: org.id })).filter((a) => a.outcome === 'success');
    expect(changes).toEqual([
      expect.objectContaining({ actorUserId: admin.user.id, changes: { mfaRequired: { before: false, after: true } } }),
    ]);
    // The REST shim passes its own field name for the same check.
    await expect(app.server.services.membership.setOrgMfaRequired(await ctxOf(app, admin), 'yes', 'enabled')).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'enabled' },
    });
    expect((await admin.gql(SET_MFA, { r: false })).data?.setOrgMfaRequired.org.mfaRequired).toBe(false);
    expect((await auditRows(app, { action: 'org.set_mfa_required', orgId: org.id })).filter((a) => a.outcome === 'success')).toHaveLength(
      2,
    );
  });

  it('sign-in respects opt-outs in an enforcing org; an opt-out past mfaOptOutUntil is enforcement again; mfaExemptions reports them', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org, { firstName: 'Grace' });
    const forever = await createMember(app, org, { firstName: 'Forever' });
    const temporary = await createMember(app, org, { firstName: 'Temporary' });
    const enforced = await createMember(app, org, { firstName: 'Enforced' });
    const t0 = Date.now();
    const until = new Date(Math.ceil((t0 + HOUR) / 1000) * 1000);

    expect((await updateMembership(admin, forever.user.id, { mfaOptOut: true })).errors).toBeUndefined();
    const r = await updateMembership(admin, temporary.user.id, {
      mfaOptOut: true,
      mfaOptOutUntil: until.toISOString(),
      mfaOptOutReason: 'Lost phone',
    });
    expect(r.errors).toBeUndefined();
    expect((await admin.gql(SET_MFA, { r: true })).errors).toBeUndefined();

    expect((await signIn(app, org, forever.email)).status).toBe('SIGNED_IN');
    expect((await signIn(app, org, temporary.email)).status).toBe('SIGNED_IN');
    expect((await signIn(app, org, enforced.email)).status).toBe('MFA_ENROLLMENT_REQUIRED');

    const list = await admin.gql(EXEMPTIONS);
    expect(list.errors).toBeUndefined();
    const byName = Object.fromEntries(list.data!.mfaExemptions.nodes.map((e: any) => [e.user.firstName, e]));
    expect(Object.keys(byName).sort()).toEqual(['Forever', 'Temporary']);
    expect(byName.Temporary).toMatchObject({
      user: { id: String(temporary.user.id), lastName: 'User' },
      grantedByUserId: String(admin.user.id),
      grantedBy: { id: String(admin.user.id) },
      reason: 'Lost phone',
      effective: true,
    });
    expect(new Date(byName.Temporary.until).getTime()).toBe(until.getTime());
    expect(Math.abs(new Date(byName.Temporary.since).getTime() - t0)).toBeLessThan(60_000);
    expect(byName.Forever).toMatchObject({ until: null, reason: null, effective: true });

    fakeDateOnly(new Date(t0 + 2 * HOUR));
    try {
      expect((await signIn(app, org, temporary.email)).status).toBe('MFA_ENROLLMENT_REQUIRED');
      expect((await signIn(app, org, forever.email)).status).toBe('SIGNED_IN');
      const later = await admin.gql(EXEMPTIONS);
      const t = later.data!.mfaExemptions.nodes.find((e: any) => e.user.firstName === 'Temporary');
      expect(t.effective).toBe(false);

      // {"mfaOptOut": true} alone on an expired opt-out grants it again, without an end date.
      const again = await updateMembership(admin, temporary.user.id, { mfaOptOut: true });
      expect(again.errors).toBeUndefined();
      expect(again.data!.updateMembership.membership).toMatchObject({
        mfaOptOut: true,
        mfaOptOutUntil: null,
        mfaOptOutReason: 'Lost phone',
      });
      const row = await membershipRow(app, temporary.membership.id);
      expect(row.mfaOptOutAt!.getTime()).toBeGreaterThanOrEqual(t0 + 2 * HOUR - 1000);
      expect((await signIn(app, org, temporary.email)).status).toBe('SIGNED_IN');
      const notices: Array<{ kind: string }> = await app.ds.query('SELECT kind FROM notification_outbox WHERE userId = ? ORDER BY id', [
        temporary.user.id,
      ]);
      // The expired opt-out was told at the first sign-in after it ran out (rule 16b), once.
      expect(notices.map((n) => n.kind)).toEqual(['mfa_opt_out_granted', 'mfa_opt_out_expired', 'mfa_opt_out_granted']);
    } finally {
      jest.useRealTimers();
    }

    // Ending the opt-out is enforcement at the next sign-in, and it leaves the report.
    expect((await updateMembership(admin, forever.user.id, { mfaOptOut: false })).errors).toBeUndefined();
    expect((await signIn(app, org, forever.email)).status).toBe('MFA_ENROLLMENT_REQUIRED');
    const end = await admin.gql(EXEMPTIONS);
    expect(end.data!.mfaExemptions.nodes.map((e: any) => e.user.firstName)).toEqual(['Temporary']);
  });

  it('mfaExemptions is admin only and lists only this org', async () => {
    const org = await createOrg(app);
    const other = await createOrg(app);
    const admin = await asAdmin(app, org);
    const otherAdmin = await asAdmin(app, other);
    const m = await createMember(app, other);
    expect((await updateMembership(otherAdmin, m.user.id, { mfaOptOut: true })).errors).toBeUndefined();
    const member = await asMember(app, org);
    expect(errorCode(await member.gql(EXEMPTIONS))).toBe('FORBIDDEN');
    await expect(app.server.services.mfaExemptions.list(await ctxOf(app, member), {})).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
    expect((await admin.gql(EXEMPTIONS)).data?.mfaExemptions.nodes).toEqual([]);
    expect((await otherAdmin.gql(EXEMPTIONS)).data?.mfaExemptions.nodes.map((e: any) => e.user.id)).toEqual([String(m.user.id)]);
  });
});
