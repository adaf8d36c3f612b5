import { signal } from '@preact/signals';
import { fetchCatalogue } from '../../../../src/catalogue-io/index.js';
import type { Catalogue } from '../../../../src/engine/catalogue/types.js';
import type { Desk } from '../desk.js';
import { refusalText } from '../desk.js';

/**
 * The catalogue as the Catalogue tab shows it, read with the same list commands the CLI's import and
 * export read it with. The engine broadcasts no catalogue changes, so it is read when the tab opens,
 * after an import, and on request.
 */
export class CatalogueStore {
  readonly catalogue = signal<Catalogue | undefined>(undefined);
  readonly error = signal<string | undefined>(undefined);

  constructor(private readonly desk: Desk) {}

  /** Reads the whole catalogue again; the dashboard's zone list (the live map's) follows. */
  async reload(): Promise<void> {
    try {
      const catalogue = await fetchCatalogue(this.desk);
      this.catalogue.value = catalogue;
      this.desk.zones.value = [...catalogue.zones.values()];
      this.error.value = undefined;
    } catch (e) {
      this.error.value = refusalText(e);
    }
  }
}
