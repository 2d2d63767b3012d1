// `npm run lint`: JavaScript's and typescript-eslint's recommended rules, and two that read types: a promise nobody
// awaits (a rejection nobody sees) and a promise where a callback's result is ignored (an async route or listener whose
// error escapes). `npm run lint` also runs `prettier --check .`.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'client/', 'api-contract/', 'drizzle/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // parameters are a signature's (one per database or framework, or yours to fill in: nativeRoutes), and
      // `const { password, ...rest } = row` names what it leaves out
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', ignoreRestSiblings: true }],
    },
  },
);
