import { useSignal } from '@preact/signals';
import type { ImportOutcome, ImportProgress } from '../../../../src/catalogue-io/index.js';
import { runImport } from '../../../../src/catalogue-io/index.js';
import type { Desk } from '../desk.js';
import { refusalText } from '../desk.js';
import type { CatalogueStore } from './catalogue-store.js';
import { ImportReportView } from './import-report-view.js';
import { readPickedTables, type PickedTables } from './picked-tables.js';

type Step =
  | { kind: 'pick' }
  | { kind: 'checking' }
  | { kind: 'checked'; picked: PickedTables; outcome: ImportOutcome }
  | { kind: 'applying'; picked: PickedTables; progress: ImportProgress }
  | { kind: 'applied'; picked: PickedTables; outcome: ImportOutcome };

/**
 * Imports the four CSV tables from files the game master picks, with the CLI's own import
 * (`runImport`, src/catalogue-io) run in the page: first a dry run against the live catalogue (what
 * would change, every rejected row with its file, line and reason), then, on Apply, the same commands
 * the CLI sends, through the engine, with a progress bar.
 */
export function ImportPanel({ desk, store }: { desk: Desk; store: CatalogueStore }) {
  const step = useSignal<Step>({ kind: 'pick' });
  const error = useSignal<string | undefined>(undefined);
  const check = async (files: readonly File[]): Promise<void> => {
    error.value = undefined;
    step.value = { kind: 'checking' };
    try {
      const picked = await readPickedTables(files);
      const outcome = await runImport(desk, picked.tables, { dryRun: true });
      step.value = { kind: 'checked', picked, outcome };
    } catch (e) {
      step.value = { kind: 'pick' };
      error.value = refusalText(e);
    }
  };
  const apply = async (picked: PickedTables): Promise<void> => {
    error.value = undefined;
    step.value = { kind: 'applying', picked, progress: { done: 0, total: 0, phase: '' } };
    // Each command of the import announces a change (CATALOGUE-12): one read when it is done is enough.
    await store.holding(async () => {
      try {
        const outcome = await runImport(desk, picked.tables, {
          dryRun: false,
          onProgress: (progress) => (step.value = { kind: 'applying', picked, progress }),
        });
        step.value = { kind: 'applied', picked, outcome };
      } catch (e) {
        step.value = { kind: 'pick' };
        error.value = refusalText(e);
      }
    });
  };
  const now = step.value;
  return (
    <section aria-labelledby="import-title" class="panel import">
      <h2 id="import-title">Import</h2>
      <label>
        CSV tables (challenges.csv, zones.csv, distances.csv, sectors.csv)
        <input
          type="file"
          multiple
          accept=".csv,text/csv"
          disabled={now.kind === 'checking' || now.kind === 'applying'}
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = '';
            if (files.length > 0) void check(files);
          }}
        />
      </label>
      {error.value !== undefined && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      {now.kind === 'checking' && <p role="status">Checking the tables against the catalogue…</p>}
      {now.kind === 'checked' && (
        <>
          <ImportReportView picked={now.picked} outcome={now.outcome} />
          <div class="row">
            <button type="button" disabled={!now.outcome.changed} onClick={() => void apply(now.picked)}>
              Apply the import
            </button>
            <button type="button" class="secondary" onClick={() => (step.value = { kind: 'pick' })}>
              Cancel
            </button>
          </div>
        </>
      )}
      {now.kind === 'applying' && <ImportProgressBar progress={now.progress} />}
      {now.kind === 'applied' && (
        <>
          <ImportReportView picked={now.picked} outcome={now.outcome} />
          <button type="button" class="secondary" onClick={() => (step.value = { kind: 'pick' })}>
            Close the report
          </button>
        </>
      )}
    </section>
  );
}

function ImportProgressBar({ progress }: { progress: ImportProgress }) {
  const { done, total, phase } = progress;
  return (
    <div class="import-progress">
      <label>
        Importing{phase === '' ? '' : `: ${phase}`}
        <progress max={Math.max(total, 1)} value={done} />
      </label>
      <p class="hint" role="status">
        {done} of {total} requests answered
      </p>
    </div>
  );
}
