import type { Express, Request, Response } from 'express';
import { mountDocs } from './docs';
import { toRestError } from './errors';
import { createRestRouter, requestIdOf, type RestDeps } from './router';
import { REST_ROUTES } from './routes';

/** Sends any failure of a REST request through the one mapping (toRestError). */
function sendRestError(deps: RestDeps) {
  return (err: unknown, req: Request, res: Response): void => {
    const requestId = requestIdOf(req);
    if (res.headersSent) {
      // A streamed answer (the CSV export) failed half-way: the status is gone; cut the
      // connection so the client sees a truncated transfer rather than a "complete" file.
      deps.log.error({ err, requestId }, 'REST answer failed after it had started');
      res.destroy();
      return;
    }
    const ifMatch = req.get('if-match')?.trim();
    const e = toRestError(err, { requestId, conditional: !!ifMatch && ifMatch !== '*' });
    if (e.status >= 500) {
      deps.log.error({ err, requestId }, 'REST request failed');
    }
    res.status(e.status).set(e.headers).json(e.body);
  };
}

/** Mounts the legacy REST shim (/user/...), its OpenAPI document (/openapi.json) and Swagger UI (/docs). */
export function mountRest(app: Express, deps: RestDeps): void {
  mountDocs(app, REST_ROUTES);
  app.use(createRestRouter(REST_ROUTES, deps, sendRestError(deps)));
}
