// `npm run lint`: code rules (ESLint, typescript-eslint, React hooks) and the architecture's
// import rules (eslint-plugin-import-x). docs/architecture.md explains the layers; every rule
// below says in one line why it exists. The TypeScript-aware plugins come from the
// `loopdesk-eslint` workspace (main/build/eslint), which has the TypeScript 6 API they need.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { createNodeResolver, formatjs, importX, tseslint, vitest } from 'loopdesk-eslint';

/**
 * Renderer files whose texts are not in the catalog yet (issue #15); each leaves this list in the
 * commit that moves its texts. Empty means every screen speaks through shared/i18n.
 */
const I18N_PENDING = [
];

/** Code that ships (runs in the app, the browser host or the CLI); build scripts and tests do not. */
const SHIPPED = ['main/app', 'main/core', 'main/host', 'main/cli', 'main/services', 'shared', 'renderer/src'];

/**
 * Services from the bottom up. A service imports only services in lower rows, never one beside
 * or above it, so each can be tested, and later put behind a port, without the ones above.
 */
const SERVICE_LAYERS = [
  ['sftp', 'secrets', 'sandbox'],
  ['store'],
  // The team database (PostgreSQL): implements store's send-claims port for team mode.
  ['team'],
  ['activity', 'suppression'],
  ['profiles'],
  ['recipients'],
  ['sends'],
  ['mailings'],
  ['responses'],
];

/** The import rules, each `{ name, target, from, reason }` (paths from the repo root). */
const ARCHITECTURE = [
  {
    name: 'electron-only-in-its-host',
    target: ['main/app', 'main/core', 'main/cli', 'main/services', 'main/host/browser', 'main/host/paths.ts', 'shared', 'renderer'],
    from: ['node_modules/electron'],
    reason: 'only main/host/electron knows Electron; the same services run in the browser host and the CLI',
  },
  {
    name: 'services-below-hosts',
    target: ['main/services'],
    from: ['main/host', 'main/cli', 'main/app'],
    reason: 'services are called by hosts through the dispatcher; they never reach back into a host, the CLI or the composition root',
  },
  {
    name: 'shared-stands-alone',
    target: ['shared'],
    from: ['main', 'renderer', 'node_modules/react', 'node_modules/react-dom', 'node_modules/ag-grid-community', 'node_modules/ag-grid-react', 'node_modules/ws'],
    reason: 'shared/ runs in main and in the renderer alike, so it depends on neither side nor on a UI or server library',
  },
  {
    name: 'renderer-through-the-api',
    target: ['renderer/src'],
    from: ['main'],
    reason: 'the renderer reaches main only through the contract client (renderer/src/api), never by importing it',
  },
  {
    name: 'shipped-code-without-tests-or-build',
    target: SHIPPED,
    from: ['test', 'main/build'],
    reason: 'test code and build scripts are not in the package; shipped code that imports them breaks when installed',
  },
  ...SERVICE_LAYERS.flatMap((row, i) =>
    row.map((service) => ({
      name: `services-import-downward:${service}`,
      target: [`main/services/${service}`],
      from: SERVICE_LAYERS.slice(i).flat().filter((other) => other !== service).map((other) => `main/services/${other}`),
      reason: `a service imports only services below it (${SERVICE_LAYERS.slice(0, i).flat().join(', ') || 'none'}); the composition root main/app hands it anything else`,
    })),
  ).filter((rule) => rule.from.length > 0),
];

/**
 * Files that break a rule today, each for a reason being fixed elsewhere. The lead removes an
 * entry when the fix is merged; a new entry needs the same kind of reason.
 */
const KNOWN_EXCEPTIONS = {};

/** The import-x rule options for a file that is excused from `skip`. */
function restrictedPaths(skip = []) {
  return {
    zones: ARCHITECTURE.filter((rule) => !skip.includes(rule.name)).map((rule) => ({
      target: rule.target,
      from: rule.from,
      message: `[${rule.name}] ${rule.reason}.`,
    })),
  };
}

