import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLSchema,
} from 'graphql';
import { createSchema } from '../../src/graphql/schema';
import { createServices } from '../../src/services';
import { loadConfig } from '../../src/config/config';
import { TEST_MFA_KEY } from '../support/harness';

/** Every schema element that a reader in Sandbox or GraphiQL would find without a description. */
function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const need = (what: string, description: string | null | undefined): void => {
    if (!description || description.trim().length < 3) {
      missing.push(what);
    }
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) {
      continue;
    }
    const isRoot = type === schema.getQueryType() || type === schema.getMutationType() || type === schema.getSubscriptionType();
    if (!isRoot) {
      need(type.name, type.description);
    }
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        need(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) {
          need(`${type.name}.${field.name}(${arg.name})`, arg.description);
        }
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        need(`${type.name}.${field.name}`, field.description);
      }
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) {
        need(`${type.name}.${value.name}`, value.description);
      }
    } else if (isUnionType(type)) {
      // A union has only its own description (checked above).
    }
  }
  return missing.sort();
}

describe('GraphQL schema descriptions', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await createSchema(createServices(loadConfig({ NODE_ENV: 'test', MFA_ENCRYPTION_KEY: TEST_MFA_KEY })));
  });

  it('every type, field, argument, enum value and input field has a description', () => {
    const missing = undescribed(schema);
    // The list names each one: `Type`, `Type.field`, `Type.field(arg)`, `Enum.VALUE`, `Input.field`.
    expect(missing).toEqual([]);
  });

  it('finds what it looks for (a type without any description is reported, with its fields)', async () => {
    const { GraphQLObjectType, GraphQLSchema: Schema, GraphQLString } = await import('graphql');
    const bare = new Schema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          thing: {
            type: new GraphQLObjectType({ name: 'Thing', fields: { name: { type: GraphQLString } } }),
            args: { id: { type: GraphQLString } },
          },
        },
      }),
    });
    expect(undescribed(bare)).toEqual(['Query.thing', 'Query.thing(id)', 'Thing', 'Thing.name']);
  });
});
