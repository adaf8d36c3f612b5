import { useSignal } from '@preact/signals';
import { breakdownRows, namesOf, type Names } from '../../../../src/catalogue-io/index.js';
import type { Catalogue } from '../../../../src/engine/catalogue/types.js';
import type { ResultOf } from '../../../../src/protocol/commands/index.js';
import type { Desk } from '../desk.js';
import { refusalText } from '../desk.js';

type Preview = ResultOf<'challenge.preview'> & { seed: number };

/** `YYYY-MM-DDTHH:mm` of now in this computer's zone (what a datetime-local input holds). */
function localNow(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/**
 * The hand a team in a zone (and sector) would be dealt at a time (`challenge.preview`), with every term
 * of each offer's points. The config is the chosen session's when there is one, else the defaults;
 * "without noise" makes the hand repeatable (no points noise, no time wiggle), as the CLI's --no-wiggle.
 */
export function PreviewPanel({ desk, catalogue }: { desk: Desk; catalogue: Catalogue }) {
  const zone = useSignal('');
  const sector = useSignal('');
  const at = useSignal(localNow());
  const quiet = useSignal(true);
  const preview = useSignal<Preview | undefined>(undefined);
  const error = useSignal<string | undefined>(undefined);
  const names = namesOf(catalogue);
  const zones = [...catalogue.zones.values()].sort((a, b) => a.number - b.number);
  const sectors = [...catalogue.sectors.values()].sort((a, b) => a.name.localeCompare(b.name));
  const show = async (event: Event): Promise<void> => {
    event.preventDefault();
    const seed = Math.floor(Math.random() * 2 ** 31);
    const config = {
      ...desk.config.value?.effective,
      ...(quiet.value ? { relativeStandardDeviation: 0, timeWiggleMinutes: 0 } : {}),
    };
    try {
      const result = await desk.request({
        type: 'challenge.preview',
        zone: Number(zone.value),
        ...(sector.value === '' ? {} : { sector: Number(sector.value) }),
        at: new Date(at.value).getTime(),
        ...(desk.session.value === undefined ? {} : { timeZone: desk.session.value.timeZone }),
        config,
        seed,
      });
      preview.value = { ...result, seed };
      error.value = undefined;
    } catch (e) {
      error.value = refusalText(e);
    }
  };
  return (
    <section aria-labelledby="preview-title" class="panel preview">
      <h2 id="preview-title">Preview a hand</h2>
      <form class="row wrap" onSubmit={(e) => void show(e)}>
        <label>
          Zone
          <select required value={zone.value} onChange={(e) => (zone.value = e.currentTarget.value)}>
            <option value="">—</option>
            {zones.map((z) => (
              <option key={z.id} value={z.id}>
                {z.number}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sector
          <select value={sector.value} onChange={(e) => (sector.value = e.currentTarget.value)}>
            <option value="">none</option>
            {sectors.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time
          <input
            type="datetime-local"
            required
            value={at.value}
            onInput={(e) => (at.value = e.currentTarget.value)}
          />
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={quiet.value}
            onChange={(e) => (quiet.value = e.currentTarget.checked)}
          />
          Without noise
        </label>
        <button type="submit">Preview</button>
      </form>
      {error.value !== undefined && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      {preview.value !== undefined && <PreviewResult preview={preview.value} names={names} />}
    </section>
  );
}

function PreviewResult({ preview, names }: { preview: Preview; names: Names }) {
  const phase = preview.phase?.phase.kind ?? 'unknown';
  return (
    <div class="preview-result scroll" tabIndex={0} role="region" aria-label="Previewed hand">
      <p role="status">
        Phase {phase}, seed {preview.seed}: {preview.offers.length} offer(s).
      </p>
      <ol class="offers">
        {preview.offers.map((offer, i) => {
          const breakdown = preview.breakdowns[i];
          return (
            <li key={offer.challengeId} data-challenge={offer.challengeId} data-points={offer.points}>
              <details>
                <summary>
                  <strong>{offer.title}</strong> — {offer.points} points
                  {offer.zoneId === null ? '' : `, zone ${names.zone(offer.zoneId)}`}
                  {offer.sectorId === null ? '' : `, sector ${names.sector(offer.sectorId)}`}
                </summary>
                {breakdown !== undefined && (
                  <table class="breakdown">
                    <caption class="visually-hidden">Points of {offer.title}</caption>
                    <thead>
                      <tr>
                        <th scope="col">Term</th>
                        <th scope="col">Points</th>
                        <th scope="col">Note</th>
                      </tr>
                    </thead>
                    <tbody>
                      {breakdownRows(breakdown).map((row, j) => (
                        <tr key={j} data-term={row.term}>
                          <th scope="row">{row.term}</th>
                          <td>{row.points}</td>
                          <td>{row.note}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </details>
            </li>
          );
        })}
      </ol>
      {preview.problems.length > 0 && (
        <ul class="error" aria-label="Problems">
          {preview.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
