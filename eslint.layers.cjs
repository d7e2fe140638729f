/**
 * The layer guard rails (docs/architecture.md): doors -> services -> entities and the database,
 * one way. Kept in their own module so test/unit/guard-rails.test.ts can prove they fire.
 */
const layerRules = [
  {
    files: ['src/graphql/**/*.ts', 'src/rest/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'typeorm',
              message: 'A door (resolver, REST handler) never touches repositories or entity managers: call one service method.',
            },
          ],
          patterns: [
            {
              group: ['**/db/raw', '**/db/transaction', '**/db/locks', '**/db/dialect'],
              message: 'A door runs no SQL and opens no transaction: that is the service layer.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/services/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['graphql', 'type-graphql', 'express', 'pino-http', 'cors', 'helmet'].map((name) => ({
            name,
            message: 'Services know nothing of HTTP or GraphQL: the doors translate.',
          })),
          patterns: [
            { group: ['@apollo/*', '@as-integrations/*'], message: 'Services know nothing of HTTP or GraphQL.' },
            { group: ['**/graphql/*', '**/rest/*', '**/http/*'], message: 'Services never import a door (graphql/, rest/, http/).' },
          ],
        },
      ],
    },
  },
];

module.exports = { layerRules };
