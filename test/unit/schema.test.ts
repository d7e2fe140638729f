import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
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
});
