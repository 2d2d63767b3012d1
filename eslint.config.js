// ESLint for the generator itself: JavaScript's and typescript-eslint's recommended rules, and the type-aware rules
// that catch a promise nobody waits for (the CLI writes files and spawns processes: a lost rejection is a lost error).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tmp/', '.releases/', 'templates/', 'fixtures/', 'test/e2e/client/'] },
  js.configs.recommended,
  { languageOptions: { globals: globals.node } },
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `const { yes: _asked, ...chosen } = options` names what it leaves out
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  // the tests read and type terminal escapes on purpose
  { files: ['test/**'], rules: { 'no-control-regex': 'off' } },
);
