import { describe, expect, it } from 'vitest';
import { INITIAL_JS_BUDGET_BYTES, initialJs } from '../../web/build/initial-js.js';
import { builtWebApp } from './built-app.js';

describe('the player app bundle', () => {
  it(`loads at most ${INITIAL_JS_BUDGET_BYTES / 1024} kB of JavaScript (gzipped) before its first screen`, () => {
    const report = initialJs(builtWebApp());
    expect(report.files.length).toBeGreaterThan(0);
    expect(report.totalGzipBytes).toBeLessThanOrEqual(INITIAL_JS_BUDGET_BYTES);
  });
});
