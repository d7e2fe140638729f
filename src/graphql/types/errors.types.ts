import { GraphQLEnumType } from 'graphql';
import type { ErrorCode } from '../../errors';

/**
 * What each `extensions.code` means (src/errors.ts is the vocabulary). Typed as a total record,
 * so a code added there fails the type check until it is described here.
 */
const ERROR_CODE_DESCRIPTIONS: Record<ErrorCode, string> = {
  UNAUTHENTICATED:
    'No session, an unknown, expired or revoked token, or a failed sign-in (wrong org, email or password: one answer for all). Sign in again. REST: 401.',
  FORBIDDEN:
    'The session may not do this: not an admin, an MFA-step or enrollment-only session, an impersonation session, or an admin acting on their own isAdmin/isActive/opt-out. On an object field, only that field is refused. REST: 403.',
  NOT_FOUND:
    'No such record in your org. A user, role or group of another org gets exactly this answer, so nothing outside your org can be probed. REST: 404.',
  BAD_USER_INPUT:
    'The request or one of its values is invalid (unknown field, wrong type, out of range, a wrong MFA code, a request limit); `extensions.field` names the offending input when there is one. Nothing was changed. REST: 400.',
  CONFLICT:
    'The change collides with the current state: a stale `version` (reload and retry), a duplicate email, externalRef or name, or the last active admin. Nothing was changed. REST: 409 (412 with If-Match).',
  SEAT_LIMIT_REACHED: 'Enabling this member would exceed the org’s licensedSeats. Nothing was changed. REST: 409.',
  RATE_LIMITED:
    'Too many attempts (sign-ins for an email, MFA codes for a factor); `extensions.retryAfterSeconds` says when to try again. REST: 429 with Retry-After.',
  SERVICE_UNAVAILABLE:
    'The database (or this node of a cluster) cannot serve right now: down, not answering within the query timeout, out of connections, or not in the primary component. Nothing was decided from stale data; retry shortly, or on another instance. `extensions.requestId` finds the cause in the server log. HTTP 503 when the whole operation failed; REST: 503 with Retry-After.',
  INTERNAL_SERVER_ERROR:
    'An unexpected failure. The message is generic; `extensions.requestId` (also the X-Request-Id header) finds the cause in the server log. REST: 500.',
};

/** Codes of the automatic-persisted-query protocol (src/graphql/apollo.ts), outside our vocabulary. */
const PROTOCOL_CODE_DESCRIPTIONS = {
  PERSISTED_QUERY_NOT_FOUND:
    'Automatic persisted queries: the server does not know the sent sha256Hash (yet, or any more). Send the request again with the query text and the same hash; APQ clients do this by themselves.',
};

/**
 * The error codes as a schema type, so clients and Sandbox users can read them where they read the
 * rest of the API. No field returns it: it documents `errors[].extensions.code`.
 */
export const ErrorCodeType = new GraphQLEnumType({
  name: 'ErrorCode',
  description:
    'The value of `extensions.code` on every error this API returns. Errors never carry a stack trace, SQL, table or constraint name.',
  values: Object.fromEntries(
    Object.entries({ ...ERROR_CODE_DESCRIPTIONS, ...PROTOCOL_CODE_DESCRIPTIONS }).map(([code, description]) => [
      code,
      { value: code, description },
    ]),
  ),
});
