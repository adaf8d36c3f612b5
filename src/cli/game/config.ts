import type { TruinlagClient } from '../../client/node.js';
import { findSet } from '../catalogue/live.js';
import { CliError } from '../connection.js';
import type { CliContext } from '../program.js';
import { lookUp, show, withSession } from './call.js';

/**
 * `config get [FIELD]`, `config set FIELD=VALUE…`, `config reset [FIELD…]` for the --session session
 * (CONFIG-1). Values are JSON where they parse (numbers, booleans, arrays, objects), else text; a field whose
 * value is text always takes the text as typed. `challengeSets` also takes set names: `Normal,Extra`.
 */
export function registerConfigCommands({ program, globals }: CliContext): void {
  const config = program.command('config').description("the --session session's game config");

  config
    .command('get [field]')
    .description('every field (marking the overridden ones), or one field')
    .action((field: string | undefined) =>
      withSession(globals(), async (call) => {
        const view = await call.request({ type: 'config.get' });
        const fields = Object.keys(view.effective);
        if (field === undefined) {
          show(globals(), view, () =>
            fields.map((f) => ({
              field: f,
              value: (view.effective as Record<string, unknown>)[f],
              overridden: Object.hasOwn(view.overrides, f) ? 'yes' : '',
            })),
          );
          return;
        }
        const name = knownField(fields, field);
        const one = {
          field: name,
          value: (view.effective as Record<string, unknown>)[name],
          overridden: Object.hasOwn(view.overrides, name),
        };
        show(globals(), one, () => one);
      }),
    );

  config
    .command('set <assignments...>')
    .description('override fields, e.g. `config set numCatchers=1 startTime=08:30 challengeSets=Normal`')
    .option('--override', 'change the config of a running game anyway')
    .action((assignments: string[], o: { override?: boolean }) =>
      withSession(globals(), async (call) => {
        const current = await call.request({ type: 'config.get' });
        const fields = Object.keys(current.effective);
        const changes: Record<string, unknown> = {};
        for (const assignment of assignments) {
          const at = assignment.indexOf('=');
          if (at <= 0) throw new CliError('INVALID', `"${assignment}" is not FIELD=VALUE.`);
          const field = knownField(fields, assignment.slice(0, at).trim());
          const text = assignment.slice(at + 1);
          const typed = parseValue(text, (current.effective as Record<string, unknown>)[field]);
          changes[field] = field === 'challengeSets' ? await setIds(call.client, typed) : typed;
        }
        const view = await call.request({
          type: 'config.set',
          changes: changes,
          ...(o.override === true ? { override: true } : {}),
        });
        show(globals(), view, () =>
          Object.keys(changes).map((f) => ({
            field: f,
            value: (view.effective as Record<string, unknown>)[f],
          })),
        );
      }),
    );

  config
    .command('reset [fields...]')
    .description('put fields back to their defaults (every field when none is named)')
    .option('--override', 'change the config of a running game anyway')
    .action((named: string[] | undefined, o: { override?: boolean }) =>
      withSession(globals(), async (call) => {
        const fields = named === undefined || named.length === 0 ? undefined : named;
        const view = await call.request({
          type: 'config.reset',
          ...(fields === undefined ? {} : { fields }),
          ...(o.override === true ? { override: true } : {}),
        });
        show(globals(), view, () =>
          fields === undefined
            ? { reset: 'every field', overridden: Object.keys(view.overrides).join(', ') }
            : fields.map((f) => ({ field: f, value: (view.effective as Record<string, unknown>)[f] })),
        );
      }),
    );
}

/** The field as the config spells it (case-insensitive), or INVALID listing the fields. */
function knownField(fields: readonly string[], field: string): string {
  const found = fields.find((f) => f.toLowerCase() === field.toLowerCase());
  if (found === undefined)
    throw new CliError('INVALID', `Unknown config field "${field}" (fields: ${fields.join(', ')}).`);
  return found;
}

/** JSON when it parses, else the text; for a text field the text itself (unless it is a JSON string). */
export function parseValue(text: string, current: unknown): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  return typeof current === 'string' && typeof parsed !== 'string' ? text : parsed;
}

/** Challenge set ids from ids, names, a comma-separated text of either, or a JSON array of either. */
async function setIds(client: TruinlagClient, value: unknown): Promise<unknown> {
  const items =
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : Array.isArray(value)
        ? (value as unknown[])
        : [value];
  if (!items.every((item) => typeof item === 'string' || typeof item === 'number')) return value;
  if (items.every((item) => typeof item === 'number')) return items;
  const sets = await client.request({ type: 'set.list' });
  return items.map((item) => lookUp(() => findSet(sets, item)).id);
}
