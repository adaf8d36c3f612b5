import { t } from '../i18n/i18n.js';
import type { Phone } from '../phone.js';
import { CatcherScreen } from './catcher-screen.js';
import { OutboxList } from './outbox-list.js';
import { RunnerScreen } from './runner-screen.js';
import { WaitingScreen } from './waiting-screen.js';

/** What the player does now: by role while a game runs, the waiting screen between games. */
export function PlayTab({ phone }: { phone: Phone }) {
  const view = phone.view.value;
  const team = phone.team.value;
  if (view === undefined) return <p>{t.value.loading}</p>;
  return (
    <>
      {view.state.game === null ? (
        <WaitingScreen phone={phone} />
      ) : team === undefined ? (
        <p>{t.value.noTeam}</p>
      ) : team.role === 'Runner' ? (
        <RunnerScreen phone={phone} team={team} />
      ) : (
        <CatcherScreen phone={phone} team={team} />
      )}
      <OutboxList phone={phone} pendingOnly />
    </>
  );
}
