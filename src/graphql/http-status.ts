import type { ApolloServerPlugin } from '@apollo/server';
import Negotiator from 'negotiator';
import type { GraphQLContext } from './context';

/** The response media types Apollo Server chooses between (same names, same order as Apollo's). */
const APPLICATION_JSON = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';

/**
 * Codes of GraphQL request errors (raised before execution of a well-formed request): document
 * parse and validation failures, an operation that cannot be determined, variable coercion, and our
 * request limits (limits.ts, mfa-attempt-guard.ts answer BAD_USER_INPUT). Not BAD_REQUEST: that is
 * a request that is not a well-formed GraphQL-over-HTTP request (e.g. a number as `query`).
 */
const REQUEST_ERROR_CODES: ReadonlySet<unknown> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_USER_INPUT',
]);

/** The media type the response will have: what Apollo would choose for this Accept header. */
function responseMediaType(accept: string | undefined): string | undefined {
  if (!accept) {
    return APPLICATION_JSON;
  }
  return new Negotiator({ headers: { accept } }).mediaType([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON]);
}

/**
 * GraphQL over HTTP, status codes by response media type (the spec's `application/json` section
 * and the graphql-http audit suite, IDs 572B, FDE2, 7B9B):
 *
 * - `application/graphql-response+json` (a client that asks for it): a request error (document
 *   parse or validation failure, variable coercion failure, one of our request limits) is 400 with
 *   no `data`, as Apollo Server answers by default.
 * - `application/json` (no Accept, `*\/*`, or a legacy client): every response to a well-formed
 *   request is 200, request errors included; the body says what went wrong. Legacy clients treat
 *   any 4xx as a transport failure and would never read the errors.
 *
 * Requests that are not well-formed GraphQL-over-HTTP requests (malformed JSON, no `query`, a
 * blocked CSRF attempt, a batch) never reach this plugin and keep their 4xx; a database that cannot
 * check the session keeps its 503.
 *
 * Whatever the media type, an operation that failed whole because the database (or this cluster
 * node) cannot serve — no data, every error SERVICE_UNAVAILABLE — is a 503 with Retry-After, as on
 * REST: a load balancer or client retries elsewhere instead of reading a 200 as an answer.
 */
export const httpStatusPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart({ request }) {
    return {
      async willSendResponse({ response, errors }) {
        if (response.body.kind !== 'single') {
          return;
        }
        const result = response.body.singleResult;
        const noData = result.data == null || Object.values(result.data).every((v) => v == null);
        if (noData && result.errors?.length && result.errors.every((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) {
          response.http.status = 503;
          response.http.headers.set('retry-after', '5');
          return;
        }
        const mediaType = responseMediaType(request.http?.headers.get('accept'));
        if (mediaType !== APPLICATION_JSON) {
          return;
        }
        const requestError =
          result.data === undefined &&
          errors !== undefined &&
          errors.length > 0 &&
          errors.every((e) => REQUEST_ERROR_CODES.has(e.extensions.code));
        if (requestError && response.http.status !== undefined && response.http.status >= 400 && response.http.status < 500) {
          response.http.status = 200;
        }
      },
    };
  },
};
