import { useSignal } from '@preact/signals';
import type { Desk } from '../desk.js';
import { refusalText } from '../desk.js';
import { generatePassphrase } from '../passphrase.js';

interface Card {
  readonly name: string;
  readonly passphrase: string;
}

/**
 * Adds players to the session with a typed or generated passphrase. The passphrase is shown only here,
 * once (the server keeps only its hash), and can be printed as a sheet of login cards.
 */
export function PlayersPanel({ desk, session }: { desk: Desk; session: number }) {
  const name = useSignal('');
  const passphrase = useSignal(generatePassphrase());
  const error = useSignal<string | undefined>(undefined);
  const cards = useSignal<readonly Card[]>([]);
  const add = async (event: Event): Promise<void> => {
    event.preventDefault();
    try {
      await desk.request({
        type: 'player.add',
        name: name.value.trim(),
        passphrase: passphrase.value,
        session,
      });
      cards.value = [...cards.value, { name: name.value.trim(), passphrase: passphrase.value }];
      name.value = '';
      passphrase.value = generatePassphrase();
      error.value = undefined;
    } catch (e) {
      error.value = refusalText(e);
    }
  };
  return (
    <section aria-labelledby="players-title" class="panel">
      <h2 id="players-title">Players</h2>
      <form class="row wrap" onSubmit={(e) => void add(e)}>
        <label>
          Name
          <input required value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} />
        </label>
        <label>
          Passphrase
          <input
            required
            minLength={4}
            value={passphrase.value}
            onInput={(e) => (passphrase.value = e.currentTarget.value)}
          />
        </label>
        <button type="button" class="secondary" onClick={() => (passphrase.value = generatePassphrase())}>
          Generate
        </button>
        <button type="submit">Add player</button>
      </form>
      {error.value !== undefined && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      {cards.value.length > 0 && (
        <>
          <p class="hint">
            Passphrases are shown only now: print the login cards before you leave this page.
          </p>
          <ul class="cards" aria-label="Login cards">
            {cards.value.map((card) => (
              <li key={card.passphrase} class="card">
                <strong>{card.name}</strong>
                <span>TrainLag: {location.origin}/</span>
                <code>{card.passphrase}</code>
              </li>
            ))}
          </ul>
          <button type="button" class="secondary" onClick={() => print()}>
            Print login cards
          </button>
        </>
      )}
    </section>
  );
}
