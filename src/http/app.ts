import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import pinoHttp from 'pino-http';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { ApolloServer } from '@apollo/server';
import type { AppConfig } from '../config/config';
import type { Services } from '../services';
import type { GraphQLContext } from '../graphql/context';
import { buildRequestContext, requestIdFor } from './request-context';
import { mountHealth } from './health';
import { securityHeaders } from './security-headers';
import { mountRest } from '../rest';
import { mountConsole } from './console';
import { INVALID_UTF8, jsonBody } from './json-body';

export interface AppParts {
  config: AppConfig;
  dataSource: DataSource;
  services: Services;
  apollo: ApolloServer<GraphQLContext>;
  log: Logger;
  isDraining: () => boolean;
}

/**
 * Request ids and access logs. At `info` and below, pino-http logs every request. Above it (the
 * production `warn`), pino-http would still build a child logger per request and then discard
 * its line (5% of a page request's CPU in a profile): a lean middleware sets the request id and
 * logs only the failed requests, at `error`, in pino-http's shape.
 */
function requestLogger(log: Logger): (req: Request, res: Response, next: NextFunction) => void {
  const genReqId = (req: Request, res: Response): string => {
    const id = requestIdFor(req);
    res.setHeader('X-Request-Id', id);
    return id;
  };
  const serializers = {
    req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
    res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
  };
  if (log.isLevelEnabled('info')) {
    return pinoHttp({
      logger: log,
      genReqId: (req, res) => genReqId(req as Request, res as Response),
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      serializers,
    });
  }
  return (req, res, next) => {
    const started = Date.now();
    const id = genReqId(req, res);
    (req as Request & { id?: string }).id = id;
    res.once('finish', () => {
      if (res.statusCode >= 500) {
        log.error(
          {
            req: serializers.req({ id, method: req.method, url: req.originalUrl }),
            res: serializers.res(res),
            responseTime: Date.now() - started,
          },
          'request completed',
        );
      }
    });
    next();
  };
}

/** The Express app: health, GraphQL, (REST shim and docs are mounted by their modules). */
export function createExpressApp(parts: AppParts): Express {
  const { config, dataSource, services, apollo, log } = parts;
  // Both doors build the request context (request id, client address, principal) the same way.
  const contextOf = (req: Request) => buildRequestContext(req, dataSource, services.session, log);
  const app = express();
  app.disable('x-powered-by');
  // Express's hop count: the client address is taken from the last N X-Forwarded-For entries.
  app.set('trust proxy', config.trustProxyHops > 0 ? config.trustProxyHops : false);
  app.use(requestLogger(log));
  app.use(
    securityHeaders({
      landingPage: config.graphqlIntrospection,
      landingPath: '/graphql',
      graphiqlPath: config.graphqlIntrospection ? '/graphiql' : undefined,
    }),
  );
  mountHealth(app, dataSource, parts.isDraining);
  // Draining (SIGTERM): in-flight requests finish; new ones are refused and the client is told
  // to reconnect elsewhere (a load balancer also sees /ready answer 503).
  app.use((_req: Request, res: Response, next: NextFunction) => {
    if (!parts.isDraining()) {
      next();
      return;
    }
    res.setHeader('Connection', 'close');
    res.status(503).json({ error: 'SERVICE_UNAVAILABLE', message: 'The server is shutting down; retry on another instance.' });
  });

  app.use(
    '/graphql',
    // Browser origins allowed to call the API (Apollo Studio's Sandbox in development). Bearer
    // tokens, not cookies: no credentials mode. Apollo's CSRF prevention stays on as well.
    cors({ origin: config.corsOrigins, credentials: false, exposedHeaders: ['X-Request-Id'], maxAge: 600 }),
    jsonBody(),
    expressMiddleware(apollo, {
      context: async ({ req }) => contextOf(req) as Promise<GraphQLContext>,
    }),
    // A body that is not UTF-8 never reaches Apollo: answered in GraphQL's shape, as REST answers it in its own.
    (err: Error & { type?: string; field?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (err.type !== INVALID_UTF8) {
        next(err);
        return;
      }
      res.status(400).json({ errors: [{ message: err.message, extensions: { code: 'BAD_USER_INPUT', field: err.field } }] });
    },
  );

  mountRest(app, { contextOf, services, log });
  mountConsole(app, { graphiql: config.graphqlIntrospection });

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'NOT_FOUND', message: 'No such path.' });
  });
  // Last resort: never a stack trace to the client.
  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    void _next;
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status >= 500) {
      log.error({ err, requestId: (req as Request & { id?: string }).id }, 'unhandled error');
    }
    res.status(status).json({
      error: status === 413 ? 'PAYLOAD_TOO_LARGE' : status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST',
      message: status >= 500 ? 'Internal server error.' : err.message,
      requestId: (req as Request & { id?: string }).id,
    });
  });
  return app;
}
