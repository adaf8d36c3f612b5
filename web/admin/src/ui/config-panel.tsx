import { useSignal } from '@preact/signals';
import type { GameConfig } from '../../../../src/protocol/game-config.js';
import type { Desk } from '../desk.js';
import { refusalText } from '../desk.js';

type Field = keyof GameConfig;

/** The fields edited here: every number and text of the config (ranges, sets and colours stay as they are). */
function scalarFields(config: GameConfig): Field[] {
  return (Object.keys(config) as Field[]).filter((k) => ['number', 'string'].includes(typeof config[k]));
}

/**
 * The session's whole config, one field per row: a change is sent at once (`config.set`) and the engine's
 * refusal is shown beside that field; an overridden field can be reset to its default (`config.reset`).
 */
export function ConfigPanel({ desk }: { desk: Desk }) {
  const errors = useSignal<ReadonlyMap<Field, string>>(new Map());
  const view = desk.config.value;
  if (view === undefined) return null;
  const running = desk.view.value?.state.game != null;
  const run = async (field: Field, work: () => Promise<unknown>): Promise<void> => {
    const next = new Map(errors.value);
    try {
      await work();
      next.delete(field);
    } catch (e) {
      next.set(field, refusalText(e));
    }
    errors.value = next;
  };
  const set = (field: Field, raw: string): Promise<void> => {
    const value = typeof view.effective[field] === 'number' ? Number(raw) : raw;
    return run(field, () =>
      desk.request({
        type: 'config.set',
        changes: { [field]: value },
        ...(running ? { override: true } : {}),
      }),
    );
  };
  const reset = (field: Field): Promise<void> =>
    run(field, () =>
      desk.request({ type: 'config.reset', fields: [field], ...(running ? { override: true } : {}) }),
    );
  return (
    <section aria-labelledby="config-title" class="panel">
      <h2 id="config-title">Session config</h2>
      <div class="config-grid">
        {scalarFields(view.effective).map((field) => {
          const error = errors.value.get(field);
          const overridden = field in view.overrides;
          const id = `config-${field}`;
          // scalarFields keeps only numbers and texts.
          const value = view.effective[field] as number | string;
          return (
            <div key={field} class={`config-field${overridden ? ' overridden' : ''}`} data-field={field}>
              <label for={id}>{field}</label>
              <input
                id={id}
                {...(typeof value === 'number'
                  ? { type: 'number' as const, step: 'any' }
                  : { type: 'text' as const })}
                // Not controlled: an update of another field must not reset what is being typed here.
                key={String(value)}
                defaultValue={String(value)}
                aria-invalid={error !== undefined}
                aria-describedby={error === undefined ? undefined : `${id}-error`}
                onChange={(e) => void set(field, e.currentTarget.value)}
              />
              {overridden && (
                <button type="button" class="secondary small" onClick={() => void reset(field)}>
                  Reset<span class="visually-hidden"> {field} to its default</span>
                </button>
              )}
              {error !== undefined && (
                <p id={`${id}-error`} class="error" role="alert">
                  {error}
                </p>
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}
