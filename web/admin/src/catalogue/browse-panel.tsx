import { useSignal } from '@preact/signals';
import { namesOf, type Names } from '../../../../src/catalogue-io/index.js';
import type { Catalogue, Challenge } from '../../../../src/engine/catalogue/types.js';
import { CHALLENGE_KINDS } from '../../../../src/protocol/catalogue.js';

const LISTS = { challenges: 'Challenges', zones: 'Zones', sectors: 'Sectors' } as const;
type List = keyof typeof LISTS;

/** What a challenge is called in lists: its title, else its place (Kaff and ZKaff rows). */
export const challengeName = (c: Challenge): string => c.title ?? c.place ?? `#${c.id}`;

/** Browse the catalogue: challenges (searched by title, kind and zone), zones and sectors. */
export function BrowsePanel({ catalogue }: { catalogue: Catalogue }) {
  const list = useSignal<List>('challenges');
  const names = namesOf(catalogue);
  return (
    <section aria-labelledby="browse-title" class="panel browse">
      <h2 id="browse-title">Browse</h2>
      <div class="row" role="group" aria-label="List">
        {(Object.keys(LISTS) as List[]).map((name) => (
          <button
            key={name}
            type="button"
            class={list.value === name ? undefined : 'secondary'}
            aria-pressed={list.value === name}
            onClick={() => (list.value = name)}
          >
            {LISTS[name]} ({catalogue[name].size})
          </button>
        ))}
      </div>
      {list.value === 'challenges' && <ChallengeList catalogue={catalogue} names={names} />}
      {list.value === 'zones' && <ZoneList catalogue={catalogue} names={names} />}
      {list.value === 'sectors' && <SectorList catalogue={catalogue} names={names} />}
    </section>
  );
}

function ChallengeList({ catalogue, names }: { catalogue: Catalogue; names: Names }) {
  const text = useSignal('');
  const kind = useSignal('');
  const zone = useSignal('');
  const wanted = text.value.trim().toLowerCase();
  const shown = [...catalogue.challenges.values()].filter(
    (c) =>
      (wanted === '' || challengeName(c).toLowerCase().includes(wanted)) &&
      (kind.value === '' || c.kind === kind.value) &&
      (zone.value === '' || c.zones.some((id) => names.zone(id) === zone.value)),
  );
  return (
    <>
      <div class="row wrap">
        <label>
          Title or place
          <input type="search" value={text.value} onInput={(e) => (text.value = e.currentTarget.value)} />
        </label>
        <label>
          Kind
          <select value={kind.value} onChange={(e) => (kind.value = e.currentTarget.value)}>
            <option value="">every kind</option>
            {CHALLENGE_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Zone
          <select value={zone.value} onChange={(e) => (zone.value = e.currentTarget.value)}>
            <option value="">every zone</option>
            {zoneNumbers(catalogue).map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
      </div>
      <p class="hint" role="status">
        {shown.length} of {catalogue.challenges.size} challenges
      </p>
      <div class="scroll" tabIndex={0} role="region" aria-label="Challenges">
        <table class="challenges">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Zones</th>
              <th scope="col">Sectors</th>
              <th scope="col">Sets</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.id} data-challenge={c.id}>
                <th scope="row">{challengeName(c)}</th>
                <td>{c.kind}</td>
                <td>{c.status}</td>
                <td>{c.zones.map(names.zone).join(', ')}</td>
                <td>{c.sectors.map(names.sector).join('')}</td>
                <td>{c.sets.map(names.set).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The zone numbers in ascending order. */
export const zoneNumbers = (catalogue: Catalogue): number[] =>
  [...catalogue.zones.values()].map((z) => z.number).sort((a, b) => a - b);

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

function ZoneList({ catalogue, names }: { catalogue: Catalogue; names: Names }) {
  const zones = [...catalogue.zones.values()].sort((a, b) => a.number - b.number);
  return (
    <div class="scroll" tabIndex={0} role="region" aria-label="Zones">
      <table>
        <thead>
          <tr>
            <th scope="col">Zone</th>
            <th scope="col">Connected zones</th>
            <th scope="col">Connections</th>
            <th scope="col">Train through</th>
            <th scope="col">Mongus</th>
            <th scope="col">S-Bahn zone</th>
            <th scope="col">Close sectors</th>
          </tr>
        </thead>
        <tbody>
          {zones.map((z) => (
            <tr key={z.id} data-zone={z.number}>
              <th scope="row">{z.number}</th>
              <td>{z.numConnZones}</td>
              <td>{z.numConnections}</td>
              <td>{yesNo(z.trainThrough)}</td>
              <td>{yesNo(z.mongus)}</td>
              <td>{yesNo(z.sBahnZone)}</td>
              <td>{z.closeSectors.map(names.sector).join('')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SectorList({ catalogue, names }: { catalogue: Catalogue; names: Names }) {
  const sectors = [...catalogue.sectors.values()].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Sector</th>
          <th scope="col">Neighbours</th>
        </tr>
      </thead>
      <tbody>
        {sectors.map((s) => (
          <tr key={s.id} data-sector={s.name}>
            <th scope="row">{s.name}</th>
            <td>{s.neighbours.map(names.sector).sort().join('')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
