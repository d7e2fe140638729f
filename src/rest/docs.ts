import path from 'node:path';
import express, { type Express, type Request, type Response } from 'express';
import { openApiDocument } from './openapi/document';
import type { RestRoute } from './router';

/** The swagger-ui-dist package's own assets: no CDN, the page works offline. */
const SWAGGER_DIST = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const SWAGGER_ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png']);

/**
 * The Swagger UI initializer, served as a file (/docs/swagger-init.js) so the page has no
 * inline script and a strict Content-Security-Policy (script-src 'self') applies.
 */
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: true,
    displayRequestDuration: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
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
