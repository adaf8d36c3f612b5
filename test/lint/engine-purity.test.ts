import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/index.js';

/**
 * The engine's purity rules (eslint.config.js) hold for every file under src/engine, however deep. The
 * probes are linted with the repository's own config through ESLint's Node API; type information is
 * switched off because none of the purity rules needs it (and a probe exists only in memory).
 */
const eslint = new ESLint({ cwd: REPO_ROOT, overrideConfig: tseslint.configs.disableTypeChecked });
const NESTED = 'src/engine/handlers/zz/deeper/probe.ts';
const PURITY_RULES = new Set([
  'no-restricted-imports',
  'no-restricted-globals',
  'no-restricted-properties',
  'no-restricted-syntax',
]);

/** The purity rules a source breaks, as "rule: message" lines. */
async function violations(source: string, filePath = NESTED): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  expect(result?.messages.filter((m) => m.fatal === true)).toEqual([]);
  return (result?.messages ?? [])
    .filter((m) => m.ruleId !== null && PURITY_RULES.has(m.ruleId))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

const forbidden: [string, string, RegExp][] = [
  ['the store', "export * from '../../../../store/sqlite-store.js';", /no-restricted-imports/],
  [
    'the runtime',
    "import type { Runtime } from '../../../runtime/runtime.js';\nexport type R = Runtime;",
    /imports/,
  ],
  ['the transport', "export { x } from '../../../../transport/ws-server.js';", /no-restricted-imports/],
  ['the server', "import '../../../../server/server.js';", /no-restricted-imports/],
  ['the CLI', "import '../../../../cli/main.js';", /no-restricted-imports/],
  ['a node: builtin', "import { readFileSync } from 'node:fs';\nreadFileSync('x');", /no-restricted-imports/],
  ['a bare builtin', "import { join } from 'path';\njoin('x');", /no-restricted-imports/],
  ['better-sqlite3', "import Database from 'better-sqlite3';\nnew Database('x');", /no-restricted-imports/],
  ['ws', "import { WebSocket } from 'ws';\nnew WebSocket('x');", /no-restricted-imports/],
  ['pino', "import pino from 'pino';\npino();", /no-restricted-imports/],
  ['a dynamic import', "export const m = import('../x.js');", /no-restricted-syntax/],
  ['new Date()', 'export const now = new Date();', /no-restricted-syntax.*ctx\.now/],
  ['Date()', 'export const now = Date();', /no-restricted-syntax.*ctx\.now/],
  ['Date.now', 'export const now = Date.now();', /no-restricted-properties.*Date\.now/],
  ['Date.now destructured', 'const { now } = Date;\nexport const t = now();', /Date\.now/],
  ['Math.random', 'export const r = Math.random();', /no-restricted-properties.*Math\.random/],
  ['performance.now', 'export const t = performance.now();', /no-restricted-globals.*performance/],
  ['crypto.getRandomValues', 'crypto.getRandomValues(new Uint8Array(4));', /no-restricted-globals.*crypto/],
  ['crypto.randomUUID', 'export const id = crypto.randomUUID();', /no-restricted-globals.*crypto/],
  ['process', 'export const home = process.env.HOME;', /no-restricted-globals.*process/],
  ['globalThis', 'export const t = globalThis.performance.now();', /no-restricted-globals.*globalThis/],
  ['setTimeout', 'setTimeout(() => undefined, 10);', /no-restricted-globals.*setTimeout/],
  ['setInterval', 'setInterval(() => undefined, 10);', /no-restricted-globals.*setInterval/],
  ['setImmediate', 'setImmediate(() => undefined);', /no-restricted-globals.*setImmediate/],
  ['queueMicrotask', 'queueMicrotask(() => undefined);', /no-restricted-globals.*queueMicrotask/],
  ['fetch', "export const page = fetch('https://example.org');", /no-restricted-globals.*fetch/],
  ['console', "console.log('x');", /no-restricted-globals.*console/],
  ['the host time zone', 'export const h = new Date(0).getHours();', /no-restricted-syntax.*time zone/],
  ['the host locale', 'export const s = new Date(0).toLocaleString();', /no-restricted-syntax.*locale/],
  ['Intl outside the time-zone module', "export const f = new Intl.DateTimeFormat('en');", /Intl/],
];

describe('engine purity lint (every file under src/engine, at any depth)', () => {
  it.each(forbidden)('reports %s in a nested engine file', async (_what, source, expected) => {
    const found = await violations(source);
    expect(found.some((line) => expected.test(line))).toBe(true);
  });

  it('passes a clean nested engine file: its own modules, the protocol, zod, dates from timestamps', async () => {
    const clean = [
      "import { z } from 'zod';",
      "import type { HandlerContext } from '../../../handler.js';",
      "import { makeError } from '../../../../protocol/errors.js';",
      "import { localDateText } from '../../../time-zone.js';",
      'export const day = (ctx: HandlerContext): string => localDateText(ctx.now, "Europe/Zurich");',
      'export const iso = (ms: number): string => new Date(ms).toISOString();',
      "export const refused = makeError('INVALID');",
      'export const schema = z.number();',
    ].join('\n');
    expect(await violations(clean)).toEqual([]);
  });

  it('lets only the time-zone module use Intl, and it stays pure otherwise', async () => {
    const zoned = "export const f = new Intl.DateTimeFormat('en', { timeZone: 'UTC' });";
    expect(await violations(zoned, 'src/engine/time-zone.ts')).toEqual([]);
    expect(await violations('export const t = Date.now();', 'src/engine/time-zone.ts')).not.toEqual([]);
  });

  it('keeps the protocol free of the engine and of I/O too, at any depth', async () => {
    const nested = 'src/protocol/commands/zz/probe.ts';
    for (const source of [
      "import '../../../engine/state.js';",
      "import '../../../store/sqlite-store.js';",
      "import 'node:fs';",
    ]) {
      expect(await violations(source, nested)).toEqual([expect.stringMatching(/^no-restricted-imports/)]);
    }
    expect(
      await violations("import { z } from 'zod';\nimport '../../errors.js';\nz.string();", nested),
    ).toEqual([]);
  });

  it('finds nothing in the engine as it is', async () => {
    const results = await eslint.lintFiles(['src/engine/**/*.ts']);
    const found = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId !== null && PURITY_RULES.has(m.ruleId))
        .map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(found).toEqual([]);
  });
});
