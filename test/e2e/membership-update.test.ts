import { type Membership } from '../../src/entities';
import { asAdmin, asMember, createMember, createOrg, errorCode, useTestApp, testDbKind, auditRows } from '../support/harness';
import { counters, ctxOf, membershipRow, updateMembership, withoutBookkeeping } from '../support/membership';

// Several requests per test on a shared 2-core machine: the default 5 s is too tight.
jest.setTimeout(60_000);

const ACTION = 'membership.update';

describe(`updateMembership: partial update and rules (${testDbKind()})`, () => {
  const app = useTestApp();

  it('the seed case: {mfaOptOut: true} alone changes only the opt-out (and its bookkeeping), audited with the notice', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const m = await createMember(app, org, {
      allAccess: true,
      portalAccess: true,
      excludeFromMembershipCount: true,
      hasAdvancedPermissions: true,
    });
    const before = await membershipRow(app, m.membership.id);

    const r = await updateMembership(admin, m.user.id, { mfaOptOut: true });
    expect(r.errors).toBeUndefined();
    expect(r.data!.updateMembership.membership).toMatchObject({
      mfaOptOut: true,
      isActive: true,
      allAccess: true,
      version: before.version + 1,
    });

    const after = await membershipRow(app, m.membership.id);
    expect(after.mfaOptOutAt).toBeInstanceOf(Date);
    expect(after.mfaOptOutByUserId).toBe(admin.user.id);
    expect(withoutBookkeeping(after)).toEqual({
      ...withoutBookkeeping(before),
      mfaOptOut: true,
      mfaOptOutAt: after.mfaOptOutAt,
      mfaOptOutByUserId: admin.user.id,
    });
    expect(after.version).toBe(before.version + 1);

    const audit = await auditRows(app, { action: ACTION, targetUserId: m.user.id });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 'success', actorUserId: admin.user.id });
    expect(Object.keys(audit[0].changes!).sort()).toEqual(['mfaOptOut', 'mfaOptOutAt', 'mfaOptOutByUserId']);
    expect(audit[0].changes!.mfaOptOut).toEqual({ before: false, after: true });

    const notices: Array<{ kind: string }> = await app.ds.query('SELECT kind FROM notification_outbox WHERE userId = ?', [m.user.id]);
    expect(notices.map((n) => n.kind)).toEqual(['mfa_opt_out_granted']);
  });

  it.each([
    ['isActive', false],
    ['isAdmin', true],
    ['allAccess', true],
    ['portalAccess', true],
    ['mfaOptOut', true],
    ['excludeFromMembershipCount', true],
    ['hasAdvancedPermissions', true],
  ])('%s can be changed alone; nothing else moves', async (field, value) => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const m = await createMember(app, org);
    const before = await membershipRow(app, m.membership.id);
    const r = await updateMembership(admin, m.user.id, { [field]: value });
    expect(r.errors).toBeUndefined();
    expect(r.data!.updateMembership.membership[field]).toBe(value);
    const after = await membershipRow(app, m.membership.id);
    const expected: Partial<Membership> = { ...withoutBookkeeping(before), [field]: value };
    if (field === 'mfaOptOut') {
      Object.assign(expected, { mfaOptOutAt: after.mfaOptOutAt, mfaOptOutByUserId: admin.user.id });
    }
    expect(withoutBookkeeping(after)).toEqual(expected);
    expect(after.version).toBe(before.version + 1);
    const c = await counters(app, org.id);
    expect(c.stored).toEqual(c.recounted);
  });

  it('mfaOptOutUntil and mfaOptOutReason can be set on an opted-out member, and turning the opt-out off clears them', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const m = await createMember(app, org);
    expect((await updateMembership(admin, m.user.id, { mfaOptOut: true })).errors).toBeUndefined();
    const until = new Date(Date.now() + 7 * 86400_000);
    until.setUTCMilliseconds(0);
    const r = await updateMembership(admin, m.user.id, { mfaOptOutUntil: until.toISOString() });
    expect(r.errors).toBeUndefined();
    expect(new Date(r.data!.updateMembership.membership.mfaOptOutUntil).getTime()).toBe(until.getTime());
    const r2 = await updateMembership(admin, m.user.id, { mfaOptOutReason: '  Travelling without a phone ' });
    expect(r2.data!.updateMembership.membership.mfaOptOutReason).toBe('Travelling without a phone');
    const row = await membershipRow(app, m.membership.id);
    expect(row.mfaOptOutUntil!.getTime()).toBe(until.getTime());

    const off = await updateMembership(admin, m.user.id, { mfaOptOut: false });
    expect(off.errors).toBeUndefined();
    const cleared = await membershipRow(app, m.membership.id);
    expect(cleared).toMatchObject({
      mfaOptOut: false,
      mfaOptOutUntil: null,
      mfaOptOutReason: null,
      mfaOptOutAt: null,
      mfaOptOutByUserId: null,
    });
    const audit = await auditRows(app, { action: ACTION, targetUserId: m.user.id });
    expect(audit).toHaveLength(4);
    expect(audit[3].changes!.mfaOptOutReason).toEqual({ before: 'Travelling without a phone', after: null });
  });

  it('bad input is BAD_USER_INPUT naming the field, and changes nothing', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const m = await createMember(app, org);
    const before = await membershipRow(app, m.membership.id);
    const cases: Array<[Record<string, unknown>, string | undefined]> = [
      [{ isActive: null }, 'isActive'],
      [{ mfaOptOut: true, mfaOptOutUntil: new Date(Date.now() - 60_000).toISOString() }, 'mfaOptOutUntil'],
      [{ mfaOptOut: true, mfaOptOutReason: 'x'.repeat(501) }, 'mfaOptOutReason'],
      [{ mfaOptOut: true, mfaOptOutReason: 'line one\nline two' }, 'mfaOptOutReason'],
      [{ mfaOptOutUntil: new Date(Date.now() + 86400_000).toISOString() }, 'mfaOptOutUntil'],
      [{ mfaOptOut: false, mfaOptOutReason: 'why' }, 'mfaOptOutReason'],
    ];
    for (const [input, field] of cases) {
      const r = await updateMembership(admin, m.user.id, input);
      expect({ input, code: errorCode(r), field: r.errors?.[0]?.extensions?.field }).toEqual({ input, code: 'BAD_USER_INPUT', field });
    }
    // GraphQL itself rejects fields the input type does not have (rule 18) and wrong types.
    for (const input of [{ passwordHash: 'x' }, { isActive: 'yes' }, { mfaOptOutUntil: 'not a date' }]) {
      expect(errorCode(await updateMembership(admin, m.user.id, input))).toBe('BAD_USER_INPUT');
    }
    expect(await membershipRow(app, m.membership.id)).toEqual(before);
    expect(await auditRows(app, { action: ACTION, targetUserId: m.user.id })).toEqual([]);
  });

  it('the service itself rejects unknown keys, wrong types and nulls (what the REST shim relies on)', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const m = await createMember(app, org);
    const ctx = await ctxOf(app, admin);
    const svc = app.server.services.membership;
    const cases: Array<[unknown, string]> = [
      [{ mfaOptOut: true, passwordHash: 'x' }, 'passwordHash'],
      [{ orgId: 999 }, 'orgId'],
      [{ version: 7 }, 'version'],
      [{ isActive: 'true' }, 'isActive'],
      [{ isAdmin: 1 }, 'isAdmin'],
      [{ allAccess: null }, 'allAccess'],
      [{ mfaOptOut: true, mfaOptOutUntil: '2999-01-01' }, 'mfaOptOutUntil'],
      [{ mfaOptOut: true, mfaOptOutReason: 42 }, 'mfaOptOutReason'],
      [[{ mfaOptOut: true }], 'input'],
      ['{"mfaOptOut": true}', 'input'],
    ];
    for (const [patch, field] of cases) {
      await expect(svc.updateMembership(ctx, { id: m.user.id }, patch)).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field },
      });
    }
    await expect(svc.updateMembership(ctx, { id: m.user.id }, { allAccess: true }, 0)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'version' },
    });
    expect((await membershipRow(app, m.membership.id)).version).toBe(1);
    // And the good path through the same method, by externalRef (REST byRef=true).
    const withRef = await createMember(app, org, { externalRef: `ext-${Date.now()}` });
    const updated = await svc.updateMembership(ctx, { externalRef: withRef.membership.externalRef! }, { mfaOptOut: true }, 1);
    expect(updated).toMatchObject({ userId: withRef.user.id, mfaOptOut: true, version: 2 });
  });

  it('a non-admin is FORBIDDEN and audited, through GraphQL and through the service', async () => {
    const org = await createOrg(app);
    await asAdmin(app, org);
    const member = await asMember(app, org);
    const target = await createMember(app, org);
    const before = await membershipRow(app, target.membership.id);
    expect(errorCode(await updateMembership(member, target.user.id, { mfaOptOut: true }))).toBe('FORBIDDEN');
    await expect(
      app.server.services.membership.updateMembership(await ctxOf(app, member), { id: target.user.id }, { mfaOptOut: true }),
    ).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(await membershipRow(app, target.membership.id)).toEqual(before);
    const denied = (await auditRows(app, { orgId: org.id })).filter((a) => a.outcome === 'FORBIDDEN' && a.actorUserId === member.user.id);
    expect(denied.map((a) => a.action).sort()).toEqual(['graphql.Mutation.updateMembership', ACTION]);
    expect(denied.find((a) => a.action === ACTION)!.targetUserId).toBe(target.user.id);
  });

  it("another org's member and a user who does not exist are the same NOT_FOUND; the target is unchanged", async () => {
    const org = await createOrg(app);
    const other = await createOrg(app);
    const admin = await asAdmin(app, org);
    const stranger = await createMember(app, other);
    const before = await membershipRow(app, stranger.membership.id);
    const a = await updateMembership(admin, stranger.user.id, { isActive: false });
    const b = await updateMembership(admin, 987654321, { isActive: false });
    const c = await updateMembership(admin, 'not-a-number', { isActive: false });
    expect(errorCode(a)).toBe('NOT_FOUND');
    expect({ code: errorCode(b), message: b.errors?.[0]?.message }).toEqual({ code: 'NOT_FOUND', message: a.errors![0].message });
    // An id that is not an id is bad input, as for every other operation taking one (one id parser).
    expect(c.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
    expect(await membershipRow(app, stranger.membership.id)).toEqual(before);
    const c2 = await counters(app, other.id);
    expect(c2.stored).toEqual(c2.recounted);
  });

  it('an admin cannot change their own isAdmin, isActive or MFA opt-out (FORBIDDEN, audited); other own flags are fine', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    await asAdmin(app, org); // a second admin, so "last admin" is not what refuses
    const before = await membershipRow(app, admin.membership.id);
    for (const input of [{ isAdmin: false }, { isActive: false }, { mfaOptOut: true }, { allAccess: true, isActive: false }]) {
      const r = await updateMembership(admin, admin.user.id, input);
      expect({ input, code: errorCode(r) }).toEqual({ input, code: 'FORBIDDEN' });
    }
    expect(await membershipRow(app, admin.membership.id)).toEqual(before);
    const denied = (await auditRows(app, { action: ACTION, targetUserId: admin.user.id })).filter((a) => a.outcome === 'FORBIDDEN');
    expect(denied).toHaveLength(4);
    // Same values are a no-op (the legacy full body), and the other flags can be changed.
    const ok = await updateMembership(admin, admin.user.id, { isAdmin: true, isActive: true, mfaOptOut: false, allAccess: true });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.updateMembership.membership).toMatchObject({
      isAdmin: true,
      isActive: true,
      allAccess: true,
      version: before.version + 1,
    });
    expect((await admin.gql('{ me { membership { isAdmin } } }')).data?.me.membership.isAdmin).toBe(true);
  });

  it('isAdmin and hasAdvancedPermissions are never both true (BAD_USER_INPUT naming the field sent)', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const adv = await createMember(app, org, { hasAdvancedPermissions: true });
    const otherAdmin = await createMember(app, org, { isAdmin: true });
    const a = await updateMembership(admin, adv.user.id, { isAdmin: true });
    expect([errorCode(a), a.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'isAdmin']);
    const b = await updateMembership(admin, otherAdmin.user.id, { hasAdvancedPermissions: true });
    expect([errorCode(b), b.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'hasAdvancedPermissions']);
    expect((await membershipRow(app, adv.membership.id)).isAdmin).toBe(false);
    expect((await membershipRow(app, otherAdmin.membership.id)).hasAdvancedPermissions).toBe(false);
    // Swapping both in one patch is allowed.
    const c = await updateMembership(admin, adv.user.id, { isAdmin: true, hasAdvancedPermissions: false });
    expect(c.data?.updateMembership.membership).toMatchObject({ isAdmin: true, hasAdvancedPermissions: false });
  });

  it('seat limit: enabling a counted member at licensedSeats is SEAT_LIMIT_REACHED and changes nothing; counters stay right', async () => {
    const org = await createOrg(app, { licensedSeats: 2 });
    const admin = await asAdmin(app, org);
    await createMember(app, org);
    const waiting = await createMember(app, org, { isActive: false });
    const excluded = await createMember(app, org, { isActive: false, excludeFromMembershipCount: true });
    const before = await membershipRow(app, waiting.membership.id);
    const countersBefore = await counters(app, org.id);
    expect(countersBefore.stored).toEqual([2, 2, 2]);

    const r = await updateMembership(admin, waiting.user.id, { isActive: true, allAccess: true });
    expect(errorCode(r)).toBe('SEAT_LIMIT_REACHED');
    expect(await membershipRow(app, waiting.membership.id)).toEqual(before);
    expect(await counters(app, org.id)).toEqual(countersBefore);
    expect(await auditRows(app, { action: ACTION, targetUserId: waiting.user.id })).toEqual([]);

    // An excluded member does not take a seat...
    const ok = await updateMembership(admin, excluded.user.id, { isActive: true });
    expect(ok.errors).toBeUndefined();
    let c = await counters(app, org.id);
    expect(c.stored).toEqual([3, 1, 2]);
    expect(c.stored).toEqual(c.recounted);
    // ...until it is counted again.
    expect(errorCode(await updateMembership(admin, excluded.user.id, { excludeFromMembershipCount: false }))).toBe('SEAT_LIMIT_REACHED');
    // Excluding a counted member frees a seat for the waiting one.
    expect((await updateMembership(admin, admin.user.id, { excludeFromMembershipCount: true })).errors).toBeUndefined();
    expect((await updateMembership(admin, waiting.user.id, { isActive: true })).errors).toBeUndefined();
    c = await counters(app, org.id);
    expect(c.stored).toEqual([4, 0, 2]);
    expect(c.stored).toEqual(c.recounted);
  });

  it('a stale version is CONFLICT and writes nothing; the current version succeeds', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const m = await createMember(app, org);
    expect((await updateMembership(admin, m.user.id, { allAccess: true }, 1)).data?.updateMembership.membership.version).toBe(2);
    const before = await membershipRow(app, m.membership.id);
    const stale = await updateMembership(admin, m.user.id, { portalAccess: true }, 1);
    expect(errorCode(stale)).toBe('CONFLICT');
    expect(await membershipRow(app, m.membership.id)).toEqual(before);
    expect(await auditRows(app, { action: ACTION, targetUserId: m.user.id })).toHaveLength(1);
    const fresh = await updateMembership(admin, m.user.id, { portalAccess: true }, 2);
    expect(fresh.data?.updateMembership.membership).toMatchObject({ portalAccess: true, version: 3 });
  });

  it('a no-op (same values) writes nothing: no audit row, same version, same updatedAt', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const m = await createMember(app, org, { allAccess: true });
    const before = await membershipRow(app, m.membership.id);
    const r = await updateMembership(admin, m.user.id, { allAccess: true, isActive: true, mfaOptOut: false, mfaOptOutReason: null });
    expect(r.errors).toBeUndefined();
    expect(r.data!.updateMembership.membership.version).toBe(before.version);
    expect(await membershipRow(app, m.membership.id)).toEqual(before);
    expect(await auditRows(app, { action: ACTION, targetUserId: m.user.id })).toEqual([]);
    const empty = await updateMembership(admin, m.user.id, {});
    expect(empty.data!.updateMembership.membership.version).toBe(before.version);
  });

  it("deactivation revokes the member's sessions at once (next request UNAUTHENTICATED)", async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const m = await asMember(app, org);
    expect(errorCode(await m.gql('{ me { user { id } } }'))).toBeUndefined();
    expect((await updateMembership(admin, m.user.id, { isActive: false })).errors).toBeUndefined();
    expect(errorCode(await m.gql('{ me { user { id } } }'))).toBe('UNAUTHENTICATED');
    const revoked: Array<{ n: unknown }> = await app.ds.query(
      'SELECT COUNT(*) AS n FROM sessions WHERE membershipId = ? AND revokedAt IS NOT NULL',
      [m.membership.id],
    );
    expect(Number(revoked[0].n)).toBe(1);
  });

  it('losing admin revokes the sessions; signed in again, the member is no longer an admin', async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const other = await asAdmin(app, org);
    const target = await createMember(app, org);
    expect(errorCode(await updateMembership(other, target.user.id, { allAccess: true }))).toBeUndefined();
    expect((await updateMembership(admin, other.user.id, { isAdmin: false })).errors).toBeUndefined();
    expect(errorCode(await updateMembership(other, target.user.id, { portalAccess: true }))).toBe('UNAUTHENTICATED');
    const s = await app.gql<{ signIn: { token: string } }>(
      'mutation($o: String!, $e: String!, $p: String!) { signIn(input: { orgSlug: $o, email: $e, password: $p }) { token } }',
      { o: org.slug, e: other.email, p: other.password },
    );
    const token = s.data!.signIn.token;
    expect(
      errorCode(
        await app.gql(
          'mutation($u: ID!) { updateMembership(input: { userId: $u, portalAccess: true }) { membership { id } } }',
          { u: String(target.user.id) },
          token,
        ),
      ),
    ).toBe('FORBIDDEN');
  });

  it("Membership fields are admin-or-self: a member reads their own through me, never another member's through the mutation", async () => {
    const org = await createOrg(app);
    const admin = await asAdmin(app, org);
    const member = await asMember(app, org);
    const q = '{ me { membership { isAdmin mfaOptOut version } } }';
    expect((await member.gql(q)).data?.me.membership).toEqual({ isAdmin: false, mfaOptOut: false, version: 1 });
    const r = await member.gql('mutation($u: ID!) { updateMembership(input: { userId: $u }) { membership { mfaOptOut } } }', {
      u: String(admin.user.id),
    });
    expect(errorCode(r)).toBe('FORBIDDEN');
    expect(r.data).toBeNull();
  });
});
