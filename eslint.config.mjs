import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './eslint.layers.cjs';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'web/dist/**',
      'web/*.mjs',
      '.test-build/**',
      'node_modules/**',
      'coverage/**',
      'test-artifacts/**',
      'bench/results/**',
      'data/**',
      '*.js',
      '*.mjs',
      '*.cjs',
      'test/setup/*.js',
      'test/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      // Decorator metadata needs the runtime import of types used in decorated signatures.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      curly: ['error', 'all'],
      'no-console': 'error',
    },
  },
  ...layers.layerRules,
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', 'no-console': 'off' },
  },
);
