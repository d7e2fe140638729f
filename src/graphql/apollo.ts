import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { GraphQLSchema } from 'graphql';
import type { AppConfig } from '../config/config';
import { AppError } from '../errors';
import type { GraphQLContext } from './context';
import { createFormatError } from './format-error';
import { httpStatusPlugin } from './http-status';
import { armorValidationRules, costLimitPlugin, GRAPHQL_LIMITS } from './limits';

/**
 * Automatic persisted queries (Apollo's APQ protocol): a client sends the SHA-256 of a query it
 * sent before instead of its text. The cache is per process, LRU, bounded in bytes and entries
 * live at most a day; a miss answers PERSISTED_QUERY_NOT_FOUND and the client resends the text.
 */
const PERSISTED_QUERIES = { maxBytes: 8 * 1024 * 1024, ttlSeconds: 24 * 3600 } as const;

/**
 * Logs every unexpected error with the request id (the client sees only that id) and stamps
 * the id on the error so formatError can return it.
 */
const errorLogPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors, operationName }) {
        for (const err of errors) {
          const original = unwrapResolverError(err);
          (err.extensions as Record<string, unknown>).requestId = contextValue.requestId;
          if (!(original instanceof AppError) && err.path) {
            contextValue.log.error({ err: original, operationName, path: err.path }, 'unexpected error in GraphQL operation');
          }
        }
      },
    };
  },
};

/**
 * An answer that says RATE_LIMITED with a retry delay also carries it as the `Retry-After`
 * header (the largest delay of its errors), as the REST shim's 429 does: HTTP clients and
 * proxies honour the header without reading the body.
 */
const retryAfterPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
        const delays = errors.map((e) => Number(e.extensions?.retryAfterSeconds)).filter((n) => Number.isFinite(n) && n > 0);
        if (delays.length) {
          response.http.headers.set('Retry-After', String(Math.ceil(Math.max(...delays))));
        }
      },
    };
  },
};

/**
 * One JSON log line per GraphQL operation: request id, actor and org (bound on ctx.log), the
 * operation's name and type, the outcome and the error codes the client got. Never the variables
 * or the query text (they may hold passwords and codes).
 */
function operationLogPlugin(infoEnabled: boolean): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ request }) {
      const started = Date.now();
      return {
        async willSendResponse({ contextValue, response, operation, operationName }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const codes = [...new Set((result?.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN')))];
          const hasData = result?.data != null && Object.values(result.data).some((v) => v != null);
          const outcome = codes.length === 0 ? 'ok' : hasData ? 'partial' : 'error';
          const line = {
            operationName: operationName ?? request.operationName ?? null,
            operationType: operation?.operation ?? null,
            outcome,
            errorCodes: codes.length ? codes : undefined,
            durationMs: Date.now() - started,
          };
          if (codes.includes('INTERNAL_SERVER_ERROR') || codes.includes('SERVICE_UNAVAILABLE')) {
            contextValue.log.warn(line, 'graphql operation');
          } else if (infoEnabled) {
            // Not even the request's child logger is made when the line would be discarded.
            contextValue.log.info(line, 'graphql operation');
          }
        },
      };
    },
  };
}

export function createApollo(
  schema: GraphQLSchema,
  config: AppConfig,
  extraPlugins: ApolloServerPlugin<GraphQLContext>[] = [],
): ApolloServer<GraphQLContext> {
  const landing = config.graphqlIntrospection
    ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
    : ApolloServerPluginLandingPageDisabled();
  return new ApolloServer<GraphQLContext>({
    schema,
    introspection: config.graphqlIntrospection,
    includeStacktraceInErrorResponses: false,
    // One operation per HTTP request: an array body would multiply every per-request limit.
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    persistedQueries: {
      cache: new InMemoryLRUCache<string>({ maxSize: PERSISTED_QUERIES.maxBytes }),
      ttl: PERSISTED_QUERIES.ttlSeconds,
    },
    // Limits checked before execution (see limits.ts): tokens while parsing, depth, aliases,
    // directives and introspection shape while validating, cost and list sizes with the variables.
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
    validationRules: armorValidationRules(),
    // Where the schema is not public, do not let error messages spell it out.
    formatError: createFormatError({ hideSuggestions: !config.graphqlIntrospection }),
    // No HTTP caching of GraphQL responses here: without the default cache-control plugin no
    // plugin has a willResolveField hook, so Apollo does not wrap every field's resolver (about
    // 5% of a 50-row page's CPU, `npm run bench`). Keep it so: none of the plugins below has one.
    plugins: [
      landing,
      errorLogPlugin,
      operationLogPlugin(['trace', 'debug', 'info'].includes(config.logLevel)),
      retryAfterPlugin,
      costLimitPlugin(schema),
      httpStatusPlugin,
      ApolloServerPluginCacheControlDisabled(),
      ...extraPlugins,
    ],
  });
}
