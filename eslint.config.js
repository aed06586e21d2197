import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // syntax-errors/ is a plugin fixture that must not parse.
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '**/generated/**', 'test/src/fixtures/plugins/syntax-errors/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@teeio/arch-*', '**/arch-*/**'], message: 'The core never imports a plugin.' }] },
      ],
    },
  },
  {
    // Plugins and tests may import plugins; only core is restricted.
    files: ['arch-*/**', 'test/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
