import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import type { HttpRoute } from '../transport/ws-server.js';

/**
 * Where `npm run build` puts the player app: `<package>/dist/web`. The same path from src/server (run
 * through tsx) and from dist/server (compiled).
 */
export const WEB_APP_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** What the app learns from the server at start (same origin, so no CORS). */
export interface WebAppConfig {
  /** A raster tile URL template (`{z}/{x}/{y}`); null: only the offline base map, no outside request. */
  readonly tileUrl: string | null;
}

/**
 * The player app (issue 10) at `/` and the game master's dashboard (issue 13) at `/admin`, on the engine's HTTP server, the same origin as the WebSocket.
 * Hashed assets are cached for good; index.html, the service worker and the manifest are revalidated on
 * every load, so that an update reaches phones at their next start. A browser navigating to a path
 * that names no file gets index.html (the app routes itself); other requests for it get the engine's
 * 404. Registered after the engine's own routes, so it answers only what they do not.
 */
export function webAppRoute(config: WebAppConfig, dir: string = WEB_APP_DIR): HttpRoute {
  const built = existsSync(dir);
  const files = built
    ? sirv(dir, { etag: true, gzip: true, brotli: false, setHeaders: cacheHeaders })
    : undefined;
  const appConfig = JSON.stringify(config);
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/app-config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : appConfig);
      return true;
    }
    if (files === undefined) return notBuilt(res);
    files(req, res, () => {
      // A page the browser navigates to gets its app (it routes itself); anything else is not found.
      if (!(req.headers.accept ?? '').includes('text/html')) return notFound(res);
      req.url = shellOf(path);
      files(req, res, () => notFound(res));
    });
    return true;
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

function notBuilt(res: ServerResponse): true {
  res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('The player app is not built: run `npm run build`.\n');
  return true;
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'not found' }));
}
