import { getMetadataStorage } from 'type-graphql';
import { createSchema } from '../../src/graphql/schema';
import { createServices } from '../../src/services';
import { loadConfig } from '../../src/config/config';
import { TEST_MFA_KEY } from '../support/harness';

describe('simpleResolvers (hot list types skip per-field middleware)', () => {
  it('no plain field of a simpleResolvers type carries @Authorized (it would be silently skipped)', async () => {
    await createSchema(createServices(loadConfig({ NODE_ENV: 'test', MFA_ENCRYPTION_KEY: TEST_MFA_KEY })));
    const storage = getMetadataStorage();
    const simple = storage.objectTypes.filter((t) => t.simpleResolvers).map((t) => t.target);
    expect(simple.map((t) => t.name)).toEqual(expect.arrayContaining(['MemberNode', 'Membership', 'UserConnection']));
    const unsafe = storage.authorizedFields.filter((a) => simple.includes(a.target)).map((a) => `${a.target.name}.${a.fieldName}`);
    expect(unsafe).toEqual([]);
  });
});
