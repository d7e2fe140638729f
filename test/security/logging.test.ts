import {
  asAdmin,
  createMember,
  createOrg,
  signIn,
  startTestApp,
  testDbKind,
  TEST_PASSWORD,
  type Principal,
  type TestApp,
  clock,
} from '../support/harness';
import { GENERATE, oathtool, VALIDATE, VERIFY } from '../support/mfa';
import { describeWithTools } from '../support/tools';
import {
  ACTIVATE,
  CHANGE_PASSWORD,
  IMPERSONATE,
  ISSUE_RESET,
  STRONG_PASSWORD,
  UPDATE_USER,
  invite,
  mailedToken,
} from '../support/accounts';
import type { Org } from '../../src/entities';

type LogLine = Record<string, unknown>;

/**
 * ASVS V16 (security logging): JSON lines that say who did what with which outcome, that never
 * hold a credential, and that a client cannot forge lines into.
 */
describeWithTools(['oathtool'], `logging (${testDbKind()})`, () => {
  let app: TestApp;
  let org: Org;
  let admin: Principal;
  beforeAll(async () => {
    app = await startTestApp();
    org = await createOrg(app);
    admin = await asAdmin(app, org);
  });
  afterAll(async () => {
    await app.stop();
  });

  const parsed = (): LogLine[] => app.logs.map((l) => JSON.parse(l) as LogLine);

  it('every line is JSON; each GraphQL operation logs one line with request id, actor, org, name, type and outcome', async () => {
    const ok = await admin.gql('query WhoAmI { me { user { id } } }');
    const denied = await app.gql('query Anonymous { me { user { id } } }');
    const idOk = ok.headers.get('x-request-id');
    const idDenied = denied.headers.get('x-request-id');
    const lines = parsed();
    const opOk = lines.filter((l) => l.msg === 'graphql operation' && l.requestId === idOk);
    expect(opOk).toEqual([
      expect.objectContaining({
        requestId: idOk,
        userId: admin.user.id,
        orgId: org.id,
        operationName: 'WhoAmI',
        operationType: 'query',
        outcome: 'ok',
        level: 30,
      }),
    ]);
    const opDenied = lines.filter((l) => l.msg === 'graphql operation' && l.requestId === idDenied);
    expect(opDenied).toEqual([expect.objectContaining({ operationName: 'Anonymous', outcome: 'error', errorCodes: ['UNAUTHENTICATED'] })]);
    expect(opDenied[0].userId).toBeUndefined();
    // And the HTTP access line for the same request.
    expect(lines.some((l) => l.msg === 'request completed' && (l.req as LogLine)?.id === idOk)).toBe(true);
  });

  it('no password, token, reset or activation secret, or Authorization header appears in the log of the account flows', async () => {
    const secrets: string[] = [admin.token, TEST_PASSWORD];
    const email = `logged-${Date.now()}@example.test`;
    const created = await invite(admin, app, { email, firstName: 'Log', lastName: 'Ged' });
    const activation = created.token;
    secrets.push(activation);
    await app.gql(ACTIVATE, { t: activation, p: STRONG_PASSWORD });
    secrets.push(STRONG_PASSWORD);
    const signIn = await app.gql(
      'mutation SignIn($o: String!, $e: String!, $p: String!) { signIn(input: { orgSlug: $o, email: $e, password: $p }) { token } }',
      { o: org.slug, e: email, p: STRONG_PASSWORD },
    );
    const userToken = signIn.data!.signIn.token as string;
    secrets.push(userToken);
    const newPassword = 'quartz-Meadow-lantern-77';
    await app.gql(CHANGE_PASSWORD, { c: STRONG_PASSWORD, n: newPassword }, userToken);
    secrets.push(newPassword);
    const userId = String(created.id);
    await admin.gql(ISSUE_RESET, { id: userId });
    secrets.push((await mailedToken(app, 'password_reset', email)).token);
    // An email change: its confirmation token.
    const newEmail = `logged-new-${Date.now()}@example.test`;
    await admin.gql(UPDATE_USER, { input: { userId: userId, email: newEmail } });
    secrets.push((await mailedToken(app, 'email_change_confirmation', newEmail)).token);
    const imp = await admin.gql(IMPERSONATE, { id: userId });
    secrets.push(imp.data!.impersonate.token as string);
    // A failed sign-in with a password-shaped secret, and a malformed bearer header.
    const wrong = 'Not-The-Password-31337';
    await app.gql('mutation { signIn(input: { orgSlug: "nope", email: "x@example.test", password: "' + wrong + '" }) { token } }');
    secrets.push(wrong);
    await app.gql('{ me { user { id } } }', {}, null, { authorization: 'Bearer leaked-header-value-0123456789' });
    secrets.push('leaked-header-value-0123456789');

    const all = app.logs.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    for (const s of secrets) {
      expect({ secret: s.slice(0, 6), found: all.includes(s) }).toEqual({ secret: s.slice(0, 6), found: false });
    }
    expect(all).not.toMatch(/authorization"\s*:\s*"Bearer/i);
  });

  it('no TOTP secret, otpauth URI, code, recovery code or token appears in the log of sign-in + MFA enrollment + verify', async () => {
    clock.install();
    try {
      const mfaOrg = await createOrg(app, { mfaRequired: true });
      const m = await createMember(app, mfaOrg);
      const secrets: string[] = [];
      const enrollment = await signIn(app, mfaOrg, m.email, m.password);
      expect(enrollment.status).toBe('MFA_ENROLLMENT_REQUIRED');
      secrets.push(enrollment.token);
      const gen = await app.gql(GENERATE, {}, enrollment.token);
      const { secret, otpauthUri, qrCodeDataUrl } = gen.data!.generateMfaTempSecret.tempSecret as Record<string, string>;
      secrets.push(secret, otpauthUri, qrCodeDataUrl.slice(30, 90));
      const enrollCode = await oathtool(secret);
      const validated = await app.gql(VALIDATE, { c: enrollCode }, enrollment.token);
      const { recoveryCodes, session } = validated.data!.validateMfaCode as { recoveryCodes: string[]; session: { token: string } };
      secrets.push(enrollCode, session.token, ...recoveryCodes);

      clock.nextStep();
      const challenge = await signIn(app, mfaOrg, m.email, m.password);
      expect(challenge.status).toBe('MFA_REQUIRED');
      secrets.push(challenge.token);
      await app.gql(VERIFY, { c: '000000' === enrollCode ? '111111' : '000000' }, challenge.token);
      const code = await oathtool(secret);
      const verified = await app.gql(VERIFY, { c: code }, challenge.token);
      secrets.push(code, verified.data!.verifyMfa.token as string);
      // A recovery code at a second sign-in.
      const again = await signIn(app, mfaOrg, m.email, m.password);
      const recovered = await app.gql(VERIFY, { c: recoveryCodes[0] }, again.token);
      expect(recovered.data?.verifyMfa.status).toBe('SIGNED_IN');
      secrets.push(again.token, recovered.data!.verifyMfa.token as string);

      const all = app.logs.join('\n');
      expect(all).toContain('graphql operation');
      for (const s of secrets) {
        expect({ secret: s.slice(0, 8), found: all.includes(s) }).toEqual({ secret: s.slice(0, 8), found: false });
      }
      // Not even in another encoding (the base32 secret in lower case, the code inside JSON).
      expect(all.toLowerCase()).not.toContain(secret.toLowerCase());
    } finally {
      clock.uninstall();
    }
  });

  it('user-supplied strings cannot forge log lines (newlines and JSON in an operation name, an email, a request id)', async () => {
    const before = app.logs.length;
    const forged = 'x"}\n{"level":60,"msg":"FORGED","userId":1}\n';
    // (HTTP forbids newlines in headers; quotes and braces in a request id are replaced by a new id.)
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'abc"},{"level":60,"msg":"FORGED' },
      body: JSON.stringify({ query: 'query A { __typename }', operationName: forged }),
    });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await app.gql('mutation($e: String!) { signIn(input: { orgSlug: "none", email: $e, password: "whatever-password" }) { token } }', {
      e: forged,
    });
    const fresh = app.logs.slice(before);
    expect(fresh.length).toBeGreaterThanOrEqual(3);
    for (const line of fresh) {
      const obj = JSON.parse(line) as LogLine;
      expect(obj.msg).not.toBe('FORGED');
      expect(obj.level).not.toBe(60);
    }
    // The forged operation name is logged, escaped, inside one line.
    expect(fresh.some((l) => l.includes('\\n{\\"level\\":60'))).toBe(true);
  });
});

