import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** External programs some tests drive, and the Debian package that brings each (.ci/run installs them). */
const PACKAGES: Record<string, string> = {
  oathtool: 'oathtool',
  chromium: 'chromium',
  mariadbd: 'mariadb-server',
};

/** Where mariadbd lives on Debian (sbin is not on every user's PATH). */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin'];

/** The absolute path of `name` found on PATH (or in sbin), or null. */
export function findTool(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function missingMessage(name: string): string {
  return `${name} not found on PATH: install it (apt-get install ${PACKAGES[name] ?? name}); .ci/run does.`;
}

/** The tool's path; throws a message naming the tool and its package when it is missing. */
export function requireTool(name: string): string {
  const found = findTool(name);
  if (!found) {
    throw new Error(missingMessage(name));
  }
  return found;
}

/**
 * `describe` for a suite that needs external programs. Outside CI a missing tool turns the suite
 * into one `todo` entry naming it (and a line on stderr); under CI=true a missing tool fails the
 * suite, because CI must never skip.
 */
export function describeWithTools(tools: string[], title: string, body: () => void): void {
  const missing = tools.filter((t) => !findTool(t));
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const message = missing.map(missingMessage).join(' ');
  if (process.env.CI === 'true') {
    describe(title, () => {
      it('has the tools it needs', () => {
        throw new Error(`${message} CI=true never skips a suite.`);
      });
    });
    return;
  }
  process.stderr.write(`[tests] ${title}: skipped. ${message}\n`);
  describe(title, () => {
    it.todo(`skipped: ${message}`);
  });
}
