import path from 'node:path';
import express, { type Express, type Request, type Response } from 'express';
import { openApiDocument } from './openapi/document';
import type { RestRoute } from './router';

/** The swagger-ui-dist package's own assets: no CDN, the page works offline. */
const SWAGGER_DIST = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const SWAGGER_ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png']);

/** The sessionStorage key the admin console (web/src/api/session-storage.ts) keeps its token under. */
const SESSION_TOKEN_KEY = 'gatehouse.session.token';

/**
 * The Swagger UI initializer, served as a file (/docs/swagger-init.js) so the page has no
 * inline script and a strict Content-Security-Policy (script-src 'self') applies.
 * The bearer token lives for this browser tab only: not Swagger UI's persistAuthorization (that
 * is localStorage, kept after the tab closes) but sessionStorage, under the key the console uses.
 * So the console's Swagger Docs tile opens this page already authorized (preauthorize), and a
 * token typed into Authorize survives a reload of the tab, never the tab itself.
 */
const INITIALIZER = `window.addEventListener('load', function () {
  var KEY = ${JSON.stringify(SESSION_TOKEN_KEY)};
  var store = window.sessionStorage;
  // Mirrors Authorize / Logout of the bearer scheme into sessionStorage (Swagger UI's own wrapActions hook).
  function tabOnlyToken() {
    return {
      statePlugins: {
        auth: {
          wrapActions: {
            authorize: function (original) {
              return function (payload) {
                var bearer = payload && payload.bearerAuth && payload.bearerAuth.value;
                if (typeof bearer === 'string' && bearer) {
                  store.setItem(KEY, bearer);
                }
                return original(payload);
              };
            },
            logout: function (original) {
              return function (names) {
                if (!names || names.indexOf('bearerAuth') !== -1) {
                  store.removeItem(KEY);
                }
                return original(names);
              };
            },
          },
        },
      },
    };
  }
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
    displayRequestDuration: true,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [tabOnlyToken],
    layout: 'BaseLayout',
    onComplete: function () {
      var token = store.getItem(KEY);
      if (token) {
        window.ui.preauthorizeApiKey('bearerAuth', token);
      }
    },
  });
});
`;

// No inline script or style. validatorUrl null: no call to the public validator badge service (works offline).
const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Gatehouse legacy REST API</title>
    <link rel="stylesheet" type="text/css" href="/docs/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="/docs/swagger-init.js" charset="UTF-8"></script>
  </body>
</html>
`;

/**
 * GET /openapi.json (the document) and /docs (Swagger UI). The CSP /docs needs: script-src
 * 'self'; style-src 'self'; img-src 'self' data: (the CSS's SVG icons); connect-src 'self'
 * (the document and "Try it out").
 */
export function mountDocs(app: Express, routes: readonly RestRoute[]): void {
  const document = JSON.stringify(openApiDocument(routes));
  app.get('/openapi.json', (_req: Request, res: Response) => {
    res.type('application/json').send(document);
  });
  app.get(['/docs', '/docs/', '/docs/index.html'], (_req: Request, res: Response) => {
    res.type('html').send(PAGE);
  });
  app.get('/docs/swagger-init.js', (_req: Request, res: Response) => {
    res.type('application/javascript').send(INITIALIZER);
  });
  const assets = express.static(SWAGGER_DIST, { index: false, fallthrough: false, maxAge: '1h' });
  app.get('/docs/:asset', (req: Request, res: Response, next) => {
    if (!SWAGGER_ASSETS.has(String(req.params.asset))) {
      res.status(404).json({ error: 'NOT_FOUND', message: 'No such path.' });
      return;
    }
    req.url = `/${req.params.asset}`;
    assets(req, res, next);
  });
}
