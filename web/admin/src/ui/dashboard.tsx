import { useSignal, useSignalEffect } from '@preact/signals';
import { CatalogueTab } from '../catalogue/catalogue-tab.js';
import type { Desk } from '../desk.js';
import { ConnectionsTab } from './connections-tab.js';
import { FeedTab } from './feed-tab.js';
import { LiveTab } from './live-tab.js';
import { PastGamesTab } from './past-games-tab.js';
import { PhotosTab } from './photos-tab.js';
import { SetupTab } from './setup-tab.js';

const TABS = {
  live: 'Live',
  setup: 'Set-up',
  feed: 'Feed',
  photos: 'Photos',
  catalogue: 'Catalogue',
  past: 'Past games',
  connections: 'Connections',
} as const;
type Tab = keyof typeof TABS;
/** The tabs that show every session's things, not the chosen session's. */
const SESSIONLESS: readonly Tab[] = ['setup', 'catalogue', 'past', 'connections'];
const tabOf = (hash: string): Tab => {
  const name = hash.replace('#', '');
  return name in TABS ? (name as Tab) : 'live';
};

const LINK_TEXT = {
  online: 'Connected',
  connecting: 'Connection lost: reconnecting…',
  offline: 'Offline: showing the last known state',
} as const;

/** The dashboard: the header (connection, session), the tabs, and the chosen tab. */
export function Dashboard({ desk }: { desk: Desk }) {
  const tab = useSignal<Tab>(tabOf(location.hash));
  useSignalEffect(() => {
    const follow = (): void => {
      tab.value = tabOf(location.hash);
    };
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  });
  const link = desk.link.value;
  return (
    <div class="desk">
      <header class="top">
        <h1>TrainLag game master</h1>
        <SessionPicker desk={desk} />
        <nav aria-label="Dashboard">
          {(Object.keys(TABS) as Tab[]).map((name) => (
            <a key={name} href={`#${name}`} aria-current={tab.value === name ? 'page' : undefined}>
              {TABS[name]}
            </a>
          ))}
        </nav>
        <p class={`link ${link}`} role="status" data-link={link}>
          {LINK_TEXT[link]}
        </p>
        <p class="who">
          {desk.gameMaster.value === null ? (
            'Owner'
          ) : (
            <>
              Game master <strong>{desk.gameMaster.value}</strong>
            </>
          )}
        </p>
        <button type="button" class="secondary" onClick={() => desk.logOut()}>
          Log out
        </button>
      </header>
      <main>
        {tab.value === 'setup' && <SetupTab desk={desk} />}
        {tab.value === 'catalogue' && <CatalogueTab desk={desk} />}
        {!SESSIONLESS.includes(tab.value) && desk.view.value === undefined && (
          <p class="empty">Choose a session, or create one under Set-up.</p>
        )}
        {tab.value === 'live' && desk.view.value !== undefined && <LiveTab desk={desk} />}
        {tab.value === 'feed' && desk.view.value !== undefined && <FeedTab desk={desk} />}
        {tab.value === 'photos' && desk.view.value !== undefined && <PhotosTab desk={desk} />}
        {tab.value === 'past' && <PastGamesTab desk={desk} />}
        {tab.value === 'connections' && <ConnectionsTab desk={desk} />}
      </main>
    </div>
  );
}

function SessionPicker({ desk }: { desk: Desk }) {
  return (
    <label class="row">
      Session
      <select
        value={desk.sessionId.value ?? ''}
        onChange={(e) => {
          const value = e.currentTarget.value;
          void desk.choose(value === '' ? undefined : Number(value));
        }}
      >
        <option value="">—</option>
        {desk.sessions.value.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
            {s.game === null ? '' : ' (running)'}
          </option>
        ))}
      </select>
    </label>
  );
}
