import { useSignal, useSignalEffect } from '@preact/signals';
import { lazy, Suspense } from 'preact/compat';
import { agoText, t } from '../i18n/i18n.js';
import type { Phone } from '../phone.js';
import { now } from './clock.js';
import { GameTab } from './game-tab.js';
import { MeTab } from './me-tab.js';
import { PendingStrip } from './pending-strip.js';
import { PlayTab } from './play-tab.js';
import { applyUpdate, reloadNow, updateReady } from './updates.js';

const MapTab = lazy(() => import('./map-tab.js'));

type Tab = 'play' | 'map' | 'game' | 'me';
const TABS: readonly { id: Tab; icon: string }[] = [
  { id: 'play', icon: '▶' },
  { id: 'map', icon: '◎' },
  { id: 'game', icon: '☰' },
  { id: 'me', icon: '●' },
];

const tabFromHash = (): Tab => {
  const id = location.hash.slice(1);
  return TABS.some((tab) => tab.id === id) ? (id as Tab) : 'play';
};

/** The logged-in app: status on top, the tab in the middle, the bottom bar within thumb reach. */
export function Shell({ phone }: { phone: Phone }) {
  const tab = useSignal<Tab>(tabFromHash());
  useSignalEffect(() => {
    const onHash = (): void => void (tab.value = tabFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  });
  const texts = t.value;
  const labels: Record<Tab, string> = {
    play: texts.tabPlay,
    map: texts.tabMap,
    game: texts.tabGame,
    me: texts.tabMe,
  };
  return (
    <div class="shell">
      <header class="top">
        <span class="title">{phone.team.value?.name ?? texts.appName}</span>
        <span class={`link ${phone.link.value}`} role="status">
          {texts[phone.link.value]}
        </span>
      </header>
      <Banners phone={phone} />
      <main id="main">
        {tab.value === 'play' && <PlayTab phone={phone} />}
        {tab.value === 'map' && (
          <Suspense fallback={<p>{texts.loading}</p>}>
            <MapTab phone={phone} />
          </Suspense>
        )}
        {tab.value === 'game' && <GameTab phone={phone} />}
        {tab.value === 'me' && <MeTab phone={phone} />}
      </main>
      <footer class="dock">
        <PendingStrip phone={phone} />
        <nav class="bottom" aria-label={texts.appName}>
          {TABS.map(({ id, icon }) => (
            <a key={id} href={`#${id}`} aria-current={tab.value === id ? 'page' : undefined}>
              <span class="icon" aria-hidden="true">
                {icon}
              </span>
              {labels[id]}
            </a>
          ))}
        </nav>
      </footer>
    </div>
  );
}

function Banners({ phone }: { phone: Phone }) {
  const texts = t.value;
  const viewAt = phone.viewAt.value;
  const paused = phone.view.value?.state.session.paused === true && phone.gameRunning.value;
  return (
    <>
      {phone.link.value !== 'online' && phone.tooOld.value === undefined && (
        <div class="banner" role="status">
          <span>
            {texts.offlineBanner}
            {viewAt !== undefined && (
              <>
                <br />
                <small>{texts.lastKnown(agoText(now.value - viewAt))}</small>
              </>
            )}
          </span>
        </div>
      )}
      {paused && (
        <div class="banner" role="status">
          <span>{texts.paused}</span>
        </div>
      )}
      {phone.lowBatteryOffer.value && (
        <div class="banner">
          <span>{texts.lowBattery(Math.round((phone.batteryLevel.value ?? 0) * 100))}</span>
          <button type="button" onClick={() => void phone.changeSettings({ lowPower: true })}>
            {texts.turnOn}
          </button>
        </div>
      )}
      {phone.tooOld.value !== undefined && (
        <div class="banner" role="alert" data-too-old>
          <span>{phone.busy.value ? texts.tooOldWaiting : texts.errors.CLIENT_TOO_OLD}</span>
          {!phone.busy.value && (
            <button type="button" onClick={reloadNow}>
              {texts.updateNow}
            </button>
          )}
        </div>
      )}
      {updateReady.value && !phone.busy.value && phone.tooOld.value === undefined && (
        <div class="banner">
          <span>{texts.updateReady}</span>
          <button type="button" onClick={() => void applyUpdate()}>
            {texts.updateNow}
          </button>
        </div>
      )}
    </>
  );
}
