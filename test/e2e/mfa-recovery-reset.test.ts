import type { Org } from '../../src/entities';
import {
  asAdmin,
  asMember,
  createMember,
  createOrg,
  errorCode,
  signIn,
  startTestApp,
  testDbKind,
  withToken,
  type Principal,
  type TestApp,
  clock,
} from '../support/harness';
import {
  challenge,
  deniedCount,
  enroll,
  factorRow,
  GENERATE,
  ME_MFA,
  oathtool,
  REGENERATE,
  RESET,
  setOrgMfaRequired,
  VALIDATE,
  VERIFY,
} from '../support/mfa';
import { describeWithTools } from '../support/tools';

describeWithTools(['oathtool'], `MFA recovery codes and reset (${testDbKind()})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    clock.install();
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
    clock.uninstall();
  });

  /** An enforcing org with a signed-in admin (who signed in before enforcement was switched on). */
  async function enforcingOrgWithAdmin(): Promise<{ org: Org; admin: Principal }> {
    const org = await createOrg(app, { mfaRequired: false });
    const admin = await asAdmin(app, org);
    await setOrgMfaRequired(app, org, true);
    return { org, admin };
  }

  async function count(sql: string, params: unknown[]): Promise<number> {
    const rows: Array<{ n: number }> = await app.ds.query(sql, params);
    return Number(rows[0].n);
  }
  const outbox = (userId: number, kind: string): Promise<number> =>
    count('SELECT COUNT(*) AS n FROM notification_outbox WHERE userId = ? AND kind = ?', [userId, kind]);
  const successes = (action: string, targetUserId: number): Promise<number> =>
    count("SELECT COUNT(*) AS n FROM audit_events WHERE action = ? AND targetUserId = ? AND outcome = 'success'", [action, targetUserId]);

  it('ten recovery codes, each works once at verifyMfa (audited, notified, counted down)', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    const { recoveryCodes } = await enroll(app, org, m);
    for (const [i, code] of recoveryCodes.entries()) {
      const c = await challenge(app, org, m);
      // Case and dashes do not matter.
      const typed = i % 2 === 0 ? code : code.toUpperCase().replace(/-/g, '');
      const r = await c.gql(VERIFY, { c: typed });
      expect(r.errors).toBeUndefined();
      expect(r.data!.verifyMfa.status).toBe('SIGNED_IN');
      const me = await app.gql(ME_MFA, {}, r.data!.verifyMfa.token);
      expect(me.data!.me.mfa.recoveryCodesRemaining).toBe(9 - i);
    }
    expect(await successes('mfa.recovery_code_used', m.user.id)).toBe(10);
    expect(await outbox(m.user.id, 'mfa_recovery_code_used')).toBe(10);
    const c = await challenge(app, org, m);
    const reused = await c.gql(VERIFY, { c: recoveryCodes[3] });
    expect(errorCode(reused)).toBe('BAD_USER_INPUT');
    expect(await deniedCount(app, 'mfa.verify', 'INVALID_CODE', m.user.id)).toBe(1);
    expect(Number((await factorRow(app, m.membership.id))!.failedAttempts)).toBe(1);
  });

  it('wrong recovery codes count against the same limit; while locked a valid one is refused and not used up', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    const { recoveryCodes } = await enroll(app, org, m);
    const c = await challenge(app, org, m);
    for (let i = 0; i < 5; i++) {
      expect(errorCode(await c.gql(VERIFY, { c: `abcd-efgh-jkmn-pqr${i + 2}` }))).toBe('BAD_USER_INPUT');
    }
    expect(errorCode(await c.gql(VERIFY, { c: recoveryCodes[0] }))).toBe('RATE_LIMITED');
    expect(await count('SELECT COUNT(*) AS n FROM recovery_codes WHERE membershipId = ? AND usedAt IS NULL', [m.membership.id])).toBe(10);
    expect(await outbox(m.user.id, 'mfa_recovery_code_used')).toBe(0);
  });

  it('regenerateRecoveryCodes needs a current TOTP code and voids the old set', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    const { secret, recoveryCodes, full } = await enroll(app, org, m);
    clock.nextStep();
    expect(errorCode(await full.gql(REGENERATE, { c: '000000' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await full.gql(REGENERATE, { c: recoveryCodes[0] }))).toBe('BAD_USER_INPUT');
    expect(Number((await factorRow(app, m.membership.id))!.failedAttempts)).toBe(2);
    const r = await full.gql(REGENERATE, { c: await oathtool(secret) });
    expect(r.errors).toBeUndefined();
    const fresh: string[] = r.data!.regenerateRecoveryCodes.recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((x) => recoveryCodes.includes(x))).toEqual([]);
    expect(await successes('mfa.regenerate_recovery_codes', m.user.id)).toBe(1);

    const c = await challenge(app, org, m);
    expect(errorCode(await c.gql(VERIFY, { c: recoveryCodes[1] }))).toBe('BAD_USER_INPUT');
    expect((await c.gql(VERIFY, { c: fresh[0] })).data!.verifyMfa.status).toBe('SIGNED_IN');
    // The TOTP step used to regenerate is spent too.
    const d = await challenge(app, org, m);
    expect(errorCode(await d.gql(VERIFY, { c: await oathtool(secret) }))).toBe('BAD_USER_INPUT');
    expect(await deniedCount(app, 'mfa.verify', 'REPLAY', m.user.id)).toBe(1);
  });

  it('regenerateRecoveryCodes is refused under impersonation', async () => {
    const org = await createOrg(app, { mfaRequired: false });
    const admin = await createMember(app, org, { isAdmin: true });
    const m = await createMember(app, org);
    const { secret } = await enroll(app, org, m);
    const { token } = await app.server.services.session.create(app.systemCtx(), {
      userId: m.user.id,
      orgId: org.id,
      membershipId: m.membership.id,
      kind: 'full',
      impersonatorUserId: admin.user.id,
      ttlSeconds: 600,
    });
    clock.nextStep();
    expect(errorCode(await app.gql(REGENERATE, { c: await oathtool(secret) }, token))).toBe('FORBIDDEN');
    // Refused at the GraphQL door by the access policy (audited there), before any code is looked at.
    const denied = await app.ds.query('SELECT COUNT(*) AS n FROM audit_events WHERE action = ? AND outcome = ? AND actorUserId = ?', [
      'graphql.Mutation.regenerateRecoveryCodes',
      'FORBIDDEN',
      m.user.id,
    ]);
    expect(Number(denied[0].n)).toBe(1);
    expect(Number((await factorRow(app, m.membership.id))!.failedAttempts)).toBe(0);
  });

  it("admin reset removes the factor and codes, ends the member's sessions, notifies, audits; sign-in asks for enrollment", async () => {
    const { org, admin } = await enforcingOrgWithAdmin();
    const other = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    const inOther = await createMember(app, other, { email: m.email });
    const { full, recoveryCodes } = await enroll(app, org, m);
    await enroll(app, other, inOther);

    const r = await admin.gql(RESET, { u: String(m.user.id) });
    expect(r.errors).toBeUndefined();
    expect(r.data!.resetMfa.reset).toBe(true);
    expect(await factorRow(app, m.membership.id)).toBeUndefined();
    expect(await count('SELECT COUNT(*) AS n FROM recovery_codes WHERE membershipId = ?', [m.membership.id])).toBe(0);
    expect(errorCode(await full.gql(ME_MFA))).toBe('UNAUTHENTICATED');
    expect(await outbox(m.user.id, 'mfa_reset')).toBe(1);
    const audit: Array<{ actorUserId: number; changes: string }> = await app.ds.query(
      "SELECT actorUserId, changes FROM audit_events WHERE action = 'mfa.reset' AND targetUserId = ? AND outcome = 'success'",
      [m.user.id],
    );
    expect(audit).toHaveLength(1);
    expect(Number(audit[0].actorUserId)).toBe(admin.user.id);
    expect(JSON.parse(audit[0].changes)).toEqual({ mfaEnrolled: { before: true, after: false } });

    const s = await signIn(app, org, m.email);
    expect(s.status).toBe('MFA_ENROLLMENT_REQUIRED');
    // The old recovery codes went with the factor.
    const e = withToken(app, m, s.token);
    const fresh = (await e.gql(GENERATE)).data!.generateMfaTempSecret.tempSecret.secret;
    const again1 = (await e.gql(VALIDATE, { c: await oathtool(fresh) })).data!.validateMfaCode;
    const c = await challenge(app, org, m);
    expect(errorCode(await c.gql(VERIFY, { c: recoveryCodes[0] }))).toBe('BAD_USER_INPUT');
    expect((await c.gql(VERIFY, { c: again1.recoveryCodes[0] })).data!.verifyMfa.status).toBe('SIGNED_IN');
    // The same user's enrollment in the other org is untouched.
    expect((await factorRow(app, inOther.membership.id))!.confirmedAt).not.toBeNull();
    expect((await signIn(app, other, m.email)).status).toBe('MFA_REQUIRED');

    // Nothing left to reset: false, and nothing written.
    const nobody = await createMember(app, org);
    const auditBefore = await count('SELECT COUNT(*) AS n FROM audit_events', []);
    const noop = await admin.gql(RESET, { u: String(nobody.user.id) });
    expect(noop.data!.resetMfa.reset).toBe(false);
    expect(await count('SELECT COUNT(*) AS n FROM audit_events', [])).toBe(auditBefore);
    expect(await outbox(nobody.user.id, 'mfa_reset')).toBe(0);
  });

  it('admin reset also clears a lock and an enrollment in progress', async () => {
    const { org, admin } = await enforcingOrgWithAdmin();
    const locked = await createMember(app, org);
    const { secret } = await enroll(app, org, locked);
    const c = await challenge(app, org, locked);
    for (let i = 0; i < 5; i++) {
      await c.gql(VERIFY, { c: `12345${i}` });
    }
    expect(errorCode(await c.gql(VERIFY, { c: await oathtool(secret) }))).toBe('RATE_LIMITED');
    expect((await admin.gql(RESET, { u: String(locked.user.id) })).data!.resetMfa.reset).toBe(true);
    const e = withToken(app, locked, (await signIn(app, org, locked.email)).token);
    const fresh = (await e.gql(GENERATE)).data!.generateMfaTempSecret.tempSecret.secret;
    expect((await e.gql(VALIDATE, { c: await oathtool(fresh) })).data!.validateMfaCode.session.status).toBe('SIGNED_IN');

    const pending = await createMember(app, org);
    const p = withToken(app, pending, (await signIn(app, org, pending.email)).token);
    await p.gql(GENERATE);
    expect((await admin.gql(RESET, { u: String(pending.user.id) })).data!.resetMfa.reset).toBe(true);
    expect(errorCode(await p.gql(GENERATE))).toBe('UNAUTHENTICATED');
  });

  it("reset by a non-admin is FORBIDDEN, by another org's admin NOT_FOUND (same as no such user); both audited, nothing changed", async () => {
    const org = await createOrg(app, { mfaRequired: false });
    const other = await createOrg(app, { mfaRequired: false });
    const colleague = await asMember(app, org);
    const otherAdmin = await asAdmin(app, other);
    await setOrgMfaRequired(app, org, true);
    const m = await createMember(app, org);
    await enroll(app, org, m);

    const byColleague = await colleague.gql(RESET, { u: String(m.user.id) });
    expect(errorCode(byColleague)).toBe('FORBIDDEN');
    const colleagueDenials = await count("SELECT COUNT(*) AS n FROM audit_events WHERE actorUserId = ? AND outcome = 'FORBIDDEN'", [
      colleague.user.id,
    ]);
    expect(colleagueDenials).toBeGreaterThanOrEqual(1);

    const byOtherAdmin = await otherAdmin.gql(RESET, { u: String(m.user.id) });
    expect(errorCode(byOtherAdmin)).toBe('NOT_FOUND');
    const ghost = await otherAdmin.gql(RESET, { u: '987654321' });
    expect(errorCode(ghost)).toBe('NOT_FOUND');
    expect(ghost.errors![0].message).toBe(byOtherAdmin.errors![0].message);
    expect(await deniedCount(app, 'mfa.reset', 'NOT_FOUND', m.user.id)).toBe(1);

    // The REST door calls the service directly: the service refuses a non-admin by itself.
    const ctx = { ...app.systemCtx(), principal: await app.server.services.session.resolve(app.ds.manager, colleague.token) };
    await expect(app.server.services.mfa.resetMember(ctx, m.user.id)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(await deniedCount(app, 'mfa.reset', 'FORBIDDEN', m.user.id)).toBe(1);

    expect((await factorRow(app, m.membership.id))!.confirmedAt).not.toBeNull();
    expect(await outbox(m.user.id, 'mfa_reset')).toBe(0);
    expect((await signIn(app, org, m.email)).status).toBe('MFA_REQUIRED');
  });

  /** Makes the audit insert of one action fail inside the change's transaction (a late failure). */
  async function failAuditOf(action: string): Promise<() => Promise<void>> {
    if (testDbKind() === 'sqlite') {
      await app.ds.query(
        `CREATE TRIGGER fail_audit BEFORE INSERT ON audit_events WHEN NEW.action = '${action}' AND NEW.outcome = 'success'
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
      );
    } else {
      await app.ds.query(
        `CREATE TRIGGER fail_audit BEFORE INSERT ON audit_events FOR EACH ROW
         BEGIN IF NEW.action = '${action}' AND NEW.outcome = 'success' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'; END IF; END`,
      );
    }
    return async () => {
      await app.ds.query('DROP TRIGGER fail_audit');
    };
  }

  it('reset: factor, codes, sessions, notification and audit commit together or not at all', async () => {
    const { org, admin } = await enforcingOrgWithAdmin();
    const m = await createMember(app, org);
    const { full } = await enroll(app, org, m);
    const restore = await failAuditOf('mfa.reset');
    try {
      expect(errorCode(await admin.gql(RESET, { u: String(m.user.id) }))).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await restore();
    }
    expect((await factorRow(app, m.membership.id))!.confirmedAt).not.toBeNull();
    expect(await count('SELECT COUNT(*) AS n FROM recovery_codes WHERE membershipId = ?', [m.membership.id])).toBe(10);
    expect(await outbox(m.user.id, 'mfa_reset')).toBe(0);
    expect((await full.gql(ME_MFA)).data!.me.mfa.enrolled).toBe(true);
    expect((await admin.gql(RESET, { u: String(m.user.id) })).data!.resetMfa.reset).toBe(true);
    expect(await outbox(m.user.id, 'mfa_reset')).toBe(1);
  });

  it('enrollment: confirmation, recovery codes, notification and the new session commit together or not at all', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    const p = withToken(app, m, (await signIn(app, org, m.email)).token);
    const secret = (await p.gql(GENERATE)).data!.generateMfaTempSecret.tempSecret.secret;
    const restore = await failAuditOf('mfa.factor_confirmed');
    try {
      expect(errorCode(await p.gql(VALIDATE, { c: await oathtool(secret) }))).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await restore();
    }
    const row = await factorRow(app, m.membership.id);
    expect(row!.confirmedAt).toBeNull();
    expect(row!.lastAcceptedStep).toBeNull();
    expect(await count('SELECT COUNT(*) AS n FROM recovery_codes WHERE membershipId = ?', [m.membership.id])).toBe(0);
    expect(await outbox(m.user.id, 'mfa_factor_added')).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM sessions WHERE membershipId = ? AND kind = 'full'", [m.membership.id])).toBe(0);
    // Nothing was spent: the same code still confirms.
    expect((await p.gql(VALIDATE, { c: await oathtool(secret) })).data!.validateMfaCode.session.status).toBe('SIGNED_IN');
  });

  it('audit rows, outbox rows and logs never hold a secret, code, recovery code or token', async () => {
    const { org, admin } = await enforcingOrgWithAdmin();
    const m = await createMember(app, org);
    const leaks: string[] = [admin.token];

    const s = await signIn(app, org, m.email);
    leaks.push(s.token);
    const p = withToken(app, m, s.token);
    const t = (await p.gql(GENERATE)).data!.generateMfaTempSecret.tempSecret;
    leaks.push(t.secret, t.otpauthUri, t.qrCodeDataUrl.slice(30, 80));
    const wrong = (await p.gql(VALIDATE, { c: '000000' })).errors;
    expect(wrong).toBeDefined();
    const code = await oathtool(t.secret);
    leaks.push(code);
    const v = (await p.gql(VALIDATE, { c: code })).data!.validateMfaCode;
    leaks.push(v.session.token, ...v.recoveryCodes, ...v.recoveryCodes.map((c: string) => c.replace(/-/g, '')));

    clock.nextStep();
    const c1 = await challenge(app, org, m);
    leaks.push(c1.token);
    const code2 = await oathtool(t.secret);
    leaks.push(code2);
    const ok = (await c1.gql(VERIFY, { c: code2 })).data!.verifyMfa;
    leaks.push(ok.token);
    await c1.gql(VERIFY, { c: code2 }); // replay on a spent token
    const c2 = await challenge(app, org, m);
    leaks.push(c2.token);
    await c2.gql(VERIFY, { c: code2 }); // replay
    const r = (await c2.gql(VERIFY, { c: v.recoveryCodes[0] })).data!.verifyMfa;
    leaks.push(r.token);
    clock.nextStep();
    const code3 = await oathtool(t.secret);
    leaks.push(code3);
    const regen: string[] = (await app.gql(REGENERATE, { c: code3 }, r.token)).data!.regenerateRecoveryCodes.recoveryCodes;
    leaks.push(...regen);
    const c3 = await challenge(app, org, m);
    await c3.gql(`mutation { a: verifyMfa(input: { code: "${code3}" }) { token } b: verifyMfa(input: { code: "${regen[0]}" }) { token } }`);
    await admin.gql(RESET, { u: String(m.user.id) });

    const audit = JSON.stringify(await app.ds.query('SELECT * FROM audit_events'));
    const outboxRows = JSON.stringify(await app.ds.query('SELECT * FROM notification_outbox'));
    const logs = app.logs.join('\n');
    const hashes: Array<{ codeHash: string }> = await app.ds.query('SELECT codeHash FROM recovery_codes');
    for (const leak of leaks) {
      expect([leak, audit.includes(leak)]).toEqual([leak, false]);
      expect([leak, outboxRows.includes(leak)]).toEqual([leak, false]);
      expect([leak, logs.includes(leak)]).toEqual([leak, false]);
    }
    for (const h of hashes) {
      expect(audit.includes(h.codeHash) || outboxRows.includes(h.codeHash)).toBe(false);
    }
    expect(audit).toContain('mfa.recovery_code_used');
    expect(audit).toContain('mfa.factor_confirmed');
  });
});
