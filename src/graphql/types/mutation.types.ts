import { Field, InputType, ObjectType } from 'type-graphql';

/**
 * The one shape of every mutation (docs/graphql.md, "Mutations"): `fooBar(input: FooBarInput!):
 * FooBarPayload!`, as GitHub's, Shopify's and Relay's APIs have it. Every input extends
 * MutationInput and every payload MutationPayload, so each carries `clientMutationId`; it also
 * gives a mutation with nothing else to send (signOut) an input that GraphQL allows (an input
 * object needs at least one field). The bases are decorated only so type-graphql
 * copies their fields into each subclass; no field names them, so they are not in the schema.
 */
@InputType()
export abstract class MutationInput {
  @Field(() => String, {
    nullable: true,
    description: 'Any string of yours, returned as is in the payload (to match answers to requests); never stored.',
  })
  clientMutationId?: string | null;
}

@ObjectType()
export abstract class MutationPayload {
  @Field(() => String, { nullable: true, description: 'The clientMutationId of the input, as sent (null when none was sent).' })
  clientMutationId: string | null;
}

/** A payload: what the service answered plus the input's clientMutationId. */
export function payload<T extends object>(input: MutationInput | null | undefined, body: T): T & MutationPayload {
  return { ...body, clientMutationId: input?.clientMutationId ?? null };
}

/** The input's own fields, without clientMutationId and the named keys (ids, version): what a service takes as a patch. */
export function fieldsOf<T extends MutationInput, K extends keyof T = never>(input: T, ...keys: K[]): Omit<T, K | 'clientMutationId'> {
  const rest: Record<string, unknown> = { ...(input as object) };
  for (const k of ['clientMutationId', ...keys]) {
    delete rest[k as string];
  }
  return rest as Omit<T, K | 'clientMutationId'>;
}
