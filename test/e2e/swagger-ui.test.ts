import { chromium, type Browser, type Page } from 'playwright-core';
import { describeWithTools, requireTool } from '../support/tools';
import { asAdmin, asMember, createOrg, startTestApp, testDbKind, type Principal, type TestApp } from '../support/harness';

/** A policy as strict as the one the hardening headers apply: no inline script or style, same origin only. */
const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const FLAG_COLUMNS = [
  'isActive',
  'isAdmin',
  'allAccess',
  'portalAccess',
  'mfaOptOut',
  'mfaOptOutUntil',
  'mfaOptOutReason',
  'excludeFromMembershipCount',
  'hasAdvancedPermissions',
];

/**
 * The seed article's steps 3-8, in a real browser (Debian chromium through playwright-core):
 * open the Swagger docs, authorize with an admin token, expand PUT /user/users/{id}/membership,
 * Try it out, enter the id and the body {"mfaOptOut": true}, Execute.
 */
describeWithTools(['chromium'], `Swagger UI at /docs, in a browser (${testDbKind()})`, () => {
  let app: TestApp;
  let admin: Principal;
  let target: Principal;
  let browser: Browser;
  let page: Page;
  const offOrigin: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    const org = await createOrg(app);
    admin = await asAdmin(app, org);
    target = await asMember(app, org, { firstName: 'Valentina', lastName: 'Rodriguez', allAccess: true });
    browser = await chromium.launch({
      executablePath: requireTool('chromium'),
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') {
        problems.push(`console: ${m.text()}`);
      }
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // Offline: anything that is not this server is refused and remembered.
    const origin = new URL(app.url).origin;
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (!url.startsWith(origin) && !url.startsWith('data:')) {
        offOrigin.push(url);
        await route.abort();
        return;
      }
      if (new URL(url).pathname === '/docs') {
        // Serve the page under a strict CSP (the server's own header when it sends one).
        const response = await route.fetch();
        const headers = response.headers();
        headers['content-security-policy'] ??= STRICT_CSP;
        await route.fulfill({ response, headers });
        return;
      }
      await route.continue();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app.stop();
  });

  it('opts a user out of MFA with {"mfaOptOut": true}, and only that changes', async () => {
    const before = (await app.ds.query('SELECT * FROM memberships WHERE id = ?', [target.membership.id]))[0];
    expect(Boolean(before.mfaOptOut)).toBe(false);

    const docs = await page.goto(`${app.url}/docs`);
    expect(docs!.headers()['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    await page.waitForSelector('.swagger-ui .info .title', { timeout: 30_000 });
    expect(await page.locator('.swagger-ui .info .title').innerText()).toContain('Gatehouse legacy REST API');

    // Authorize with the admin's bearer token.
    await page.click('.scheme-container button.authorize');
    await page.fill('.modal-ux input#auth-bearer-value', admin.token);
    await page.click('.modal-ux button.authorize');
    await page.click('.modal-ux button.btn-done');

    // Expand PUT /user/users/{id}/membership ("update a users membership"), Try it out.
    const op = page.locator('#operations-user-updateMembership');
    await expect(op.locator('.opblock-summary-description').innerText()).resolves.toBe('update a users membership');
    await op.locator('.opblock-summary').click();
    await op.locator('button.try-out__btn').click();

    // The example body is the seed's; replace it with the opt-out alone, enter the id, Execute.
    const body = op.locator('textarea.body-param__text');
    expect(JSON.parse(await body.inputValue())).toEqual({
      isActive: true,
      isAdmin: false,
      allAccess: true,
      mfaOptOut: true,
      excludeFromMembershipCount: false,
      hasAdvancedPermissions: false,
    });
    await body.fill('{"mfaOptOut": true}');
    await op.locator('tr[data-param-name="id"] input').fill(String(target.user.id));
    await op.locator('button.execute').click();

    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 30_000 });
    expect((await status.innerText()).trim()).toBe('200');
    const responseBody = JSON.parse(await op.locator('.live-responses-table .response-col_description pre.microlight').first().innerText());
    expect(responseBody).toMatchObject({ userId: target.user.id, mfaOptOut: true, allAccess: true, isActive: true, isAdmin: false });
    await op.screenshot({ path: 'test-artifacts/swagger-ui-membership.png' });

    const after = (await app.ds.query('SELECT * FROM memberships WHERE id = ?', [target.membership.id]))[0];
    const changed = FLAG_COLUMNS.filter((c) => String(before[c]) !== String(after[c]));
    expect(changed).toEqual(['mfaOptOut']);
    expect(Boolean(after.mfaOptOut)).toBe(true);

    // Offline, and clean under the strict policy.
    expect(offOrigin).toEqual([]);
    expect(problems).toEqual([]);
    // ...and the policy is really in force: an inline script does not run.
    // (A string, evaluated in the page: this file is compiled without the DOM types.)
    await page.evaluate(
      "const script = document.createElement('script'); script.textContent = 'window.inlineRan = true'; document.head.appendChild(script);",
    );
    expect(await page.evaluate('window.inlineRan')).toBeUndefined();
  });

  it('Try it out without authorizing shows the 401 of the document', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${app.url}/docs#/user/whoAmI`);
    const op = fresh.locator('#operations-user-whoAmI');
    await op.waitFor({ timeout: 30_000 });
    if (!(await op.locator('button.try-out__btn').isVisible())) {
      await op.locator('.opblock-summary').click();
    }
    await op.locator('button.try-out__btn').click();
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 30_000 });
    expect((await status.innerText()).trim()).toBe('401');
    await fresh.close();
  });
});
