import { randomBytes } from 'node:crypto';
import { createMember, createOrg, errorCode, signIn, startTestApp, testDbKind, withToken, type TestApp, clock } from '../support/harness';
import { challenge, enroll, factorRow, GENERATE, ME_MFA, oathtool, startSibling, VALIDATE, VERIFY } from '../support/mfa';
import { describeWithTools } from '../support/tools';

describeWithTools(['oathtool'], `MFA enrollment (${testDbKind()})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    clock.install();
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
    clock.uninstall();
  });

  async function outbox(userId: number, kind: string): Promise<number> {
    const rows: Array<{ n: number }> = await app.ds.query('SELECT COUNT(*) AS n FROM notification_outbox WHERE userId = ? AND kind = ?', [
      userId,
      kind,
    ]);
    return Number(rows[0].n);
  }

  it('end to end: enrollment-only session, secret, QR code, oathtool code, recovery codes, full session, then a challenge', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    const s = await signIn(app, org, m.email);
    expect(s.status).toBe('MFA_ENROLLMENT_REQUIRED');
    const p = withToken(app, m, s.token);

    const gen = await p.gql(GENERATE);
    expect(gen.errors).toBeUndefined();
    const t = gen.data!.generateMfaTempSecret.tempSecret;
    expect(t.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(t.otpauthUri).toBe(`otpauth://totp/Gatehouse:${encodeURIComponent(m.email)}?secret=${t.secret}&issuer=Gatehouse`);
    expect(t.qrCodeDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]{200,}$/);
    expect(new Date(t.expiresAt).getTime()).toBe(clock.now + 10 * 60_000);
    expect((await factorRow(app, m.membership.id))!.confirmedAt).toBeNull();

    const v = await p.gql(VALIDATE, { c: await oathtool(t.secret) });
    expect(v.errors).toBeUndefined();
    const { recoveryCodes, session } = v.data!.validateMfaCode;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(session.status).toBe('SIGNED_IN');
    const row = await factorRow(app, m.membership.id);
    expect(row!.confirmedAt).not.toBeNull();
    expect(row!.pendingSecretCiphertext).toBeNull();
    expect(Number(row!.lastAcceptedStep)).toBe(Math.floor(clock.now / 30_000));
    const stored: Array<{ codeHash: string }> = await app.ds.query('SELECT codeHash FROM recovery_codes WHERE membershipId = ?', [
      m.membership.id,
    ]);
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(recoveryCodes[0]);
    expect(await outbox(m.user.id, 'mfa_factor_added')).toBe(1);

    clock.nextStep();
    const c = await challenge(app, org, m);
    const ok = await c.gql(VERIFY, { c: await oathtool(t.secret) });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.verifyMfa.status).toBe('SIGNED_IN');
    const full = withToken(app, m, ok.data!.verifyMfa.token);
    expect((await full.gql(ME_MFA)).data!.me.sessionKind).toBe('FULL');
    // The challenge token was exchanged, not kept.
    expect(errorCode(await c.gql(VERIFY, { c: '000000' }))).toBe('UNAUTHENTICATED');
  });

  it('voluntary enrollment from a full session in a non-enforcing org: no new session, sign-in then asks for a code', async () => {
    const org = await createOrg(app, { mfaRequired: false });
    const m = await createMember(app, org);
    const s = await signIn(app, org, m.email);
    expect(s.status).toBe('SIGNED_IN');
    const p = withToken(app, m, s.token);
    const secret = (await p.gql(GENERATE)).data!.generateMfaTempSecret.tempSecret.secret;
    const v = await p.gql(VALIDATE, { c: await oathtool(secret) });
    expect(v.data!.validateMfaCode.session).toBeNull();
    expect(v.data!.validateMfaCode.recoveryCodes).toHaveLength(10);
    expect((await p.gql(ME_MFA)).data!.me.mfa).toMatchObject({ enrolled: true, required: false, recoveryCodesRemaining: 10 });
    expect((await signIn(app, org, m.email)).status).toBe('MFA_REQUIRED');
  });

  it('a new generateMfaTempSecret replaces the pending secret', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    const p = withToken(app, m, (await signIn(app, org, m.email)).token);
    const first = (await p.gql(GENERATE)).data!.generateMfaTempSecret.tempSecret.secret;
    const second = (await p.gql(GENERATE)).data!.generateMfaTempSecret.tempSecret.secret;
    expect(second).not.toBe(first);
    const r = await p.gql(VALIDATE, { c: await oathtool(first) });
    expect(errorCode(r)).toBe('BAD_USER_INPUT');
    expect((await p.gql(VALIDATE, { c: await oathtool(second) })).errors).toBeUndefined();
  });

  it('validating with no temp secret, or one older than 10 minutes, is BAD_USER_INPUT (rule 14)', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    const p = withToken(app, m, (await signIn(app, org, m.email)).token);
    const none = await p.gql(VALIDATE, { c: '123456' });
    expect(errorCode(none)).toBe('BAD_USER_INPUT');
    expect(none.errors![0].extensions!.field).toBe('code');

    const secret = (await p.gql(GENERATE)).data!.generateMfaTempSecret.tempSecret.secret;
    clock.advance(10 * 60_000);
    const expired = await p.gql(VALIDATE, { c: await oathtool(secret) });
    expect(errorCode(expired)).toBe('BAD_USER_INPUT');
    expect(expired.errors![0].message).toMatch(/expired/);
    expect((await factorRow(app, m.membership.id))!.confirmedAt).toBeNull();
    expect(await outbox(m.user.id, 'mfa_factor_added')).toBe(0);
    // A fresh one works (the enrollment session itself lasts 15 minutes).
    const fresh = (await p.gql(GENERATE)).data!.generateMfaTempSecret.tempSecret.secret;
    expect((await p.gql(VALIDATE, { c: await oathtool(fresh) })).errors).toBeUndefined();
  });

  it("a confirmed factor's secret is never returned again", async () => {
    const org = await createOrg(app, { mfaRequired: false });
    const m = await createMember(app, org);
    const { secret, full } = await enroll(app, org, m);
    const again = await full.gql(GENERATE);
    expect(errorCode(again)).toBe('CONFLICT');
    expect(JSON.stringify(again)).not.toContain(secret);
    const v = await full.gql(VALIDATE, { c: await oathtool(secret) });
    expect(errorCode(v)).toBe('CONFLICT');
    const me = await full.gql(`{ me { user { id firstName } membership { id mfaOptOut } mfa { enrolled } } }`);
    expect(JSON.stringify(me)).not.toContain(secret);
    // No type but the one-time MfaTempSecret (and the payload carrying it) has a field that could carry it.
    const schema = await full.gql('{ __schema { types { name fields { name } } } }');
    const secretish = (schema.data!.__schema.types as Array<{ name: string; fields: Array<{ name: string }> | null }>).flatMap((ty) =>
      (ty.fields ?? []).filter((f) => /secret|otpauth|qr/i.test(f.name)).map((f) => `${ty.name}.${f.name}`),
    );
    expect(secretish.sort()).toEqual([
      'GenerateMfaTempSecretPayload.tempSecret',
      'MfaTempSecret.otpauthUri',
      'MfaTempSecret.qrCodeDataUrl',
      'MfaTempSecret.secret',
      'Mutation.generateMfaTempSecret',
    ]);
  });

  it('secrets are encrypted at rest: the raw column holds no base32 secret', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    const p = withToken(app, m, (await signIn(app, org, m.email)).token);
    const pending = (await p.gql(GENERATE)).data!.generateMfaTempSecret.tempSecret.secret;
    const before = await factorRow(app, m.membership.id);
    expect(before!.pendingSecretCiphertext).toMatch(/^v1\./);
    expect(JSON.stringify(before)).not.toContain(pending);
    await p.gql(VALIDATE, { c: await oathtool(pending) });
    const after = await factorRow(app, m.membership.id);
    expect(after!.secretCiphertext).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const everything: unknown[] = await app.ds.query('SELECT * FROM mfa_factors');
    expect(JSON.stringify(everything)).not.toContain(pending);
    expect(JSON.stringify(everything)).not.toMatch(/"[A-Z2-7]{32}"/);
  });

  it('a server with a different MFA_ENCRYPTION_KEY fails closed: no sign-in, a clear log line without the secret', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    const { secret } = await enroll(app, org, m);
    const sibling = await startSibling(app, randomBytes(32).toString('hex'));
    try {
      clock.nextStep();
      const s = await sibling.gql(
        'mutation($o:String!,$e:String!,$p:String!){ signIn(input: { orgSlug:$o,email:$e,password:$p }){ status token } }',
        {
          o: org.slug,
          e: m.email,
          p: m.password,
        },
      );
      expect(s.data!.signIn.status).toBe('MFA_REQUIRED');
      const r = await sibling.gql(VERIFY, { c: await oathtool(secret) }, s.data!.signIn.token);
      expect(errorCode(r)).toBe('SERVICE_UNAVAILABLE');
      expect(r.data).toBeNull();
      const full: Array<{ n: number }> = await app.ds.query("SELECT COUNT(*) AS n FROM sessions WHERE membershipId = ? AND kind = 'full'", [
        m.membership.id,
      ]);
      expect(Number(full[0].n)).toBe(1); // only the one from enrollment, on the right server
      const line = sibling.logs.find((l) => l.includes('cannot be decrypted'));
      expect(line).toBeDefined();
      expect(sibling.logs.join('\n')).not.toContain(secret);
      // The factor is neither consumed nor counted as a failure: it is a server fault, not a guess.
      const row = await factorRow(app, m.membership.id);
      expect(Number(row!.failedAttempts)).toBe(0);
      // The right server still verifies the same code.
      const c = await challenge(app, org, m);
      expect((await c.gql(VERIFY, { c: await oathtool(secret) })).data!.verifyMfa.status).toBe('SIGNED_IN');
    } finally {
      await sibling.stop();
    }
  });

  it('impersonation sessions cannot enroll', async () => {
    const org = await createOrg(app, { mfaRequired: false });
    const admin = await createMember(app, org, { isAdmin: true });
    const m = await createMember(app, org);
    const { token } = await app.server.services.session.create(app.systemCtx(), {
      userId: m.user.id,
      orgId: org.id,
      membershipId: m.membership.id,
      kind: 'full',
      impersonatorUserId: admin.user.id,
      ttlSeconds: 600,
    });
    const p = withToken(app, m, token);
    expect(errorCode(await p.gql(GENERATE))).toBe('FORBIDDEN');
    expect(errorCode(await p.gql(VALIDATE, { c: '123456' }))).toBe('FORBIDDEN');
    expect(await factorRow(app, m.membership.id)).toBeUndefined();
  });

  it('resetOwnPendingEnrollment (REST "own reset"): only while no factor is confirmed', async () => {
    const org = await createOrg(app, { mfaRequired: true });
    const m = await createMember(app, org);
    const s = await signIn(app, org, m.email);
    const p = withToken(app, m, s.token);
    const ctxOf = async (token: string) => ({
      ...app.systemCtx(),
      principal: await app.server.services.session.resolve(app.ds.manager, token),
    });
    const mfa = app.server.services.mfa;
    expect(await mfa.resetOwnPendingEnrollment(await ctxOf(s.token))).toBe(false);
    await p.gql(GENERATE);
    expect(await mfa.resetOwnPendingEnrollment(await ctxOf(s.token))).toBe(true);
    expect(await factorRow(app, m.membership.id)).toBeUndefined();
    const secret = (await p.gql(GENERATE)).data!.generateMfaTempSecret.tempSecret.secret;
    const full = (await p.gql(VALIDATE, { c: await oathtool(secret) })).data!.validateMfaCode.session.token;
    await expect(mfa.resetOwnPendingEnrollment(await ctxOf(full))).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect((await factorRow(app, m.membership.id))!.confirmedAt).not.toBeNull();
  });
});
