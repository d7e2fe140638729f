import { GraphQLError } from 'graphql';

/** The one error vocabulary. GraphQL answers carry `extensions.code`; REST maps it to a status. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'SEAT_LIMIT_REACHED'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export abstract class AppError extends GraphQLError {
  abstract readonly code: ErrorCode;
  constructor(message: string, code: ErrorCode, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export class UnauthenticatedError extends AppError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'Not signed in, or the session has ended.') {
    super(message, 'UNAUTHENTICATED');
  }
}

export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
  constructor(message = 'Not allowed.') {
    super(message, 'FORBIDDEN');
  }
}

export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
  constructor(what = 'User') {
    super(`${what} not found.`, 'NOT_FOUND');
  }
}

export class BadUserInputError extends AppError {
  readonly code = 'BAD_USER_INPUT';
  /** `field` names the offending input field when there is one. */
  constructor(
    message: string,
    public readonly field?: string,
  ) {
    super(message, 'BAD_USER_INPUT', field ? { field } : {});
  }
}

export class ConflictError extends AppError {
  readonly code = 'CONFLICT';
  constructor(message = 'The record was changed by someone else; reload it and try again.') {
    super(message, 'CONFLICT');
  }
}

/** The CONFLICT of optimistic locking: the version the client read is stale (REST: 412 with If-Match). */
export class StaleVersionError extends ConflictError {}

export class SeatLimitReachedError extends AppError {
  readonly code = 'SEAT_LIMIT_REACHED';
  constructor(message = 'The org has no free licensed seat.') {
    super(message, 'SEAT_LIMIT_REACHED');
  }
}

export class RateLimitedError extends AppError {
  readonly code = 'RATE_LIMITED';
  constructor(
    message = 'Too many attempts; try again later.',
    public readonly retryAfterSeconds?: number,
  ) {
    super(message, 'RATE_LIMITED', retryAfterSeconds ? { retryAfterSeconds } : {});
  }
}

/**
 * The database (or this node of a cluster) cannot serve now: down, frozen, out of connections, not
 * in the primary component; or a secret this server cannot open. Never a wrong answer instead.
 * GraphQL: SERVICE_UNAVAILABLE with HTTP 503 when nothing else was answered; REST: 503.
 */
export class ServiceUnavailableError extends AppError {
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(message = 'The service is temporarily unavailable.') {
    super(message, 'SERVICE_UNAVAILABLE', { unavailable: true });
  }
}

/** Precondition helper: one line per business rule, with the precise error. */
export function assertThat(condition: unknown, error: () => AppError): asserts condition {
  if (!condition) {
    throw error();
  }
}
