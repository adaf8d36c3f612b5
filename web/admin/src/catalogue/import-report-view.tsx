import type { Counted, ImportOutcome } from '../../../../src/catalogue-io/index.js';
import { fileOf } from '../../../../src/catalogue-io/index.js';
import type { PickedTables } from './picked-tables.js';

const KINDS: Record<Counted, string> = {
  sets: 'Challenge sets',
  sectors: 'Sectors',
  zones: 'Zones',
  distances: 'Travel minutes',
  challenges: 'Challenges',
};

/** A dry run's or an import's report: what it would do or did, then every rejected row. */
export function ImportReportView({ picked, outcome }: { picked: PickedTables; outcome: ImportOutcome }) {
  const { dryRun, summary, links, rejected, changed } = outcome;
  const verdict = dryRun
    ? changed
      ? 'Dry run: nothing is changed yet. Apply to do what the counts say.'
      : 'Dry run: the catalogue already matches these tables.'
    : changed
      ? 'Import done: the catalogue was updated.'
      : 'Import done: nothing needed changing.';
  return (
    <div class="import-report" data-dry-run={dryRun}>
      <p role="status">
        <strong>{verdict}</strong> {rejected.length} row(s) rejected.
      </p>
      <p class="hint">Read: {picked.read.join(', ')}.</p>
      {picked.missing.length > 0 && (
        <p class="hint">Not picked, read as empty: {picked.missing.map(fileOf).join(', ')}.</p>
      )}
      {picked.ignored.length > 0 && (
        <p class="hint">Not a catalogue table, ignored: {picked.ignored.join(', ')}.</p>
      )}
      <table class="import-counts">
        <caption>{dryRun ? 'What the import would do' : 'What the import did'}</caption>
        <thead>
          <tr>
            <th scope="col">Table</th>
            <th scope="col">{dryRun ? 'To add' : 'Added'}</th>
            <th scope="col">{dryRun ? 'To change' : 'Changed'}</th>
            <th scope="col">Unchanged</th>
            <th scope="col">Rejected</th>
            <th scope="col">Blank</th>
          </tr>
        </thead>
        <tbody>
          {(Object.keys(KINDS) as Counted[]).map((kind) => (
            <tr key={kind} data-kind={kind}>
              <th scope="row">{KINDS[kind]}</th>
              <td data-count="created">{summary[kind].created}</td>
              <td data-count="updated">{summary[kind].updated}</td>
              <td data-count="unchanged">{summary[kind].unchanged}</td>
              <td data-count="rejected">{summary[kind].rejected}</td>
              <td data-count="skipped">{summary[kind].skipped}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {links.added + links.removed > 0 && (
        <p class="hint">
          Sector neighbour links: {links.added} {dryRun ? 'to add' : 'added'}, {links.removed}{' '}
          {dryRun ? 'to remove' : 'removed'}.
        </p>
      )}
      {rejected.length > 0 && (
        <div class="scroll" tabIndex={0} role="region" aria-label="Rejected rows">
          <table class="rejected">
            <caption>Rejected rows</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Line</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {rejected.map((r, i) => (
                <tr key={i} data-table={r.table} data-line={r.line ?? ''}>
                  <td>{fileOf(r.table)}</td>
                  <td>{r.line ?? '—'}</td>
                  <td>
                    {r.reason}
                    {r.rule === undefined ? '' : ` [${r.rule}]`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
