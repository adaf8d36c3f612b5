import { phaseOfDay } from '../game/phase.js';
import { feedOf, msLeft, standings, type FeedItem } from '../game/selectors.js';
import { countdownText, t } from '../i18n/i18n.js';
import type { Phone } from '../phone.js';
import { now } from './clock.js';
import { PictureThumb } from './common.js';
import { Scoreboard } from './scoreboard.js';

/** The game at a glance: time to the end, grace countdowns, the scoreboard and what happened. */
export function GameTab({ phone }: { phone: Phone }) {
  const view = phone.view.value;
  const token = phone.login.value?.token ?? '';
  if (view === undefined) return <p>{t.value.loading}</p>;
  const { game, teams } = view.state;
  const texts = t.value;
  const end = msLeft(game?.endsAt, game?.pausedAt ?? now.value);
  const config = phone.config.value;
  const phase = config === undefined ? undefined : phaseOfDay(now.value, view.state.session.timeZone, config);
  const graces = teams
    .map((team) => ({ team, left: msLeft(team.graceUntil, now.value) }))
    .filter((g) => g.left !== null && g.left > 0);
  return (
    <>
      {game !== null && (
        <div class="glance">
          <div class="card" role="timer" aria-label={texts.timeToEnd}>
            <p class="muted">{texts.timeToEnd}</p>
            <p class="big">{end === null ? '—' : countdownText(end)}</p>
          </div>
          <div class="card">
            <p class="muted">{texts.phase}</p>
            <p class="mid" data-phase={phase}>
              {phase === undefined ? '—' : texts.phases[phase]}
            </p>
          </div>
        </div>
      )}
      {graces.map(({ team, left }) => (
        <p class="card" key={team.id} role="timer">
          {texts.graceOf(team.name, countdownText(left ?? 0))}
        </p>
      ))}
      <h1>{texts.scoreboard}</h1>
      <Scoreboard teams={standings(teams)} own={phone.team.value?.id} />
      <h2>{texts.feed}</h2>
      <Feed items={feedOf(view)} token={token} />
    </>
  );
}

function Feed({ items, token }: { items: readonly FeedItem[]; token: string }) {
  const texts = t.value;
  if (items.length === 0) return <p class="muted">{texts.feedEmpty}</p>;
  return (
    <ul class="plain" aria-label={texts.feed}>
      {items.map((item, i) => (
        <li key={`${item.kind}-${item.at}-${i}`} data-feed={item.kind}>
          <span class="grow">
            {lineOf(item)}
            <small class="muted">
              {new Date(item.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
            </small>
          </span>
          {item.kind !== 'note' &&
            item.pictures.map((id) => <PictureThumb key={id} id={id} token={token} alt={texts.proofPhoto} />)}
        </li>
      ))}
    </ul>
  );
}

function lineOf(item: FeedItem): string {
  const texts = t.value;
  switch (item.kind) {
    case 'completed':
      return texts.feedCompleted(item.team.name, item.title, item.points);
    case 'caught':
      return texts.feedCaught(item.catcher?.name ?? '?', item.team.name, item.bounty);
    case 'note':
      return texts.feedNote[item.note.kind](item.team?.name ?? '', item.note.text ?? '');
  }
}
