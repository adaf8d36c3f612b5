import { useMemo } from 'preact/hooks';
import { useSignalEffect } from '@preact/signals';
import type { Desk } from '../desk.js';
import { BrowsePanel } from './browse-panel.js';
import { CatalogueStore } from './catalogue-store.js';
import { ExportPanel } from './export-panel.js';
import { ImportPanel } from './import-panel.js';
import { PreviewPanel } from './preview-panel.js';

/** The catalogue: import and export of the four tables, the preview of a hand, and the lists. */
export function CatalogueTab({ desk }: { desk: Desk }) {
  const store = useMemo(() => new CatalogueStore(desk), [desk]);
  useSignalEffect(() => {
    // Read again on every catalogue change (CATALOGUE-12: reading the count subscribes to it), and
    // whenever the connection comes back (a resync replays no changes).
    void desk.catalogueChanges.value;
    if (desk.link.value === 'online') void store.reload();
  });
  const catalogue = store.catalogue.value;
  return (
    <div class="catalogue">
      <div class="catalogue-tools">
        <ImportPanel desk={desk} store={store} />
        <div class="catalogue-side">
          <ExportPanel store={store} />
          {catalogue !== undefined && <PreviewPanel desk={desk} catalogue={catalogue} />}
        </div>
      </div>
      {store.error.value !== undefined && (
        <p role="alert" class="error">
          {store.error.value}
        </p>
      )}
      {catalogue === undefined ? (
        <p role="status">Reading the catalogue…</p>
      ) : (
        <BrowsePanel catalogue={catalogue} />
      )}
    </div>
  );
}
