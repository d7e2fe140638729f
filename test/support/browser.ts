import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { requireTool } from './tools';

/** Debian's chromium (found on PATH), headless, with nothing that phones home. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** Where screenshots go (gitignored). */
export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

/**
 * A browser context that is offline except for `origin`: every other request is aborted and
 * remembered in `offOrigin`; console errors (CSP reports among them) and page errors are
 * collected in `problems`, for every page the context opens.
 */
export async function offlineContext(
  browser: Browser,
  origin: string,
): Promise<{ context: BrowserContext; offOrigin: string[]; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const offOrigin: string[] = [];
  const problems: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      offOrigin.push(url);
      await route.abort();
      return;
    }
    await route.continue();
  });
  context.on('page', (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') {
        problems.push(`console: ${m.text()}`);
      }
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return { context, offOrigin, problems };
}
