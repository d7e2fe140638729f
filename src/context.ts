import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import type { SessionKindValue } from './entities/session.entity';

/** Who is calling: loaded once per request from the bearer token. */
export interface Principal {
  sessionId: number;
  userId: number;
  orgId: number;
  membershipId: number;
  kind: SessionKindValue;
  /** The admin behind an impersonation session, or null. */
  impersonatorUserId: number | null;
  isAdmin: boolean;
  expiresAt: Date;
}

/**
 * What every service method takes first: the principal (if any), the request id for logs and
 * audit rows, and the entity manager to use (the transaction's, inside withTransaction).
 */
export interface RequestContext {
  requestId: string;
  ip: string | null;
  principal: Principal | null;
  manager: EntityManager;
  log: Logger;
  /** True while inside withTransaction. */
  inTransaction?: boolean;
  /** Per-request memo for data loaders (GraphQL); services may ignore it. */
  loaders?: Map<string, unknown>;
}

/** For services that need a full session. */
export type SessionContext = RequestContext & { principal: Principal };
