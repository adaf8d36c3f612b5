import type { CatalogueKind } from '../../../protocol/broadcasts.js';
import type { CommandType } from '../../../protocol/commands/index.js';
import type { Handler } from '../../handler.js';

/**
 * A catalogue command that tells admins what kind of table it changed (CATALOGUE-12): one `catalogue.changed`
 * broadcast on the global stream per command that succeeded, so an open catalogue view reads it again.
 */
export function announced<T extends CommandType>(kind: CatalogueKind, handler: Handler<T>): Handler<T> {
  return (command, ctx) => {
    const outcome = handler(command, ctx);
    if (outcome.ok === true)
      ctx.tx.broadcast({ session: null, audience: 'admins', event: { type: 'catalogue.changed', kind } });
    return outcome;
  };
}
