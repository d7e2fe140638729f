import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

// The same rule blocks eslint.config.mjs applies to the whole tree (`npm test` runs eslint first).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { layerRules } = require('../../eslint.layers.cjs') as { layerRules: Array<Record<string, unknown>> };

/**
 * The layer guard rails fire: a door that imports TypeORM or runs SQL, or a service that imports
 * GraphQL, Express or a door, is a lint error; the allowed directions are not. Linted as text
 * under virtual paths, with only these rules (no type information needed).
 */
describe('layer guard rails', () => {
  const eslint = new ESLint({
    cwd: path.resolve(__dirname, '../..'),
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { '@typescript-eslint': tseslint.plugin } },
      ...layerRules,
    ],
  });
  const errorsOf = async (code: string, filePath: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath });
    return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
  };

  it.each([
    ["import { Repository } from 'typeorm';", 'src/rest/routes/probe.routes.ts'],
    ["import type { EntityManager } from 'typeorm';", 'src/graphql/resolvers/probe.resolver.ts'],
    ["import { rawQuery } from '../../db/raw';", 'src/graphql/resolvers/probe.resolver.ts'],
    ["import { withTransaction } from '../../db/transaction';", 'src/rest/routes/probe.routes.ts'],
    ["import type { Request } from 'express';", 'src/services/members/probe.service.ts'],
    ["import { GraphQLError } from 'graphql';", 'src/services/members/probe.service.ts'],
    ["import { Field } from 'type-graphql';", 'src/services/mfa/probe.ts'],
    ["import { createApollo } from '../../graphql/apollo';", 'src/services/auth/probe.ts'],
    ["import { toRestError } from '../../rest/errors';", 'src/services/auth/probe.ts'],
    ["import { buildRequestContext } from '../../http/request-context';", 'src/services/auth/probe.ts'],
  ])('refuses %s in %s', async (code, file) => {
    const errors = await errorsOf(code, file);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^@typescript-eslint\/no-restricted-imports: /);
  });

  it.each([
    ["import { parseId } from '../../services/common/ids';", 'src/rest/routes/probe.routes.ts'],
    ["import { User } from '../../entities';", 'src/graphql/resolvers/probe.resolver.ts'],
    ["import { isDatabaseUnavailable } from '../db/errors';", 'src/rest/errors.ts'],
    ["import { rawQuery } from '../../db/raw';", 'src/services/members/probe.service.ts'],
    ["import { In } from 'typeorm';", 'src/services/members/probe.service.ts'],
    ["import { BadUserInputError } from '../../errors';", 'src/services/members/probe.service.ts'],
  ])('allows %s in %s', async (code, file) => {
    expect(await errorsOf(code, file)).toEqual([]);
  });
});
