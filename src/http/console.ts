import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type Request, type Response } from 'express';

/** The project root: the nearest folder above this file with a package.json (src/ or dist/src/). */
function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) {
    dir = path.dirname(dir);
  }
  return dir;
}

/** Where `npm run build:web` (web/build.mjs) puts the bundles: web/dist/<app>/. */
const CONSOLE_DIST = path.join(projectRoot(), 'web', 'dist');

type ConsoleApp = 'admin' | 'graphiql';

/**
 * Serves one single-page app built by Vite (web/vite.config.ts) at /<app>/: hashed assets with a
 * long cache, and index.html (never cached) for /<app>/ and every client-side route under it.
 * Nothing here reads a session: the pages call /graphql with the bearer token they hold.
 */
function mountSpa(app: Express, name: ConsoleApp, dist: string): void {
  const dir = path.join(dist, name);
  const index = path.join(dir, 'index.html');
  const assets = express.static(path.join(dir, 'assets'), { index: false, fallthrough: false, immutable: true, maxAge: '365d' });
  app.use(`/${name}/assets`, (req: Request, res: Response, next) => {
    if (req.method !== 'GET') {
      res
        .status(405)
        .set('Allow', 'GET')
        .json({ error: 'METHOD_NOT_ALLOWED', message: `${req.method} is not allowed here; use GET.` });
      return;
    }
    assets(req, res, next);
  });
  app.get([`/${name}`, `/${name}/{*route}`], (req: Request, res: Response) => {
    // Relative asset URLs and client-side routes need the trailing slash.
    if (req.path === `/${name}`) {
      res.redirect(301, `/${name}/`);
      return;
    }
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send(`The ${name} page is not built. Run: npm run build:web (npm install and npm start do it).\n`);
      return;
    }
    res.sendFile(index);
  });
}

/**
 * The admin console at /admin/ (always), and GraphiQL at /graphiql/ only where introspection is
 * on (development): without introspection the IDE could not load the schema anyway, and a
 * production server should not advertise one. Both are static bundles from this origin, under
 * the strict CSP (security-headers.ts; /graphiql/ adds what Monaco's workers and fonts need).
 */
export function mountConsole(app: Express, opts: { graphiql: boolean; dist?: string }): void {
  const dist = opts.dist ?? CONSOLE_DIST;
  mountSpa(app, 'admin', dist);
  if (opts.graphiql) {
    mountSpa(app, 'graphiql', dist);
  }
}
