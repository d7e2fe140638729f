import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isDatabaseUnavailable } from '../db/errors';
import { AppError } from '../errors';

/** Apollo's own request-level codes, mapped onto our vocabulary. */
const APOLLO_INPUT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);
/**
 * The APQ protocol's own codes: clients (Apollo Client's persisted-query link, Apollo Kotlin,
 * iOS) resend the query text on exactly PERSISTED_QUERY_NOT_FOUND, so these are kept as they are.
 */
const PERSISTED_QUERY_CODES = new Set(['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);

/** graphql-js "Did you mean …?" hints reveal field, argument and type names of a private schema. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;
/** graphql-js's own token limit (Apollo parseOptions.maxTokens), reworded like armor's limits. */
const TOKEN_LIMIT = /^Syntax Error: Document contains more tha[nt] (\d+) tokens\. Parsing aborted\.$/;

/**
 * The input field a request-level error is about, so BAD_USER_INPUT carries `extensions.field` on
 * this door as on REST: `Field "x" is not defined by type "T"` (an unknown key, whatever its
 * name, `__proto__` included) or a variable value `at "input.x"`.
 */
const UNKNOWN_FIELD = /Field "([^"]{1,64})" is not defined by type/;
const VALUE_AT = /got invalid value .* at "(?:[^".]+\.)*([^".]{1,64})"/;

function inputField(message: string): string | undefined {
  return UNKNOWN_FIELD.exec(message)?.[1] ?? VALUE_AT.exec(message)?.[1];
}

function inputMessage(message: string, hideSuggestions: boolean): string {
  const tokens = TOKEN_LIMIT.exec(message);
  if (tokens) {
    return `Token limit of ${tokens[1]} exceeded.`;
  }
  // Armor's limit errors are validation errors dressed as syntax errors.
  const m = message.replace(/^Syntax Error: (?=.*limit of \d+ exceeded)/, '');
  return hideSuggestions ? m.replace(SUGGESTION, '') : m;
}

/** Apollo's uncoded request errors that name a client fault by status (APQ: "provided sha does not match query"). */
function isRequestLevelClientError(e: unknown): boolean {
  const status = (e as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http?.status;
  return typeof status === 'number' && status >= 400 && status < 500 && !(e instanceof AppError);
}

export interface FormatErrorOptions {
  /** Strip "Did you mean …?" (when introspection is off, the schema is not public). */
  hideSuggestions: boolean;
}

/**
 * The one formatError. Our AppErrors keep their message and code; GraphQL's own parse and
 * validation errors become BAD_USER_INPUT; a database that cannot serve (src/db/errors.ts) becomes
 * SERVICE_UNAVAILABLE, anything else (a bug) a generic INTERNAL_SERVER_ERROR, both carrying only the
 * request id that the server log has too.
 */
export function createFormatError(opts: FormatErrorOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => formatError(formatted, error, opts);
}

function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  opts: FormatErrorOptions = { hideSuggestions: false },
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const requestId = formatted.extensions?.requestId as string | undefined;
  if (original instanceof AppError) {
    const { code, field, retryAfterSeconds, unavailable } = original.extensions as Record<string, unknown>;
    const extensions: Record<string, unknown> = { code };
    if (field !== undefined) {
      extensions.field = field;
    }
    if (retryAfterSeconds !== undefined) {
      extensions.retryAfterSeconds = retryAfterSeconds;
    }
    if (unavailable) {
      extensions.requestId = requestId;
    }
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  const code = formatted.extensions?.code as string | undefined;
  if (!formatted.path && code && PERSISTED_QUERY_CODES.has(code)) {
    return { message: formatted.message, extensions: { code } };
  }
  // Request-level failures (parse, validation, variable coercion) have no path and say only
  // what is wrong with the query; they are the client's input errors.
  if (!formatted.path && ((code && APOLLO_INPUT_CODES.has(code)) || isRequestLevelClientError(original))) {
    const field = inputField(formatted.message);
    return {
      message: inputMessage(formatted.message, opts.hideSuggestions),
      locations: formatted.locations,
      extensions: field === undefined ? { code: 'BAD_USER_INPUT' } : { code: 'BAD_USER_INPUT', field },
    };
  }
  if (isDatabaseUnavailable(original)) {
    return {
      message: `The service is temporarily unavailable (request id ${requestId ?? 'unknown'}).`,
      path: formatted.path,
      extensions: { code: 'SERVICE_UNAVAILABLE', requestId },
    };
  }
  return {
    message: `Internal server error (request id ${requestId ?? 'unknown'}).`,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
  };
}
