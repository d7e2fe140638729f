import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLSchema } from 'graphql';
import type { AppConfig } from '../config/config';
import { AppError } from '../errors';
import type { GraphQLContext } from './context';
import { formatError } from './format-error';

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
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    formatError,
    // No HTTP caching of GraphQL responses here: without the default cache-control plugin no
    // plugin has a willResolveField hook, so Apollo does not wrap every field's resolver (about
    // 5% of a 50-row page's CPU, `npm run bench`).
    plugins: [landing, errorLogPlugin, ApolloServerPluginCacheControlDisabled(), ...extraPlugins],
  });
}
