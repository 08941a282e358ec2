// The house rules for src/ (issue #17): small functions, simple branches, no promise left floating,
// no file over 300 lines. Layering and import circles are checked by dependency-cruiser (.dependency-cruiser.cjs).
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.harness/**', 'harness/**', 'scripts/**', '__tests__/**', '*.config.*', '*.cjs', '*.mjs', '*.js'] },
  {
    files: ['src/**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      complexity: ['error', 12],
      'max-lines-per-function': ['error', { max: 50, skipBlankLines: true, skipComments: true, IIFEs: true }],
      'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/require-await': 'error'
    }
  }
)
