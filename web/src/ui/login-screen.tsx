import { useSignal } from '@preact/signals';
import { TruinlagError } from '../net/connection.js';
import type { Phone } from '../phone.js';
import { errorText, t } from '../i18n/i18n.js';
import { LanguageSwitch } from './language-switch.js';

/** Login with the passphrase (D6); the phone remembers the login from then on. */
export function LoginScreen({ phone }: { phone: Phone }) {
  const passphrase = useSignal('');
  const busy = useSignal(false);
  const error = useSignal<string | undefined>(undefined);
  const notice = phone.loginNotice.value;
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (passphrase.value.trim() === '') return;
    busy.value = true;
    error.value = undefined;
    try {
      await phone.logIn(passphrase.value);
    } catch (cause) {
      const code = cause instanceof TruinlagError ? cause.code : 'INTERNAL';
      error.value =
        code === 'NOT_FOUND'
          ? t.value.wrongPassphrase
          : code === 'DISCONNECTED' || code === 'TIMEOUT' || code === 'CLOSED'
            ? t.value.loginNeedsConnection
            : errorText(code, String(cause));
    } finally {
      busy.value = false;
    }
  };
  return (
    <main class="login">
      <img class="logo" src="/icons/icon-192.png" alt="" />
      <h1>{t.value.appName}</h1>
      <p>{t.value.loginIntro}</p>
      {notice !== undefined && (
        <p class="bad" role="alert">
          {t.value.loggedOutByServer}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)}>
        <label for="passphrase">{t.value.passphrase}</label>
        <input
          id="passphrase"
          type="password"
          autocomplete="current-password"
          autocapitalize="none"
          value={passphrase.value}
          onInput={(e) => (passphrase.value = e.currentTarget.value)}
        />
        {error.value !== undefined && (
          <p class="bad" role="alert">
            {error.value}
          </p>
        )}
        <div class="actions">
          <button class="primary" type="submit" disabled={busy.value}>
            {busy.value ? t.value.loggingIn : t.value.logIn}
          </button>
        </div>
      </form>
      <LanguageSwitch phone={phone} />
    </main>
  );
}
