import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

/** One API error as the console shows it: a readable message, and the input field it is about. */
export interface ShownError {
  code: string;
  message: string;
  /** `extensions.field` of the API (e.g. `email`, `mfaOptOutUntil`), when there is one. */
  field?: string;
  /** The record changed meanwhile: the screen offers to reload. */
  stale?: boolean;
}

/**
 * What each code of the API's error vocabulary (src/errors.ts) means for the person at the screen.
 * The server's own message follows, as it names the rule (e.g. "The org must keep at least one
 * active admin.").
 */
const LEAD: Record<string, string> = {
  UNAUTHENTICATED: 'Your session has ended. Sign in again.',
  FORBIDDEN: 'Not allowed.',
  NOT_FOUND: 'Not found in your org.',
  BAD_USER_INPUT: 'Please check the input.',
  CONFLICT: 'Conflict.',
  SEAT_LIMIT_REACHED: 'Seat limit reached: every licensed seat is in use. Free a seat (disable a user) or raise the limit.',
  RATE_LIMITED: 'Too many attempts.',
  SERVICE_UNAVAILABLE: 'The service is temporarily unavailable. Try again shortly.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on the server.',
};

/** A concurrent change (stale version) rather than another CONFLICT: the API words it so. */
const STALE = /changed (by someone else|since|meanwhile|concurrently)/i;

export function describeError(error: unknown): ShownError {
  if (CombinedGraphQLErrors.is(error) && error.errors.length > 0) {
    const e = error.errors[0];
    const ext = (e.extensions ?? {}) as { code?: string; field?: string; retryAfterSeconds?: number };
    const code = ext.code ?? 'INTERNAL_SERVER_ERROR';
    const stale = code === 'CONFLICT' && STALE.test(e.message);
    let message: string;
    if (stale) {
      message = 'Someone else changed this user meanwhile. Reload to see the latest values, then try again.';
    } else if (code === 'SEAT_LIMIT_REACHED') {
      message = LEAD.SEAT_LIMIT_REACHED;
    } else if (code === 'UNAUTHENTICATED') {
      message = LEAD.UNAUTHENTICATED;
    } else if (code === 'RATE_LIMITED' && ext.retryAfterSeconds) {
      message = `${e.message} Try again in ${Math.ceil(ext.retryAfterSeconds / 60)} minute(s).`;
    } else if (code === 'SERVICE_UNAVAILABLE') {
      message = LEAD.SERVICE_UNAVAILABLE;
    } else if (code === 'INTERNAL_SERVER_ERROR') {
      message = `${LEAD.INTERNAL_SERVER_ERROR} ${e.message}`;
    } else {
      message = e.message || LEAD[code] || code;
    }
    return { code, message, field: ext.field, stale };
  }
  if (ServerError.is(error)) {
    return {
      code: error.statusCode === 503 ? 'SERVICE_UNAVAILABLE' : `HTTP_${error.statusCode}`,
      message:
        error.statusCode === 503
          ? 'The service is temporarily unavailable. Try again shortly.'
          : `The server answered ${error.statusCode}.`,
    };
  }
  if (error instanceof TypeError) {
    return { code: 'NETWORK', message: 'The server cannot be reached. Check the connection and try again.' };
  }
  return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}
