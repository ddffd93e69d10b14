import { defineConfig, globalIgnores } from 'eslint/config';
import vue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';

export default defineConfig(
  globalIgnores([
    'dist/', '.output/', '.wxt/', '.ci/node24/', 'bench/results/',
    // Being rewritten in TypeScript; the .ts files beside them are linted.
    'bench/**/*.js', 'install-scripts/**/*.js',
  ]),
  tseslint.configs.recommended,
  vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser } },
    rules: {
      // Pure formatting, and against how the templates are written: short
      // elements keep their attributes and text on one line, and void
      // elements are written self-closed (`<img ... />`).
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    rules: {
      eqeqeq: 'error',
      'prefer-const': 'error',
      'no-var': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', {
        args: 'all', argsIgnorePattern: '^_', caughtErrors: 'all', caughtErrorsIgnorePattern: '^_',
        // `const { dropped: _, ...rest } = o` is how a key is left out of a copy.
        ignoreRestSiblings: true,
      }],
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
);
