import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedDemoIfEmpty, type DemoCredentials } from '../../src/cli/demo-data';
import { createMember, createOrg, startTestApp, testDbKind, type TestApp } from '../support/harness';
import { ARTIFACTS, launchChromium, offlineContext } from '../support/browser';
import { describeWithTools, requireTool } from '../support/tools';
import { mailedToken } from '../support/accounts';

const TOKEN_KEY = 'gatehouse.session.token';

/** A TOTP code for a base32 secret, computed by oathtool (independent of the server's otplib). */
function oathtool(secret: string): string {
  return execFileSync(requireTool('oathtool'), ['--totp', '-b', secret], { encoding: 'utf8' }).trim();
}

/** Polls `check` until it returns true (the page's CSP forbids Playwright's string predicates: no eval). */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The seed article in a real browser (Debian chromium through playwright-core), offline, on the
 * demo org, against the console served by Gatehouse under its own CSP: sign in as the demo admin,
 * search "val", open Valentina Rodriguez, switch Enforce org-level MFA off; reset her MFA; export
 * CSV; create a user who activates the account; impersonate and stop; the org settings and audit
 * trail; the Swagger path from the Admin Overview tile to Execute without pasting a token;
 * GraphiQL; and enrollment in an MFA-enforcing org with a code computed here. One page walks
 * through the steps in order (each `it` continues where the last one stopped).
 */
