import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Builds the admin console and GraphiQL once per jest run, before any worker starts, as
 * `npm start` would (web/build.mjs: a no-op of a few milliseconds when web/dist/ is current).
 * Once, so that the browser tests of the sqlite and mariadb projects never build at the same time.
 */
export default async function globalSetup(): Promise<void> {
  execFileSync(process.execPath, [path.resolve(__dirname, '../../web/build.mjs')], { stdio: 'inherit' });
}
