import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import type { RequestContext, SessionContext } from '../context';
import { requestIdFor } from '../http/request-context';
import type { Services } from '../services';
import { authorize, type Op } from '../services/access/policy';
import { jsonBody } from '../http/json-body';
import type { Json } from './openapi/components';

/**
 * Who may call a route: the access-policy operation it performs, declared per route as
 * `@Authorized(Op.X)` is on a GraphQL root field, and decided by the same policy
 * (services/access/policy.ts) before the handler runs; the service decides again with the
 * target. A route whose operation depends on the request (PUT /user/users/mfa/reset: with a body
 * an admin reset, without one the caller's own enrollment) names it with a function.
 */
type Access = Op | ((req: Request) => Op);

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RestRoute {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. `/user/users/{id}/membership` (the document uses the same string). */
  path: string;
  access: Access;
  /** The route's OpenAPI operation (summary, parameters, body, responses), kept beside its handler. */
  doc: Json;
  /**
   * Parses the request, makes ONE service call, shapes the answer. Returns the JSON body of a
   * 200, or undefined for a 204 (or after streaming the answer itself).
   */
  handle: (services: Services, ctx: SessionContext, req: Request, res: Response) => Promise<unknown>;
}

export interface RestDeps {
  /** The request context (request id, address, principal) of an HTTP request, as for GraphQL. */
  contextOf: (req: Request) => Promise<RequestContext>;
  services: Services;
  log: Logger;
}

function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, ':$1');
}

const parseJson = jsonBody();

/**
 * 415 unless a body, when there is one, is application/json; then parse it (413 over 100 kB,
 * 400 if malformed or not UTF-8). `Content-Length: 0` (what clients send for a body-less PUT or POST) is no
 * body: req.body stays undefined (body-parser would make it `{}`).
 */
const jsonBodyOnly: RequestHandler = (req, res, next) => {
  if (req.get('content-length') === '0') {
    next();
    return;
  }
  // req.is() is null without a body, false for a body of another type.
  if (req.is('application/json') === false) {
    next(Object.assign(new Error('unsupported media type'), { type: 'media.unsupported', status: 415 }));
    return;
  }
  parseJson(req, res, next);
};

function handlerFor(route: RestRoute, deps: RestDeps): RequestHandler {
  const action = `rest.${route.method} ${route.path}` as const;
  return async (req, res) => {
    const ctx = await deps.contextOf(req);
    const op = typeof route.access === 'function' ? route.access(req) : route.access;
    const s = await authorize(ctx, deps.services.audit, op, { action });
    const body = await route.handle(deps.services, s, req, res);
    if (res.headersSent) {
      return;
    }
    if (body === undefined) {
      res.status(204).end();
      return;
    }
    res.json(body);
  };
}

/**
 * The legacy REST router: every route of the table, 405 (with Allow) for any other method on
 * a known path (so a mutation is never reachable over GET; `X-HTTP-Method-Override` is not
 * honoured), JSON bodies only, and one error handler (toRestError) for every failure.
 */
export function createRestRouter(
  routes: readonly RestRoute[],
  deps: RestDeps,
  onError: (err: unknown, req: Request, res: Response) => void,
): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  const byPath = new Map<string, RestRoute[]>();
  for (const r of routes) {
    byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  }
  // Literal paths (/user/users/me, /user/users/page, ...) are registered before templated ones
  // (/user/users/{id}) so that `me` is never taken for an id.
  const ordered = [...byPath.keys()].sort((a, b) => Number(a.includes('{')) - Number(b.includes('{')));
  for (const path of ordered) {
    const route = router.route(expressPath(path));
    const methods = byPath.get(path)!;
    // Express would answer HEAD by running the GET handler (a whole CSV export, audited): refuse it.
    route.head((_req: Request, res: Response) => {
      res.set('Allow', methods.map((r) => r.method).join(', '));
      res.status(405).end();
    });
    for (const r of methods) {
      const chain = r.method === 'GET' ? [] : [jsonBodyOnly];
      route[r.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](...chain, handlerFor(r, deps));
    }
    const allow = methods.map((r) => r.method).join(', ');
    route.all((req: Request, res: Response) => {
      res.set('Allow', allow);
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
      res.status(405).json({ error: 'METHOD_NOT_ALLOWED', message: `${req.method} is not allowed here; use ${allow}.` });
    });
  }
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    void next;
    onError(err, req, res);
  });
  return router;
}

export function requestIdOf(req: Request): string {
  return String((req as Request & { id?: string }).id ?? requestIdFor(req));
}
