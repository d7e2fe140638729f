import { AppError, StaleVersionError, type BadUserInputError, type RateLimitedError } from '../errors';
import { isDatabaseUnavailable } from '../db/errors';
import { INVALID_UTF8 } from '../http/json-body';

/** The JSON body of every REST error answer. */
interface RestErrorBody {
  /** One of the GraphQL error codes, or PAYLOAD_TOO_LARGE / UNSUPPORTED_MEDIA_TYPE / METHOD_NOT_ALLOWED / PRECONDITION_FAILED / SERVICE_UNAVAILABLE. */
  error: string;
  message: string;
  /** The offending input field (400 only, when one field is at fault). */
  field?: string;
  /** Present on 5xx answers: the server log has the details under this id. */
  requestId?: string;
}

export interface RestError {
  status: number;
  body: RestErrorBody;
  headers: Record<string, string>;
}

export interface ErrorCircumstances {
  requestId: string;
  /** The client sent `If-Match`: a version conflict is then 412 Precondition Failed, not 409. */
  conditional: boolean;
}

/** body-parser failures carry `type` and a 4xx `status`. */
function bodyParserError(err: unknown): RestError | null {
  const e = err as { type?: string; status?: number; message?: string; field?: string } | null;
  switch (e?.type) {
    case INVALID_UTF8:
      return plain(400, 'BAD_USER_INPUT', e.message ?? 'The request body is not valid UTF-8.', e.field);
    case 'entity.too.large':
      return plain(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than 100 kB.');
    case 'entity.parse.failed':
      return plain(400, 'BAD_USER_INPUT', 'The request body is not valid JSON.', 'body');
    case 'media.unsupported':
      return plain(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json.');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return plain(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 application/json.');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return plain(400, 'BAD_REQUEST', 'The request body could not be read.');
    default:
      return null;
  }
}

function plain(status: number, error: string, message: string, field?: string): RestError {
  return { status, body: field ? { error, message, field } : { error, message }, headers: {} };
}

/**
 * THE mapping from our error vocabulary (src/errors.ts) to HTTP, for every REST answer:
 *
 * | error                      | status                                   |
 * |----------------------------|------------------------------------------|
 * | BAD_USER_INPUT             | 400 `{ error, message, field }`          |
 * | malformed JSON             | 400                                      |
 * | JSON that is not UTF-8     | 400 with the field the bad bytes were in  |
 * | UNAUTHENTICATED            | 401 + `WWW-Authenticate: Bearer`         |
 * | FORBIDDEN                  | 403                                      |
 * | NOT_FOUND                  | 404 (also another org's user)            |
 * | CONFLICT                   | 409, or 412 when the client sent If-Match |
 * | SEAT_LIMIT_REACHED         | 409 (a state conflict, not a malformed request; `error` tells it apart) |
 * | body over 100 kB           | 413                                      |
 * | body not application/json  | 415                                      |
 * | RATE_LIMITED               | 429 + `Retry-After`                      |
 * | database unavailable       | 503 + request id                         |
 * | anything else              | 500 with the request id only             |
 */
export function toRestError(err: unknown, c: ErrorCircumstances): RestError {
  const parsed = bodyParserError(err);
  if (parsed) {
    return parsed;
  }
  if (isDatabaseUnavailable(err)) {
    return {
      status: 503,
      body: { error: 'SERVICE_UNAVAILABLE', message: 'The service is temporarily unavailable.', requestId: c.requestId },
      headers: { 'Retry-After': '5' },
    };
  }
  if (err instanceof AppError) {
    switch (err.code) {
      case 'BAD_USER_INPUT':
        return plain(400, err.code, err.message, (err as BadUserInputError).field);
      case 'UNAUTHENTICATED':
        return { ...plain(401, err.code, err.message), headers: { 'WWW-Authenticate': 'Bearer realm="gatehouse"' } };
      case 'FORBIDDEN':
        return plain(403, err.code, err.message);
      case 'NOT_FOUND':
        return plain(404, err.code, err.message);
      case 'CONFLICT':
        return c.conditional && err instanceof StaleVersionError
          ? plain(412, 'PRECONDITION_FAILED', 'The membership has changed since the version in If-Match; reload it and try again.')
          : plain(409, err.code, err.message);
      case 'SEAT_LIMIT_REACHED':
        return plain(409, err.code, err.message);
      case 'RATE_LIMITED': {
        const retry = (err as RateLimitedError).retryAfterSeconds;
        return { ...plain(429, err.code, err.message), headers: { 'Retry-After': String(Math.max(1, Math.ceil(retry ?? 60))) } };
      }
      case 'SERVICE_UNAVAILABLE':
      case 'INTERNAL_SERVER_ERROR':
        break;
    }
  }
  return {
    status: 500,
    body: { error: 'INTERNAL_SERVER_ERROR', message: `Internal server error (request id ${c.requestId}).`, requestId: c.requestId },
    headers: {},
  };
}
