import { useSignal, useSignalEffect } from '@preact/signals';
import { TABLE_NAMES, fileOf, writeCatalogueTables } from '../../../../src/catalogue-io/index.js';
import type { CatalogueStore } from './catalogue-store.js';

interface Download {
  readonly file: string;
  readonly url: string;
}

/**
 * Exports the catalogue, read afresh, as the four CSV tables written by the CLI's export writer: one download link
 * per table (one click each, so no browser asks about several downloads at once).
 */
export function ExportPanel({ store }: { store: CatalogueStore }) {
  const downloads = useSignal<readonly Download[]>([]);
  // Object URLs hold their text until revoked: drop the old ones when new ones come or the panel goes.
  useSignalEffect(() => {
    const current = downloads.value;
    return () => current.forEach((d) => URL.revokeObjectURL(d.url));
  });
  const prepare = async (): Promise<void> => {
    await store.reload();
    const catalogue = store.catalogue.value;
    if (catalogue === undefined) return;
    const tables = writeCatalogueTables(catalogue);
    downloads.value = TABLE_NAMES.map((table) => ({
      file: fileOf(table),
      url: URL.createObjectURL(new Blob([tables[table]], { type: 'text/csv;charset=utf-8' })),
    }));
  };
  return (
    <section aria-labelledby="export-title" class="panel export">
      <h2 id="export-title">Export</h2>
      <p class="hint">The catalogue as the four tables, in the layout the import reads.</p>
      <button type="button" class="secondary" onClick={() => void prepare()}>
        Export the catalogue
      </button>
      {downloads.value.length > 0 && (
        <ul class="row wrap plain" aria-label="Exported tables">
          {downloads.value.map((d) => (
            <li key={d.file}>
              <a href={d.url} download={d.file}>
                {d.file}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
