import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_APP_DIR } from '../../src/server/web-app.js';
import { REPO_ROOT } from '../helpers/server.js';

/**
 * The built player app's directory. `npm test` builds it first; a single test file run on its own builds
 * it when it is missing, so that the tests always exercise the real bundle.
 */
export function builtWebApp(): string {
  if (!['index.html', 'admin/index.html'].every((page) => existsSync(join(WEB_APP_DIR, page)))) {
    execFileSync(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts'],
      {
        cwd: REPO_ROOT,
        stdio: 'pipe',
      },
    );
  }
  return WEB_APP_DIR;
}
