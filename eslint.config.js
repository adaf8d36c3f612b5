// @ts-check
import js from '@eslint/js';
import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';

const reason = {
  clock: 'The engine is pure: use ctx.now (injected clock).',
  random: 'The engine is pure: use ctx.rng (injected seeded RNG).',
  timer: 'The engine is pure: ask for a timer in its output (armTimer).',
  io: 'The engine is pure: no I/O, no environment, no modules loaded at run time.',
};

const restricted = (message, ...names) => names.map((name) => ({ name, message }));

/** Globals the engine must not touch: clocks, randomness, timers, I/O and the host itself. */
const ENGINE_GLOBALS = [
  ...restricted(reason.clock, 'performance'),
  ...restricted(reason.random, 'crypto'),
  ...restricted(reason.timer, 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask'),
  ...restricted(reason.timer, 'clearTimeout', 'clearInterval', 'clearImmediate'),
  ...restricted(reason.io, 'fetch', 'WebSocket', 'XMLHttpRequest', 'process', 'require', 'console'),
  ...restricted(reason.io, 'globalThis', 'global'),
];
const INTL = { name: 'Intl', message: 'Time zones and locales are read in src/engine/time-zone.ts only.' };

/** Syntax that reads the clock, the host's time zone or locale, or loads code at run time. */
const ENGINE_SYNTAX = [
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: reason.clock },
  { selector: "CallExpression[callee.name='Date']", message: reason.clock },
  { selector: 'ImportExpression', message: reason.io },
  {
    selector:
      'CallExpression[callee.property.name=/^(getTimezoneOffset|toLocale(Date|Time)?String|' +
      '(get|set)(FullYear|Month|Date|Day|Hours|Minutes|Seconds|Milliseconds))$/]',
    message: "Reads the host's time zone or locale: use src/engine/time-zone.ts (the session's zone).",
  },
];

const SRC_FOLDERS = readdirSync(`${import.meta.dirname}/src`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/**
 * Import patterns for a layer that may import only its own modules, those of the `allowed` top-level
 * folders of src, and the given `packages` (zod unless told): a relative path into any other folder of src (store, runtime, transport, ...)
 * is refused at any depth, and so is every other package, node builtins included.
 */
function onlyImports(allowed, packages = ['zod']) {
  const message = `Only modules of src/${allowed.join(', src/')} and ${packages.join(', ')} may be imported here.`;
  const outside = SRC_FOLDERS.filter((name) => !allowed.includes(name));
  const known = packages.map((name) => name.replace(/[/.]/g, '\\$&')).join('|');
  return [
    { regex: `^(?!\\.|(${known})$)`, message },
    { regex: `(^|/)(${outside.join('|')})(/|\\.js$|$)`, message },
  ];
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // The engine is pure (D16): no clock, no randomness, no timers, no I/O, no host time
    // zone or locale, in every file at any depth under src/engine.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...ENGINE_GLOBALS, INTL],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: reason.clock },
        { object: 'Math', property: 'random', message: reason.random },
      ],
      'no-restricted-syntax': ['error', ...ENGINE_SYNTAX],
      'no-restricted-imports': ['error', { patterns: onlyImports(['engine', 'protocol']) }],
    },
  },
  {
    // The one module that does time-zone arithmetic may use Intl (always with an explicit zone).
    files: ['src/engine/time-zone.ts'],
    rules: { 'no-restricted-globals': ['error', ...ENGINE_GLOBALS] },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: onlyImports(['protocol']) }],
    },
  },
  {
    // The spreadsheet import/export runs in the dashboard's page as well as in the CLI: no node builtins,
    // no client or server code, only the two CSV packages (both have browser builds).
    files: ['src/catalogue-io/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: onlyImports(
            ['catalogue-io', 'engine', 'protocol'],
            ['zod', 'csv-parse/sync', 'csv-stringify/sync'],
          ),
        },
      ],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