/** Production logs at `warn`: successful requests leave no line; a failed one leaves its access line with the request id. */
describe(`logging at LOG_LEVEL=warn (${testDbKind()})`, () => {
  let app: TestApp;
  let admin: Principal;
  beforeAll(async () => {
    app = await startTestApp({ env: { LOG_LEVEL: 'warn' } });
    admin = await asAdmin(app, await createOrg(app));
  });
  afterAll(async () => {
    await app.stop();
  });

  it('logs nothing for answered requests, and the failed request at error with its id, method and path (no query string)', async () => {
    const before = app.logs.length;
    const ok = await admin.gql('query WhoAmI { me { user { id } } }');
    expect(ok.errors).toBeUndefined();
    expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await app.http('GET', '/user/users/page?page=1&size=5', { token: admin.token })).status).toBe(200);
    expect(app.logs.slice(before)).toEqual([]);

    await app.ds.query('ALTER TABLE memberships RENAME TO memberships_away');
    let failed;
    try {
      failed = await app.http('GET', '/user/users/page?page=1&size=5', { token: admin.token });
    } finally {
      await app.ds.query('ALTER TABLE memberships_away RENAME TO memberships');
    }
    expect(failed.status).toBeGreaterThanOrEqual(500);
    const id = failed.headers.get('x-request-id');
    const access = app.logs
      .slice(before)
      .map((l) => JSON.parse(l) as LogLine)
      .filter((l) => l.msg === 'request completed');
    expect(access).toEqual([
      expect.objectContaining({ level: 50, req: { id, method: 'GET', url: '/user/users/page' }, res: { statusCode: failed.status } }),
    ]);
  });
});
