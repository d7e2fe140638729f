import { buildSchema } from 'type-graphql';
import { GraphQLSchema } from 'graphql';
import type { Services } from '../services';
import { createAuthChecker } from './auth-checker';
import { RESOLVERS } from './resolvers';
import { ErrorCodeType } from './types/errors.types';
import { DateTimeScalar } from './types/date-time.scalar';

/**
 * Builds the executable schema. Resolver instances get the services through their constructor;
 * the container below is the one place they are created.
 */
export async function createSchema(services: Services): Promise<GraphQLSchema> {
  const instances = new Map<Function, unknown>(RESOLVERS.map((R) => [R, new R(services)]));
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    authChecker: createAuthChecker(services.audit),
    container: { get: (cls: Function) => instances.get(cls) },
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
  });
  // The error codes are documented in the schema though no field returns them (errors.types.ts).
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, types: [...config.types, ErrorCodeType] });
}
