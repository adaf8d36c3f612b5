import { signal } from '@preact/signals';
import { fetchCatalogue } from '../../../../src/catalogue-io/index.js';
import type { Catalogue } from '../../../../src/engine/catalogue/types.js';
import type { Desk } from '../desk.js';
import { refusalText } from '../desk.js';

/**
 * The catalogue as the Catalogue tab shows it, read with the same list commands the CLI's import and
 * export read it with. It is read when the tab opens, after an import, and whenever a `catalogue.changed`
 * broadcast says a command changed it (CATALOGUE-12). An import sends hundreds of commands, so reads are
 * coalesced: while one runs, any number of changes make one more read after it; the dashboard's own
 * import holds them until it is done.
 */
export class CatalogueStore {
  readonly catalogue = signal<Catalogue | undefined>(undefined);
  readonly error = signal<string | undefined>(undefined);
  private reading: Promise<void> | undefined;
  private again = false;
  private held = false;

  constructor(private readonly desk: Desk) {}

  /** Runs `work` (the dashboard's own import) with the reads held, then reads the catalogue once. */
  async holding(work: () => Promise<void>): Promise<void> {
    this.held = true;
    try {
      await work();
    } finally {
      this.held = false;
      await this.reload();
    }
  }

  /** Reads the whole catalogue again (once more after a read already running); the zone list follows. */
  async reload(): Promise<void> {
    if (this.held) return;
    if (this.reading !== undefined) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.readUntilCurrent();
    try {
      await this.reading;
    } finally {
      this.reading = undefined;
    }
  }

  private async readUntilCurrent(): Promise<void> {
    do {
      this.again = false;
      await this.read();
    } while (this.again);
  }

  private async read(): Promise<void> {
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
