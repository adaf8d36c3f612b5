import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The player app's budget for the JavaScript a phone must load before the first screen (issue 10). */
export const INITIAL_JS_BUDGET_BYTES = 150 * 1024;

export interface InitialJs {
  /** Each script the start page loads, with its size gzipped (level 9, as a server would send it). */
  readonly files: readonly { readonly file: string; readonly gzipBytes: number }[];
  readonly totalGzipBytes: number;
}

/**
 * The JavaScript the built app's start page loads at once: its module scripts and module preloads, as
 * index.html names them. Chunks loaded later (the map, on demand) do not count.
 */
export function initialJs(outDir: string): InitialJs {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((m) => m[1]);
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]);
  const files = [...new Set([...scripts, ...preloads])]
    .filter((path): path is string => path !== undefined)
    .map((path) => {
      const file = path.replace(/^\//, '');
      return { file, gzipBytes: gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length };
    });
  return { files, totalGzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}

/** The sizes as the build prints them. */
export function describeInitialJs(report: InitialJs): string {
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} kB`;
  const lines = report.files.map((f) => `  ${f.file}  ${kb(f.gzipBytes)} gzip`);
  const verdict = report.totalGzipBytes <= INITIAL_JS_BUDGET_BYTES ? 'within' : 'OVER';
  return [
    `player app initial JS: ${kb(report.totalGzipBytes)} gzip (${verdict} the ${kb(INITIAL_JS_BUDGET_BYTES)} budget)`,
    ...lines,
  ].join('\n');
}
