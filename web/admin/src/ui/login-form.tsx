import { useState } from 'preact/hooks';
import type { Desk } from '../desk.js';

/** The game master logs in with a token: the data directory's admin.token or a named game master's. */
export function LoginForm({ desk }: { desk: Desk }) {
  const [token, setToken] = useState('');
  const submit = (event: Event): void => {
    event.preventDefault();
    void desk.logIn(token.trim());
  };
  return (
    <main class="login">
      <h1>TrainLag game master</h1>
      <form onSubmit={submit}>
        <label for="token">Game master token</label>
        <input
          id="token"
          type="password"
          autocomplete="current-password"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          required
        />
        <button type="submit" disabled={desk.link.value === 'connecting'}>
          Log in
        </button>
        {desk.loginError.value !== undefined && (
          <p role="alert" class="error">
            {desk.loginError.value}
          </p>
        )}
      </form>
    </main>
  );
}
