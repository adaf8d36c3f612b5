import { getRequestListener } from '@hono/node-server';
import { Hono, type Handler, type MiddlewareHandler } from 'hono';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { encodeHealth, encodeReadiness } from '../protocol/encode.js';
import { makeError } from '../protocol/errors.js';
import { jsonAnswer, methodNotAllowed, refusal, type HttpEnv } from './http-answers.js';
import { metricsHandler, type MetricsRouteOptions } from './metrics-route.js';
import { pictureRoutes, type PictureRouteServices } from './pictures-http.js';

export interface HttpAppOptions {
  readonly logger: Logger;
  /** Why the server cannot take work now; empty when it can (HEALTH-2). */
  readonly readiness: () => readonly string[];
  readonly pictures: PictureRouteServices;
  /** Who may read `/metrics` and what it shows (OPS-1). */
  readonly metrics: MetricsRouteOptions;
  /** Serves the player app's files (src/server/web-app.ts) for every GET no route above takes. */
  readonly staticApp?: Handler<HttpEnv>;
  /**
   * Runs before `/pictures` (cluster mode with per-session ownership: passes them on to the node that
   * holds the pictures' part, or calls `next` when it is this one).
   */
  readonly picturesElsewhere?: MiddlewareHandler<HttpEnv>;
}

/** Shown at `/` when the server runs without the player app. */
const NO_APP_PAGE =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>truinlag</title>' +
  '<h1>No player app here</h1><p>This truinlag server runs without the player app.</p></html>';

/**
 * The HTTP side of the server (docs/protocol.md, "HTTP"), on the WebSocket's port: health, readiness,
 * pictures and the player app. Each route is one line here; the WebSocket upgrade never reaches it.
 */
export function httpApp(options: HttpAppOptions): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get('/healthz', () => jsonAnswer(200, encodeHealth(Math.round(process.uptime() * 1000))));
  app.get('/readyz', () => {
    const reasons = options.readiness();
    return jsonAnswer(reasons.length === 0 ? 200 : 503, encodeReadiness(reasons));
  });
  app.get('/metrics', metricsHandler(options.metrics));
  app.all('/metrics', () => methodNotAllowed('GET'));
  if (options.picturesElsewhere !== undefined) {
    app.use('/pictures', options.picturesElsewhere);
    app.use('/pictures/*', options.picturesElsewhere);
  }
  app.route('/pictures', pictureRoutes(options.pictures));
  if (options.staticApp !== undefined) app.get('*', options.staticApp);
  else
    app.get('/', () => new Response(NO_APP_PAGE, { status: 404, headers: { 'content-type': 'text/html' } }));
  app.notFound(() => refusal(makeError('NOT_FOUND', 'Nothing is served here.')));
  app.onError((cause) => {
    options.logger.error({ err: cause }, 'HTTP request failed');
    return refusal(makeError('INTERNAL'));
  });
  return app;
}

/** The Node request handler of an app, for the HTTP server the WebSocket transport runs. */
export function requestHandler(app: Hono<HttpEnv>): (req: IncomingMessage, res: ServerResponse) => void {
  // Global Request and Response stay Node's own: the adapter's faster ones would leak into everything else.
  const listener = getRequestListener(app.fetch, { overrideGlobalObjects: false });
  return (req, res) => void listener(req, res);
}
