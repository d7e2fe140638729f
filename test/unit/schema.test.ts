import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GraphQLEnumType, lexicographicSortSchema, printSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { createSchema } from '../../src/graphql/schema';
import { createServices } from '../../src/services';
import { loadConfig } from '../../src/config/config';
import { TEST_MFA_KEY } from '../support/harness';

describe('GraphQL schema', () => {
  it('the committed schema.graphql equals the emitted schema (run `npm run schema` after changing types)', async () => {
    const schema = await createSchema(createServices(loadConfig({ NODE_ENV: 'test', MFA_ENCRYPTION_KEY: TEST_MFA_KEY })));
    const committed = readFileSync(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
    const emitted = printSchema(lexicographicSortSchema(schema));
    expect(committed.replace(/^#.*\n/gm, '').trim()).toBe(emitted.trim());
  });

  it('every root field carries @Authorized (PUBLIC must be said out loud)', async () => {
    await createSchema(createServices(loadConfig({ NODE_ENV: 'test', MFA_ENCRYPTION_KEY: TEST_MFA_KEY })));
    const storage = getMetadataStorage();
    const roots = [...storage.queries, ...storage.mutations, ...storage.subscriptions];
    expect(roots.length).toBeGreaterThan(2);
    const missing = roots
      .filter((r) => !storage.authorizedFields.some((a) => a.target === r.target && a.fieldName === r.methodName))
      .map((r) => `${r.target.name}.${r.methodName}`);
    expect(missing).toEqual([]);
  });

  it('documents every error code as the ErrorCode enum, each value described', async () => {
    const schema = await createSchema(createServices(loadConfig({ NODE_ENV: 'test', MFA_ENCRYPTION_KEY: TEST_MFA_KEY })));
    const type = schema.getType('ErrorCode');
    expect(type).toBeInstanceOf(GraphQLEnumType);
    const values = (type as GraphQLEnumType).getValues();
    expect(values.map((v) => v.name).sort()).toEqual(
      expect.arrayContaining([
        'BAD_USER_INPUT',
        'CONFLICT',
        'FORBIDDEN',
        'INTERNAL_SERVER_ERROR',
        'NOT_FOUND',
        'RATE_LIMITED',
        'SEAT_LIMIT_REACHED',
        'SERVICE_UNAVAILABLE',
        'UNAUTHENTICATED',
      ]),
    );
    expect(values.filter((v) => !v.description || v.description.length < 20).map((v) => v.name)).toEqual([]);
  });
});
