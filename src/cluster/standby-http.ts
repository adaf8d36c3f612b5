import { Hono, type Handler } from 'hono';
import { makeError } from '../protocol/errors.js';
import { jsonAnswer, refusal, type HttpEnv } from '../server/http-answers.js';
import type { LeaseHolder } from './engine-lease.js';

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
 * files are served here as on the owner. What reads or writes the owner's store (`/pictures`, and the
 * owner's `/metrics`) answers 503 naming the owner, whose URL the caller may use instead.
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
  const ownerOnly = (): Response =>
    jsonAnswer(503, JSON.stringify({ ok: false, message: onlyOnOwner(options.owner()), ...standing() }), {
      'retry-after': '1',
    });
  app.all('/pictures', ownerOnly);
  app.all('/pictures/*', ownerOnly);
  app.all('/metrics', ownerOnly);
  if (options.staticApp !== undefined) app.get('*', options.staticApp);
  app.notFound(() => refusal(makeError('NOT_FOUND', 'Nothing is served here.')));
  return app;
}

/** Why a standby does not serve what only the owner does, and where the owner is. */
function onlyOnOwner(owner: LeaseHolder | undefined): string {
  const where =
    owner === undefined ? 'no owner is known yet' : `ask ${owner.url.replace('ws://', 'http://')}`;
  return `Only the node owning the engine serves this: ${where}.`;
}