describeWithTools(['chromium', 'oathtool'], `Admin console at /admin, in a browser (${testDbKind()})`, () => {
  let app: TestApp;
  let demo: DemoCredentials;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let offOrigin: string[];
  let problems: string[];
  let step = 0;

  const shot = async (name: string, p: Page = page): Promise<void> => {
    step++;
    await p.screenshot({
      path: path.join(ARTIFACTS, `console-${testDbKind()}-${String(step).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };
  const adminToken = async (): Promise<string> => (await page.evaluate(`sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})`)) as string;
  const idOf = async (first: string, last: string): Promise<string> => {
    const rows = await app.ds.query('SELECT userId AS id FROM memberships WHERE firstName = ? AND lastName = ?', [first, last]);
    return String(rows[0].id);
  };
  const membershipOf = async (userId: string): Promise<Record<string, unknown>> => {
    const r = await app.gql(
      'query($id: ID) { user(id: $id) { mfaEnrolled membership { mfaOptOut mfaOptOutReason isActive allAccess version } } }',
      { id: userId },
      await adminToken(),
    );
    expect(r.errors).toBeUndefined();
    return { mfaEnrolled: r.data!.user.mfaEnrolled, ...r.data!.user.membership };
  };

  beforeAll(async () => {
    // web/dist/ was built by test/setup/console.global-setup.ts, as `npm start` builds it.
    app = await startTestApp();
    demo = (await seedDemoIfEmpty(app.systemCtx(), app.server.services))!;
    browser = await launchChromium();
    // This run's screenshots only (their numbers follow the steps).
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const f of readdirSync(ARTIFACTS, { withFileTypes: true })) {
      if (f.name.startsWith(`console-${testDbKind()}-`)) {
        rmSync(path.join(ARTIFACTS, f.name));
      }
    }
    ({ context, offOrigin, problems } = await offlineContext(browser, new URL(app.url).origin));
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('serves /admin/ under the strict CSP, and signs the demo admin in', async () => {
    const res = await page.goto(`${app.url}/admin/`);
    const csp = res!.headers()['content-security-policy'];
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe');
    expect(csp).not.toContain('worker-src');
    await page.getByLabel('Org').fill(demo.orgSlug);
    await page.getByLabel('Email').fill(demo.email);
    await page.getByLabel('Password').fill(demo.password);
    await shot('sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'User Management' }).waitFor();
    const counts = (await app.gql('{ userCounts { licensedSeats enabled inactive } }', {}, await adminToken())).data!.userCounts;
    await expect(page.getByLabel('User counts').innerText()).resolves.toBe(
      `${counts.licensedSeats} Licensed Users | ${counts.enabled} Enabled | ${counts.inactive} Inactive`,
    );
    // The token is this tab's: sessionStorage, nothing in localStorage.
    expect(await adminToken()).toMatch(/\S{20,}/);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    await shot('user-management');
  });

  it('search "val", open Valentina Rodriguez, switch Enforce org-level MFA off: the API says mfaOptOut', async () => {
    await page.getByLabel('Search').fill('val');
    const members = page.getByRole('list', { name: 'Members' });
    await until(
      async () => (await members.getAttribute('aria-busy')) === 'false' && (await members.getByRole('listitem').count()) === 1,
      'the search result',
    );
    await expect(members.getByRole('listitem').first().innerText()).resolves.toContain('Last login: Never');
    await shot('search-val');
    await members.getByRole('link', { name: 'Valentina Rodriguez' }).click();
    await page.getByRole('heading', { name: 'User Management: Edit User : Valentina Rodriguez' }).waitFor();
    const enforce = page.getByRole('switch', { name: 'Enforce org-level MFA' });
    expect(await enforce.isChecked()).toBe(true);
    await shot('edit-user');
    await enforce.click();
    const dialog = page.getByRole('dialog', { name: 'Opt Valentina Rodriguez out of org-level MFA' });
    await dialog.getByLabel('Reason (optional)').fill('Shared lab device');
    await shot('opt-out-dialog');
    await dialog.getByRole('button', { name: 'Opt out' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await enforce.isChecked()).toBe(false);
    const valentina = await idOf('Valentina', 'Rodriguez');
    expect(await membershipOf(valentina)).toMatchObject({ mfaOptOut: true, mfaOptOutReason: 'Shared lab device', isActive: true });
    await shot('opted-out');
  });

  it('shows API errors beside their control: a stale version asks to reload; an admin cannot demote themself', async () => {
    const valentina = await idOf('Valentina', 'Rodriguez');
    // Someone else changes her membership behind this page's back.
    const before = await membershipOf(valentina);
    const r = await app.gql(
      'mutation($u: ID!) { updateMembership(input: { userId: $u, allAccess: false }) { membership { version } } }',
      { u: valentina },
      await adminToken(),
    );
    expect(r.errors).toBeUndefined();
    await page.getByRole('switch', { name: 'Portal URL Access' }).click();
    const alert = page.locator('.switch-row', { has: page.getByRole('switch', { name: 'Portal URL Access' }) }).getByRole('alert');
    await expect(alert.innerText()).resolves.toContain('Someone else changed this user meanwhile');
    await shot('stale-version');
    await alert.getByRole('button', { name: 'Reload' }).click();
    await alert.waitFor({ state: 'detached' });
    // The reloaded page shows the other admin's change.
    await until(async () => !(await page.getByRole('switch', { name: 'All Data Access' }).isChecked()), 'the reloaded membership');
    expect((await membershipOf(valentina)).version).toBe(Number(before.version) + 1);

    // The demo admin's own record: the API refuses to change one's own Admin flag.
    const self = await idOf('Demo', 'Admin');
    await page.goto(`${app.url}/admin/users/${self}`);
    await page.getByRole('heading', { name: 'User Management: Edit User : Demo Admin' }).waitFor();
    await page.getByRole('switch', { name: 'Admin', exact: true }).click();
    const refused = page.locator('.switch-row', { has: page.getByRole('switch', { name: 'Admin', exact: true }) }).getByRole('alert');
    await expect(refused.getAttribute('data-code')).resolves.toBe('FORBIDDEN');
    expect((await refused.innerText()).length).toBeGreaterThan(10);
    await shot('own-admin-refused');
    expect(await page.getByRole('switch', { name: 'Admin', exact: true }).isChecked()).toBe(true);
  });

  it('Reset org-level MFA for this user (after she enrolled), with a confirmation', async () => {
    const valentina = await idOf('Valentina', 'Rodriguez');
    // She signs in for the first time (a reset token from the admin) and enrolls an authenticator.
    const reset = await app.gql(
      'mutation($u: ID!) { issuePasswordReset(input: { userId: $u }) { reset { expiresAt } } }',
      { u: valentina },
      await adminToken(),
    );
    expect(reset.errors).toBeUndefined();
    const mail = await mailedToken(app, 'password_reset', 'valentina.rodriguez@demo.test');
    const password = 'valentina-lab-Secret-42';
    expect(
      (
        await app.gql('mutation($t: String!, $p: String!) { activateAccount(input: { token: $t, password: $p }) { activated } }', {
          t: mail.token,
          p: password,
        })
      ).data,
    ).toEqual({ activateAccount: { activated: true } });
    const signIn = await app.gql(
      'mutation($p: String!) { signIn(input: { orgSlug: "demo", email: "valentina.rodriguez@demo.test", password: $p }) { status token } }',
      {
        p: password,
      },
    );
    const token = signIn.data!.signIn.token;
    const secret = (await app.gql('mutation { generateMfaTempSecret { tempSecret { secret } } }', {}, token)).data!.generateMfaTempSecret
      .tempSecret.secret;
    const enrolled = await app.gql(
      'mutation($c: String!) { validateMfaCode(input: { code: $c }) { recoveryCodes } }',
      { c: oathtool(secret) },
      token,
    );
    expect(enrolled.errors).toBeUndefined();
    expect((await membershipOf(valentina)).mfaEnrolled).toBe(true);

    await page.goto(`${app.url}/admin/users/${valentina}`);
    await page.getByText('Org-level MFA: enrolled').waitFor();
    expect(await page.getByRole('switch', { name: 'Enforce org-level MFA' }).isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Reset org-level MFA for this user' }).click();
    const confirm = page.getByRole('dialog', { name: 'Reset org-level MFA for Valentina Rodriguez?' });
    await shot('reset-confirm');
    await confirm.getByRole('button', { name: 'Reset MFA' }).click();
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('Org-level MFA was reset for Valentina Rodriguez');
    expect((await membershipOf(valentina)).mfaEnrolled).toBe(false);
    // Her sessions ended with the reset.
    expect((await app.gql('{ me { user { id } } }', {}, token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await shot('reset-done');
  });

  it('Export as CSV downloads the members through the REST export, with the bearer token', async () => {
    await page.getByRole('link', { name: '← User Management' }).click();
    await page.getByRole('heading', { name: 'User Management' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^users-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = path.join(ARTIFACTS, `console-${testDbKind()}-export.csv`);
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(lines[0]).toBe(
      'First Name,Last Name,Email,Status,Admin,All Data Access,MFA Enrolled,MFA Opt-Out,MFA Opt-Out Until,Last Login,Roles,Groups',
    );
    const valentina = lines.find((l) => l.startsWith('Valentina,Rodriguez,'))!.split(',');
    expect(valentina[7]).toBe('Yes'); // MFA Opt-Out
    expect(lines.filter((l) => l).length).toBe(1 + 26);
    // The export follows the list's Active/inactive filter.
    await page.getByLabel('Active/inactive users').selectOption('inactive');
    const [inactive] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as CSV' }).click()]);
    const rows = readFileSync(await inactive.path(), 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter((l) => l)
      .slice(1);
    expect(rows.length).toBe(2);
    expect(rows.every((r) => r.split(',')[3] === 'Inactive')).toBe(true);
    await page.getByLabel('Active/inactive users').selectOption('');
  });

  it('Create user: the invitation is mailed; the invitee opens its link, sets a password and signs in without admin controls', async () => {
    await page.getByRole('button', { name: 'Create user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create user' });
    await dialog.getByLabel('First Name').fill('Nadia');
    await dialog.getByLabel('Last Name').fill('Petrova');
    await dialog.getByLabel('Email').fill('nadia.petrova@demo.test');
    await shot('create-user');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const created = page.getByRole('dialog', { name: 'Invitation sent' });
    await created.getByText('nadia.petrova@demo.test').waitFor();
    await shot('user-created');
    await created.getByRole('button', { name: 'Done' }).click();
    // The mail the invitee gets (the mailer opens the sealed token from the outbox): its link.
    const mail = await mailedToken(app, 'invitation', 'nadia.petrova@demo.test');
    const link = `${app.url}/admin/activate#token=${encodeURIComponent(mail.token)}`;

    // The invitee, in a tab of their own.
    const invitee = await context.newPage();
    await invitee.goto(link);
    await invitee.getByRole('heading', { name: 'Activate your account' }).waitFor();
    await invitee.getByLabel('New password').fill('nadia-Petrova-2026!');
    await invitee.getByRole('button', { name: 'Activate account' }).click();
    await invitee.getByRole('button', { name: 'Go to sign in' }).click();
    await invitee.getByLabel('Org').fill('demo');
    await invitee.getByLabel('Email').fill('nadia.petrova@demo.test');
    await invitee.getByLabel('Password').fill('nadia-Petrova-2026!');
    await invitee.getByRole('button', { name: 'Sign in' }).click();
    await invitee.getByRole('heading', { name: 'User Management' }).waitFor();
    await invitee.getByRole('list', { name: 'Members' }).getByText('Valentina Rodriguez').waitFor();
    // A member sees names only: no counts, filters, export, create, impersonate or Admin Overview.
    for (const name of ['Export as CSV', 'Create user', 'Impersonate']) {
      expect(await invitee.getByRole('button', { name }).count()).toBe(0);
    }
    expect(await invitee.getByRole('link', { name: 'Admin Overview' }).count()).toBe(0);
    expect(await invitee.getByLabel('User counts').count()).toBe(0);
    expect(await invitee.getByRole('list', { name: 'Members' }).innerText()).not.toContain('@');
    await shot('member-view', invitee);
    await invitee.getByRole('button', { name: 'Sign out' }).click();
    await invitee.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await invitee.evaluate(`sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})`)).toBeNull();
    await invitee.close();
  });

  it('Impersonate shows a banner naming both people and Stop returns to the admin', async () => {
    await page.getByLabel('Search').fill('ada');
    const row = page.getByRole('listitem').filter({ hasText: 'Ada Lovelace' });
    await row.getByRole('button', { name: 'Impersonate' }).click();
    const banner = page.getByRole('status', { name: 'Impersonation' });
    await expect(banner.innerText()).resolves.toContain('Demo Admin is impersonating Ada Lovelace.');
    expect(await page.getByRole('button', { name: 'Export as CSV' }).count()).toBe(0);
    await shot('impersonating');
    await banner.getByRole('button', { name: 'Stop impersonating' }).click();
    await page.getByRole('button', { name: 'Export as CSV' }).waitFor();
    expect(await page.getByRole('status', { name: 'Impersonation' }).count()).toBe(0);
    const events = await app.ds.query("SELECT action FROM audit_events WHERE action LIKE 'user.impersonate%' ORDER BY id");
    expect(events.map((e: { action: string }) => e.action)).toEqual(['user.impersonate', 'user.impersonate_stop']);
  });

  it('Admin Overview: Tools tiles, the org MFA setting with its exemptions, and the audit trail filtered by target', async () => {
    await page.getByRole('link', { name: 'Admin Overview' }).click();
    await page.getByRole('heading', { name: 'Admin Overview' }).waitFor();
    for (const tile of ['Swagger Docs', 'GraphQL IDE', 'User Management Audit Trail']) {
      await page.getByRole('link', { name: tile }).waitFor();
    }
    const exemptions = page.getByRole('table', { name: 'MFA exemptions' });
    await expect(exemptions.innerText()).resolves.toMatch(/Valentina Rodriguez[\s\S]*Shared lab device[\s\S]*Demo Admin[\s\S]*In effect/);
    expect(await page.getByRole('switch', { name: 'Enforce org-level MFA' }).isChecked()).toBe(false);
    await shot('admin-overview');

    await page.getByRole('link', { name: 'User Management Audit Trail' }).click();
    await page.getByRole('heading', { name: 'User Management Audit Trail' }).waitFor();
    await page.getByLabel('Target').fill('valen');
    await page.getByRole('list', { name: 'Target suggestions' }).getByRole('button', { name: 'Valentina Rodriguez' }).click();
    const table = page.getByRole('table', { name: 'Audit events' });
    await until(async () => (await table.getAttribute('aria-busy')) === 'false', 'the audit events');
    await expect(table.innerText()).resolves.toContain('membership.update');
    // Changes come as a list of { field, before, after }; the console shows each as "field: before → after".
    await expect(table.innerText()).resolves.toContain('mfaOptOut: false → true');
    const rows = await table.locator('tbody tr').allInnerTexts();
    expect(rows.length).toBeGreaterThan(2);
    expect(rows.every((r) => r.includes('Valentina Rodriguez'))).toBe(true);
    await page.getByLabel('Action').fill('mfa.reset');
    await until(async () => (await table.locator('tbody tr').count()) === 1, 'the mfa.reset event');
    await page.getByLabel('Actor').fill('demo');
    await page.getByRole('list', { name: 'Actor suggestions' }).getByRole('button', { name: 'Demo Admin' }).click();
    await until(async () => (await table.locator('tbody tr').count()) === 1, 'the mfa.reset event by the demo admin');
    await shot('audit-trail');
    // Nothing happened after tomorrow.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const local = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}T00:00`;
    await page.getByLabel('From').fill(local);
    await page.getByText('No events match.').waitFor();
  });

  it('Swagger Docs tile: /docs opens authorized; the placeholder id is refused; Execute {"mfaOptOut": true} without pasting a token', async () => {
    await page.getByRole('link', { name: 'Admin Overview' }).click();
    await page.getByRole('link', { name: 'Swagger Docs' }).click();
    await page.waitForURL(`${app.url}/docs`);
    await page.waitForSelector('.swagger-ui .info .title', { timeout: 30_000 });
    // Authorized from the console's session (the lock shows closed), nothing typed.
    await page.locator('.scheme-container button.authorize.locked').waitFor();
    const op = page.locator('#operations-user-updateMembership');
    await op.locator('.opblock-summary').click();
    await op.locator('button.try-out__btn').click();
    const body = op.locator('textarea.body-param__text');
    expect(JSON.parse(await body.inputValue())).toEqual({ mfaOptOut: true });
    const id = op.locator('tr[data-param-name="id"] input');
    expect(await id.inputValue()).toBe('<user id>');
    await op.locator('button.execute').click();
    // Swagger UI refuses to send the placeholder (the parameter's pattern); nothing reached the server.
    await op.locator('tr[data-param-name="id"] input.invalid').waitFor();
    expect(await op.locator('.live-responses-table').count()).toBe(0);
    const grace = await idOf('Grace', 'Hopper');
    const before = await membershipOf(grace);
    await id.fill(grace);
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 30_000 });
    expect((await status.innerText()).trim()).toBe('200');
    await shot('swagger-execute');
    const after = await membershipOf(grace);
    expect(after).toEqual({ ...before, mfaOptOut: true, version: Number(before.version) + 1 });
    await page.goBack();
  });

  it('GraphQL IDE tile: GraphiQL runs the ready SearchMember operation with the session token, offline, CSP clean', async () => {
    await page.goto(`${app.url}/admin/overview`);
    await page.getByRole('link', { name: 'GraphQL IDE' }).click();
    await page.waitForURL(`${app.url}/graphiql/`);
    const csp = (await page.request.get(`${app.url}/graphiql/`)).headers()['content-security-policy'];
    expect(csp).toMatch(/worker-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    await page.getByRole('tab', { name: /SearchMember/ }).waitFor({ timeout: 30_000 });
    const result = page.locator('.graphiql-response');
    // Until Monaco and the schema are ready a click may not run the operation: click, then look.
    await until(
      async () => {
        await page.locator('.graphiql-execute-button').click();
        await new Promise((r) => setTimeout(r, 500));
        return (await result.innerText()).includes('Rodriguez');
      },
      'the GraphiQL result',
      30_000,
    ).catch(async (e) => {
      await shot('graphiql-failed');
      throw e;
    });
    expect(await result.innerText()).toContain('valentina.rodriguez@demo.test');
    await shot('graphiql');
  });

  it('an MFA-enforcing org: a member enrolls by reading the secret from the page and typing a code computed here', async () => {
    const org = await createOrg(app, { slug: `mfa-${Date.now().toString(36)}`, mfaRequired: true });
    const member = await createMember(app, org, { firstName: 'Moa', lastName: 'Lind' });
    const p = await context.newPage();
    await p.goto(`${app.url}/admin/`);
    await p.getByLabel('Org').fill(org.slug);
    await p.getByLabel('Email').fill(member.email);
    await p.getByLabel('Password').fill(member.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Set up multi-factor authentication' }).waitFor();
    await p.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = (await p.getByLabel('Secret key').innerText()).trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await shot('enrollment', p);
    await p.getByLabel('Code from your authenticator app').fill(oathtool(secret));
    await p.getByRole('button', { name: 'Confirm' }).click();
    const codes = p.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    await shot('recovery-codes', p);
    await p.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await p.getByRole('heading', { name: 'User Management' }).waitFor();
    const me = await app.gql(
      '{ me { sessionKind mfa { enrolled } } }',
      {},
      (await p.evaluate(`sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})`)) as string,
    );
    expect(me.data!.me).toEqual({ sessionKind: 'FULL', mfa: { enrolled: true } });
    await p.close();
  });

  it('signs out; the whole walk stayed offline, without a console error, under a CSP that blocks inline script', async () => {
    await page.goto(`${app.url}/admin/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(`sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})`)).toBeNull();
    expect(problems).toEqual([]);
    expect(offOrigin).toEqual([]);
    // ...and the policy is in force: an inline script does not run.
    await page.evaluate(
      "const script = document.createElement('script'); script.textContent = 'window.inlineRan = true'; document.head.appendChild(script);",
    );
    expect(await page.evaluate('window.inlineRan')).toBeUndefined();
  });
});
