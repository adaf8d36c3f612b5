import { Hono, type Handler } from 'hono';
import { makeError } from '../protocol/errors.js';
import { jsonAnswer, refusal, type HttpEnv } from '../server/http-answers.js';
import type { LeaseHolder } from './engine-lease.js';
import { forwardToOwner } from './owner-forward.js';

export interface StandbyHttpOptions {
  readonly node: string;
  /** Who owns the engine now, as this node last read the lease. */
  readonly owner: () => LeaseHolder | undefined;
  /** The player app and the dashboard (src/server/web-app.ts): served by every node alike. */
  readonly staticApp?: Handler<HttpEnv>;
}

/**
 * The HTTP side of a node that does not own the engine (CLUSTER-7). `/healthz` is 200 with the node's role,
 * as it serves clients (by relaying them); `/readyz` is 200 while it knows an owner to relay to. The app's
 * files are served here as on the owner. What reads or writes the owner's state (`/pictures`, and the
 * owner's `/metrics`) is forwarded to the owner over HTTP (CLUSTER-9, src/cluster/owner-forward.ts).
 */
export function standbyHttp(options: StandbyHttpOptions): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const standing = (): object => ({ role: 'standby', node: options.node, owner: options.owner() ?? null });
  app.get('/healthz', () => jsonAnswer(200, JSON.stringify({ ok: true, ...standing() })));
  app.get('/readyz', () => {
    const ready = options.owner() !== undefined;
    const reasons = ready ? [] : ['standby: no owner known yet'];
    return jsonAnswer(ready ? 200 : 503, JSON.stringify({ ok: ready, reasons, ...standing() }));
  });
  const forward: Handler<HttpEnv> = (c) => forwardToOwner(c, options.owner(), standing());
  app.all('/pictures', forward);
  app.all('/pictures/*', forward);
  app.all('/metrics', forward);
  if (options.staticApp !== undefined) app.get('*', options.staticApp);
  app.notFound(() => refusal(makeError('NOT_FOUND', 'Nothing is served here.')));
  return app;
}
