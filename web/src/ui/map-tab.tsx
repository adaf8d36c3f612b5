import { useSignal, useSignalEffect } from '@preact/signals';
import type { AppConfig } from '../../../src/protocol/app-config.js';
import { freshnessOf } from '../map/freshness.js';
import { LiveMap } from '../map/live-map.js';
import { t } from '../i18n/i18n.js';
import type { Phone } from '../phone.js';
import { now } from './clock.js';
import { roleText, TeamName } from './common.js';

/** The map tab (loaded on first use, with Leaflet and the base map): the map and a legend of the teams. */
export default function MapTab({ phone }: { phone: Phone }) {
  const config = useSignal<AppConfig | undefined>(undefined);
  useSignalEffect(() => {
    fetch('/app-config.json')
      .then((res) => res.json() as Promise<AppConfig>)
      .then((value) => (config.value = value))
      .catch(() => (config.value = { tileUrl: null }));
  });
  const teams = phone.view.value?.state.teams ?? [];
  return (
    <>
      <h1 class="sr-only">{t.value.mapTitle}</h1>
      {config.value !== undefined && <LiveMap phone={phone} tileUrl={config.value.tileUrl} />}
      <ul class="legend" aria-label={t.value.mapTitle}>
        {teams.map((team) => (
          <li
            key={team.id}
            class="row"
            data-team={team.id}
            data-freshness={freshnessOf(team.location?.timestamp ?? null, now.value)}
            data-fix-at={team.location?.timestamp}
          >
            <TeamName team={team} own={team.id === phone.team.value?.id} />
            <small class="muted">
              {roleText(team)} · {t.value.freshness[freshnessOf(team.location?.timestamp ?? null, now.value)]}
            </small>
          </li>
        ))}
      </ul>
    </>
  );
}
