import helmet from 'helmet';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

type Directives = Record<string, string[]>;

/**
 * The default Content-Security-Policy: same-origin only, no inline script or style, no plugins,
 * no framing. It fits the JSON API and the Swagger UI at /docs (swagger-ui-dist assets from this
 * origin, its initializer a file, "Try it out" a same-origin fetch; data: for its SVG icons).
 * No upgrade-insecure-requests: a development server on plain http would lose its assets.
 */
const STRICT_CSP: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

const APOLLO_CDNS = [
  'https://embeddable-sandbox.cdn.apollographql.com',
  'https://embeddable-explorer.cdn.apollographql.com',
  'https://apollo-server-landing-page.cdn.apollographql.com',
];

/**
 * The Apollo Sandbox landing page (GET /graphql in a browser, development only). Its HTML carries
 * its own per-render nonce policy in a <meta> tag; browsers enforce both policies, so the
 * 'unsafe-inline' below does not let through any inline script without that nonce. The page loads
 * the Sandbox script from Apollo's CDN and frames sandbox.embed.apollographql.com, which runs the
 * operations through the page (same origin) and talks to Apollo Studio.
 */
const LANDING_PAGE_CSP: Directives = {
  ...STRICT_CSP,
  'script-src': ["'self'", "'unsafe-inline'", ...APOLLO_CDNS],
  'style-src': ["'self'", "'unsafe-inline'", ...APOLLO_CDNS, 'https://fonts.googleapis.com'],
  'img-src': ["'self'", 'data:', 'https://apollo-server-landing-page.cdn.apollographql.com'],
  'font-src': ["'self'", 'https://fonts.gstatic.com'],
  'manifest-src': ['https://apollo-server-landing-page.cdn.apollographql.com'],
  'frame-src': ['https://sandbox.embed.apollographql.com', 'https://explorer.embed.apollographql.com'],
  'connect-src': ["'self'", 'https://*.apollographql.com'],
};

/**
 * GraphiQL at /graphiql/ (development only): the strict policy plus what its Monaco editor needs,
 * each checked in Chromium with the network cut off (test/e2e/console.test.ts fails on any CSP
 * report in the page's console):
 * - worker-src 'self': Monaco runs its editor, JSON and GraphQL language services in web
 *   workers, bundled by Vite as files under /graphiql/assets/ (never blob: URLs);
 * - font-src data:: the graphiql package's CSS embeds its fonts (Fira Code, Monaco's codicons)
 *   as data: URLs, so no font is fetched from anywhere;
 * - style-src 'unsafe-inline': Monaco writes <style> elements and style="" attributes in the
 *   HTML it renders (about 70 CSP reports per page load without it; a known Monaco limit).
 *   Styles only: script-src stays 'self', so no injected script can run here either.
 */
const GRAPHIQL_CSP: Directives = {
  ...STRICT_CSP,
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'", 'data:'],
  'worker-src': ["'self'"],
};

function helmetWith(directives: Directives): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  });
}

/**
 * Security headers for every response (helmet), and `Cache-Control: no-store` so no proxy or
 * browser cache keeps an answer that may hold a token or personal data (static assets override
 * it). The landing-page policy is used only where the landing page can be served.
 */
export function securityHeaders(opts: { landingPage: boolean; landingPath: string; graphiqlPath?: string }): RequestHandler {
  const strict = helmetWith(STRICT_CSP);
  const landing = helmetWith(LANDING_PAGE_CSP);
  const graphiql = helmetWith(GRAPHIQL_CSP);
  const ide = opts.graphiqlPath;
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    const isLanding = opts.landingPage && req.method === 'GET' && req.path === opts.landingPath;
    const isIde = !!ide && (req.path === ide || req.path.startsWith(`${ide}/`));
    (isLanding ? landing : isIde ? graphiql : strict)(req, res, next);
  };
}
