import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import type { Services } from '../services';
import { createAuthChecker } from './auth-checker';
import { RESOLVERS } from './resolvers';

/**
 * Builds the executable schema. Resolver instances get the services through their constructor;
 * the container below is the one place they are created.
 */
export async function createSchema(services: Services): Promise<GraphQLSchema> {
  const instances = new Map<Function, unknown>(RESOLVERS.map((R) => [R, new R(services)]));
  return buildSchema({
    resolvers: RESOLVERS,
    authChecker: createAuthChecker(services.audit),
    container: { get: (cls: Function) => instances.get(cls) },
    validate: false,
  });
}
