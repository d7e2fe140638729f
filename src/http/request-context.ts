import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { RequestContext } from '../context';
import type { SessionService } from '../services/auth/session.service';
import { GraphQLError } from 'graphql';
import { isDatabaseUnavailable } from '../db/errors';
import { ServiceUnavailableError } from '../errors';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** A caller-supplied X-Request-Id is kept only if it is harmless in logs; otherwise a new one. */
export function requestIdFor(req: Request): string {
  const given = req.get('x-request-id');
  return given && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

function bearerToken(req: Request): string | null {
  const h = req.get('authorization');
  if (!h) {
    return null;
  }
  const m = /^Bearer\s+([A-Za-z0-9_-]{16,128})\s*$/i.exec(h);
  return m ? m[1] : '';
}

/**
 * Builds the RequestContext for one HTTP request (GraphQL and REST alike): request id, client
 * address, and the principal behind the bearer token (null when absent or not valid).
 * A malformed or unknown token is treated as no session: the operation then decides.
 */
export async function buildRequestContext(
  req: Request,
  dataSource: DataSource,
  sessions: SessionService,
  log: Logger,
): Promise<RequestContext> {
  const requestId = (req as Request & { id?: string }).id ?? requestIdFor(req);
  const token = bearerToken(req);
  let principal = null;
  try {
    principal = token ? await sessions.resolve(dataSource.manager, token) : null;
  } catch (err) {
    // Fail closed: a token we cannot check is neither a session nor "no session"; the request
    // stops here: 503 when the database cannot serve (retry elsewhere), else a generic 500.
    log.error({ err, requestId }, 'could not resolve the session');
    if (isDatabaseUnavailable(err)) {
      const e = new ServiceUnavailableError();
      Object.assign(e.extensions, { requestId: String(requestId), http: { status: 503 } });
      throw e;
    }
    throw new GraphQLError('Internal server error.', {
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: String(requestId), http: { status: 500 } },
    });
  }
  // The request's child logger is made on first use: most requests log nothing (at `warn`),
  // and a pino child serialises its bindings when it is created.
  let child: Logger | undefined;
  return {
    requestId: String(requestId),
    ip: req.ip ?? null,
    principal,
    manager: dataSource.manager,
    get log(): Logger {
      child ??= log.child({
        requestId,
        userId: principal?.userId,
        orgId: principal?.orgId,
        impersonatorUserId: principal?.impersonatorUserId ?? undefined,
      });
      return child;
    },
  };
}