/** Rules that need to see every import of shipped code. */
const shippedImportRules = (skip = []) => ({
  'import-x/no-restricted-paths': ['error', restrictedPaths(skip)],
  ...(skip.includes('literal-dynamic-imports')
    ? {}
    : {
        'no-restricted-syntax': [
          'error',
          {
            selector: "ImportExpression[source.type!='Literal']",
            message: '[literal-dynamic-imports] import() takes a string literal, so the import rules can see what it loads.',
          },
          {
            // An AppError takes a catalog key (tsc insists); untranslated() is for texts from outside the catalog only.
            selector: "MemberExpression[object.name='AppError'][property.name='untranslated']",
            message: 'Give the error a catalog key (shared/i18n/catalog/<lang>/error-*.json) instead of an English text.',
          },
        ],
      }),
});

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', '.loopdesk/**', '.scratch/**', 'test/fixtures/lint/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    settings: {
      // Resolve and parse TypeScript sources too (import-x follows only .js files unless told).
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.mjs', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
    },
    plugins: { 'import-x': importX },
    rules: {
      // Unused arguments document a signature (dispatcher handlers, callbacks); `_` marks the rest.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Import cycles make start-up order matter and hide a layer that should be split.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['renderer/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // A missing dependency is a stale-value bug; a deliberate omission says why in a disable comment.
      'react-hooks/exhaustive-deps': 'error',
      // Screens load through useLoad (renderer/src/components/use-load.ts), which sets state only
      // when a result arrives; a synchronous setState in an effect is a cascading render.
      'react-hooks/set-state-in-effect': 'error',
      // The rules below check readiness for the React Compiler, which this app does not use:
      // `purity` flags Date.now() inside event handlers written in JSX (send-step.tsx), and
      // `refs` flags the latest-callback ref that useHostEvent keeps on purpose.
      'react-hooks/purity': 'off',
      'react-hooks/refs': 'off',
    },
  },
  {
    // Every word an operator reads goes through the catalog (shared/i18n): no text in JSX and no
    // literal in the attributes people read or hear. I18N_PENDING lists the files still being moved.
    files: ['renderer/src/**/*.tsx'],
    ignores: I18N_PENDING,
    plugins: { formatjs },
    rules: {
      'formatjs/no-literal-string-in-jsx': ['error', { props: { include: [['*', '{title,label,placeholder,alt,aria-label,aria-description,aria-valuetext,aria-roledescription,emptyText,hint,heading,confirmLabel,description}']] } }],
    },
  },
  {
    // A test that cannot fail is worse than none: each test asserts, unconditionally, and runs.
    files: ['test/unit/**', 'test/contract/**', 'test/integration/**'],
    plugins: { vitest },
    rules: {
      // expectTypeOf is an assertion too: tsc checks it (Vitest runs it as a no-op).
      'vitest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect.*', 'expectTypeOf', 'assertType'] }],
      // expect(value, message) is Vitest's way to say which value failed.
      'vitest/valid-expect': ['error', { maxArgs: 2 }],
      // Hooks may assert their set-up (a calibration that found nothing must stop the file).
      'vitest/no-standalone-expect': ['error', { additionalTestBlockFunctions: ['beforeAll', 'beforeEach', 'afterAll', 'afterEach'] }],
      // Not no-conditional-expect: the fault tests assert on both branches of "did the cut fire".
      'vitest/no-disabled-tests': 'error',
      'vitest/no-focused-tests': 'error',
      'vitest/no-identical-title': 'error',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    // CommonJS files load modules with require(); that is what makes them CommonJS.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['shared/**', 'renderer/src/**'],
    rules: {
      // shared/ and the renderer also run in a browser page: no Node built-ins.
      'import-x/no-nodejs-modules': 'error',
    },
  },
  {
    files: SHIPPED.map((dir) => `${dir}/**`),
    ignores: Object.keys(KNOWN_EXCEPTIONS),
    rules: shippedImportRules(),
  },
  ...Object.entries(KNOWN_EXCEPTIONS).map(([file, skip]) => ({ files: [file], rules: shippedImportRules(skip) })),
);
