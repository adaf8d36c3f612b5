import {
  DEFAULT_GAME_CONFIG,
  resolveGameConfig,
  validateGameConfig,
  type PartialGameConfig,
} from '../../config/game-config.js';
import { sessionOf } from '../../game/teams.js';
import { fail, ok, type Handler, type HandlerContext, type Outcome } from '../../handler.js';
import type { SessionRecord } from '../../state.js';
import { catalogueOf, invalid } from '../catalogue/shared.js';

type ConfigView = { effective: ReturnType<typeof resolveGameConfig>; overrides: PartialGameConfig };

const view = (session: SessionRecord): ConfigView => ({
  effective: resolveGameConfig(session.config),
  overrides: { ...session.config },
});

export const configGet: Handler<'config.get'> = (_command, ctx) => ok(view(sessionOf(ctx)));

export const configSet: Handler<'config.set'> = (command, ctx) =>
  saveConfig(ctx, { ...sessionOf(ctx).config, ...definedOnly(command.changes) }, command.override === true);

/** CONFIG-1: every field can go back to its default; no field named = all of them. */
export const configReset: Handler<'config.reset'> = (command, ctx) => {
  const fields = command.fields ?? Object.keys(DEFAULT_GAME_CONFIG);
  const unknown = fields.filter((f) => !Object.hasOwn(DEFAULT_GAME_CONFIG, f));
  if (unknown.length > 0)
    return fail('INVALID', `Unknown config field "${unknown[0] ?? ''}".`, {
      rule: 'unknown-field',
      field: unknown[0],
    });
  const overrides: Record<string, unknown> = { ...sessionOf(ctx).config };
  for (const field of fields) delete overrides[field];
  return saveConfig(ctx, overrides, command.override === true);
};

/**
 * Validates the effective config (ranges and, for zones and sets, that they exist) and stores the
 * overrides (CONFIG-3). CONFIG-4: refused while a game runs unless the game master overrides explicitly.
 */
function saveConfig(
  ctx: HandlerContext,
  overrides: PartialGameConfig,
  override: boolean,
): Outcome<ConfigView> {
  const session = sessionOf(ctx);
  if (session.game !== null && !override) {
    return fail(
      'GAME_IN_PROGRESS',
      'The config is locked while the game runs (set `override` to change it anyway).',
    );
  }
  const catalogue = catalogueOf(ctx.tx);
  const changedRefs = 'startZone' in overrides || 'centreZone' in overrides || 'challengeSets' in overrides;
  const violations = validateGameConfig(resolveGameConfig(overrides), changedRefs ? catalogue : undefined);
  if (violations.length > 0) return invalid(violations);
  const saved = ctx.tx.put('session', { ...session, config: overrides });
  ctx.tx.broadcast({
    session: session.id,
    audience: 'all',
    event: { type: 'config.changed', overrides: { ...overrides } },
  });
  return ok(view(saved));
}

function definedOnly(changes: PartialGameConfig): PartialGameConfig {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
}
