import { useSignal } from '@preact/signals';
import { t } from '../i18n/i18n.js';
import type { Phone } from '../phone.js';
import { LanguageSwitch } from './language-switch.js';
import { OutboxList } from './outbox-list.js';

/** The player's own things: team name, language, power settings, every action, logout. */
export function MeTab({ phone }: { phone: Phone }) {
  const texts = t.value;
  const login = phone.login.value;
  const team = phone.team.value;
  const settings = phone.settings.value;
  const name = useSignal('');
  const logOut = (): void => {
    if (phone.busy.value && !confirm(texts.logOutPending)) return;
    void phone.logOut();
  };
  return (
    <>
      <h1>{texts.meTitle}</h1>
      {login !== undefined && <p>{texts.loggedInAs(login.playerName, team?.name ?? '—')}</p>}
      {team !== undefined && !phone.gameRunning.value && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (name.value.trim() !== '') void phone.renameTeam(name.value);
            name.value = '';
          }}
        >
          <label for="team-name">{texts.renameTeam}</label>
          <div class="row">
            <input
              id="team-name"
              class="grow"
              type="text"
              maxLength={60}
              placeholder={team.name}
              value={name.value}
              onInput={(e) => (name.value = e.currentTarget.value)}
            />
            <button type="submit">{texts.rename}</button>
          </div>
        </form>
      )}
      <LanguageSwitch phone={phone} />
      <label class="toggle">
        <input
          type="checkbox"
          checked={settings.wakeLock}
          onChange={(e) => void phone.changeSettings({ wakeLock: e.currentTarget.checked })}
        />
        {texts.wakeLock}
      </label>
      <label class="toggle">
        <input
          type="checkbox"
          checked={settings.lowPower}
          onChange={(e) => void phone.changeSettings({ lowPower: e.currentTarget.checked })}
        />
        {texts.lowPower}
      </label>
      <OutboxList phone={phone} />
      <div class="actions">
        <button type="button" class="wide" onClick={logOut}>
          {texts.logOut}
        </button>
      </div>
    </>
  );
}
