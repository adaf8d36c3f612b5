import { encodeHttpFailure } from '../protocol/encode.js';
import { makeError } from '../protocol/errors.js';
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import type { Handler } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { AppConfig } from '../protocol/app-config.js';
import type { HttpEnv } from './http-answers.js';

/**
 * Where `npm run build` puts the player app: `<package>/dist/web`. The same path from src/server (run
 * through tsx) and from dist/server (compiled).
 */
export const WEB_APP_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/**
 * The player app (issue 10) at `/` and the game master's dashboard (issue 13) at `/admin`, on the engine's HTTP server, the same origin as the WebSocket.
 * Hashed assets are cached for good; index.html, the service worker and the manifest are revalidated on
 * every load, so that an update reaches phones at their next start. A browser navigating to a path
 * that names no file gets index.html (the app routes itself); other requests for it get the engine's
 * 404. Mounted after the engine's own routes (src/server/http-app.ts), so it answers only what they do not.
 */
export function webApp(config: AppConfig, dir: string = WEB_APP_DIR): Handler<HttpEnv> {
  const built = existsSync(dir);
  const files = built
    ? sirv(dir, { etag: true, gzip: true, brotli: false, setHeaders: cacheHeaders })
    : undefined;
  const appConfig = JSON.stringify(config);
  return (c) => {
    if (c.req.path === '/app-config.json')
      return new Response(appConfig, {
        headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
      });
    if (files === undefined)
      return new Response('The player app is not built: run `npm run build`.\n', {
        status: 503,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    const { incoming: req, outgoing: res } = c.env;
    files(req, res, () => {
      // A page the browser navigates to gets its app (it routes itself); anything else is not found.
      if (!(req.headers.accept ?? '').includes('text/html')) return notFound(res);
      req.url = shellOf(c.req.path);
      files(req, res, () => notFound(res));
    });
    return RESPONSE_ALREADY_SENT;
  };
}

/** The game master's dashboard (issue 13) is its own page under /admin; every other path is the player app's. */
function shellOf(path: string): string {
  return path === '/admin' || path.startsWith('/admin/') ? '/admin/index.html' : '/index.html';
}

function cacheHeaders(res: ServerResponse, pathname: string): void {
  res.setHeader(
    'cache-control',
    pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(encodeHttpFailure(makeError('NOT_FOUND', 'Nothing is served here.')));
}
