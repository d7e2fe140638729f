#!/usr/bin/env node
// Builds the admin console and GraphiQL (web/vite.config.mts) into web/dist/, unless the build
// there was made from exactly the current sources: `npm start` and the browser tests call this
// every time and it costs a few milliseconds when nothing changed. `--force` rebuilds anyway.
// Runs from `npm install` / `npm ci` (the root package's `prepare` script) and `npm start`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(WEB);
const DIST = path.join(WEB, 'dist');
const STAMP = path.join(DIST, '.source-hash');
const APPS = ['admin', 'graphiql'];

function files(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (name === 'dist' || name === 'node_modules') {
      continue;
    }
    if (statSync(p).isDirectory()) {
      files(p, out);
    } else {
      out.push(p);
    }
  }
  return out;
}

/** A hash of every input of the build: web/ (but dist/) and the lock file (library versions). */
export function sourceHash() {
  const h = createHash('sha256');
  for (const f of [...files(WEB), path.join(ROOT, 'package-lock.json')]) {
    h.update(path.relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

export function isUpToDate(hash = sourceHash()) {
  return (
    existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash && APPS.every((a) => existsSync(path.join(DIST, a, 'index.html')))
  );
}

/**
 * Builds both apps into a temporary folder and moves them into place, so a server (or a test in
 * another jest worker) never sees half a build, and two builds at once do not mix their files.
 */
export async function buildConsole({ force = false, quiet = false } = {}) {
  const hash = sourceHash();
  if (!force && isUpToDate(hash)) {
    return { built: false, ms: 0 };
  }
  const started = Date.now();
  // React and Apollo pick their production builds from NODE_ENV; jest runs with NODE_ENV=test.
  process.env.NODE_ENV = 'production';
  let vite;
  try {
    vite = await import('vite');
  } catch {
    throw new Error('vite is not installed: run `npm install` (the console is built with the dev dependencies).');
  }
  const tmp = path.join(WEB, `.dist-${process.pid}-${Date.now()}`);
  try {
    for (const app of APPS) {
      await vite.build({
        configFile: path.join(WEB, 'vite.config.mts'),
        mode: app,
        logLevel: quiet ? 'silent' : 'warn',
        build: { outDir: path.join(tmp, app) },
      });
    }
    writeFileSync(path.join(tmp, '.source-hash'), hash + '\n');
    mkdirSync(DIST, { recursive: true });
    for (const app of APPS) {
      const old = path.join(DIST, `${app}.old-${process.pid}`);
      if (existsSync(path.join(DIST, app))) {
        renameSync(path.join(DIST, app), old);
      }
      renameSync(path.join(tmp, app), path.join(DIST, app));
      rmSync(old, { recursive: true, force: true });
    }
    renameSync(path.join(tmp, '.source-hash'), STAMP);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { built: true, ms: Date.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const force = process.argv.includes('--force');
  // --optional (npm's `prepare`): an install without the dev dependencies (`npm ci --omit=dev`)
  // has no Vite; it skips the build instead of failing the install. `npm start` builds for real.
  const optional = process.argv.includes('--optional');
  const viteMissing = optional && !existsSync(path.join(ROOT, 'node_modules', 'vite', 'package.json'));
  if (viteMissing) {
    process.stdout.write('Console build skipped: vite is not installed (install without dev dependencies).\n');
    process.exit(0);
  }
  buildConsole({ force })
    .then((r) => {
      if (r.built) {
        process.stdout.write(`Built the admin console and GraphiQL into web/dist/ in ${(r.ms / 1000).toFixed(1)} s.\n`);
      }
    })
    .catch((err) => {
      process.stderr.write(`Building the console failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
