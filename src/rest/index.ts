import type { Express, Request, Response } from 'express';
import type { Services } from '../services';
import { mountDocs } from './docs';
import { toRestError } from './errors';
import { createRestRouter, requestIdOf, type RestDeps, type RestRoute } from './router';
import { directoryRoutes } from './directory.routes';
import { exportRoutes } from './export.routes';
import { membershipRoutes } from './membership.routes';
import { mfaRoutes } from './mfa.routes';
import { orgRoutes } from './org.routes';
import { userRoutes } from './users.routes';

/** Every route of the legacy REST shim (PRODUCT.md §4). */
export function restRoutes(services: Services): RestRoute[] {
  return [
    ...userRoutes(services),
    ...directoryRoutes(services),
    ...membershipRoutes(services),
    ...mfaRoutes(services),
    ...orgRoutes(services),
    ...exportRoutes(services),
  ];
}

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
  mountDocs(app);
  app.use(createRestRouter(restRoutes(deps.services), deps, sendRestError(deps)));
}
