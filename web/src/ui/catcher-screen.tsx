import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { DEFAULT_GAME_CONFIG } from '../../../src/engine/config/game-config.js';
import { catchPrecheck, type CatchPrecheck } from '../catch/precheck.js';
import { msLeft } from '../game/selectors.js';
import type { Team } from '../game/types.js';
import { agoText, countdownText, t } from '../i18n/i18n.js';
import type { Phone } from '../phone.js';
import { now } from './clock.js';
import { TeamName } from './common.js';

/** A catcher team's screen: the runner teams, how far each is, and the catch. */
export function CatcherScreen({ phone, team }: { phone: Phone; team: Team }) {
  const catching = useSignal<Team | undefined>(undefined);
  const runners = (phone.view.value?.state.teams ?? []).filter((t) => t.role === 'Runner');
  const own = phone.ownFix.value ?? team.location ?? null;
  const target = catching.value;
  // The config is fetched on every connect and kept; the engine's default stands in before the first.
  const maxAgeMinutes = (phone.config.value ?? DEFAULT_GAME_CONFIG).catchLocationMaxAgeMinutes;
  return (
    <>
      <h1>{t.value.catchTitle}</h1>
      {runners.length === 0 && <p class="muted">{t.value.noRunners}</p>}
      {runners.map((runner) => {
        const grace = msLeft(runner.graceUntil, now.value);
        const check = catchPrecheck(own, runner.location, now.value, maxAgeMinutes);
        return (
          <article class="card" key={runner.id} data-team={runner.id}>
            <TeamName team={runner} />
            {grace !== null && grace > 0 ? (
              <p role="timer">{t.value.graceOf(runner.name, countdownText(grace))}</p>
            ) : (
              <PrecheckLine check={check} />
            )}
            <div class="actions">
              <button
                type="button"
                class={check.problem === undefined ? 'primary' : undefined}
                disabled={grace !== null && grace > 0}
                onClick={() => (catching.value = runner)}
              >
                {t.value.catchTeam(runner.name)}
              </button>
            </div>
          </article>
        );
      })}
      {target !== undefined && (
        <CatchDialog
          team={target}
          onClose={() => (catching.value = undefined)}
          onSend={() => void phone.catchTeam(target.id)}
        />
      )}
    </>
  );
}

/** "340 m, 2 min ago — too far", or why the engine would refuse the catch whatever the distance. */
function PrecheckLine({ check }: { check: CatchPrecheck }) {
  const texts = t.value;
  const { problem } = check;
  const minutes = (ms: number): number => Math.floor(ms / 60_000);
  const line = (text: string, good = false) => (
    <p class={good ? 'good' : 'bad'} data-precheck={problem?.code ?? 'IN_REACH'}>
      {text}
    </p>
  );
  switch (problem?.code) {
    case 'CATCHER_LOCATION_MISSING':
      return line(texts.ownMissing);
    case 'CATCHER_LOCATION_STALE':
      return line(texts.ownStale(minutes(problem.ageMs)));
    case 'TARGET_LOCATION_MISSING':
      return line(texts.targetNeverSeen);
    case 'TARGET_LOCATION_STALE':
      return line(texts.targetStale(minutes(problem.ageMs)));
    case 'TEAMS_TOO_FAR':
    case undefined: {
      const where = texts.distance(texts.metres(check.metres ?? 0), agoText(check.ageMs ?? 0));
      return line(
        `${where} — ${problem === undefined ? texts.inReach : texts.tooFar}`,
        problem === undefined,
      );
    }
  }
}

function CatchDialog(props: { team: Team; onClose: () => void; onSend: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} onClose={props.onClose} aria-labelledby="catch-title">
      <h2 id="catch-title">{t.value.catchTeam(props.team.name)}</h2>
      <p>{t.value.confirmCatch(props.team.name)}</p>
      <div class="actions">
        <button type="button" onClick={() => dialog.current?.close()}>
          {t.value.cancel}
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => {
            props.onSend();
            dialog.current?.close();
          }}
        >
          {t.value.sendCatch}
        </button>
      </div>
    </dialog>
  );
}
