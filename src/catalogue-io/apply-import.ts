import type { Catalogue } from '../engine/catalogue/types.js';
import { STANDARD_SET_NAMES } from './columns.js';
import type { TableName } from './csv-table.js';
import type { PlanDiff } from './diff-plan.js';
import { diffPlan } from './diff-plan.js';
import type { Counted, EntitySummary, ImportOutcome, RejectedReport } from './import-report.js';
import { reportOf } from './import-report.js';
import type { LineIndex } from './line-index.js';
import { lineIndex } from './line-index.js';
import type { LinkOps } from './link-ops.js';
import { linkOps } from './link-ops.js';
import type { CatalogueRequester } from './live-catalogue.js';
import { byId, fetchCatalogue } from './live-catalogue.js';
import type { CatalogueTables } from './parse-tables.js';
import { parseCatalogueTables } from './parse-tables.js';
import type { ImportPlan } from './plan-types.js';
import { catalogueKeys, resolveChallenge, resolveZone } from './resolve.js';
import { TABLE_NAMES } from './table-files.js';
import { IMPORT_WINDOW, runWindowed } from './windowed.js';

/** How far an import has come: requests answered of all it sends, and the phase it is in. */
export interface ImportProgress {
  done: number;
  total: number;
  phase: string;
}

/** Options of {@link runImport}. */
export interface RunImportOptions {
  dryRun: boolean;
  /** Called when the requests are counted, at each phase and after each answered request. */
  onProgress?: (progress: ImportProgress) => void;
}

/**
 * The catalogue import (IMPORT-4) run through the engine's own commands, the same in the CLI and in the
 * dashboard: the four tables are planned and diffed against the live catalogue, every refused row is
 * reported, and — unless it is a dry run — the diff is applied with the ordinary catalogue commands in
 * dependency order, sets → sectors → neighbour links → zones → travel minutes → challenges, re-reading
 * the ids after each step that creates something. Requests are pipelined with a bounded window, so the
 * engine commits them in batches and keeps serving other clients in between.
 */
export async function runImport(
  requester: CatalogueRequester,
  tables: CatalogueTables,
  options: RunImportOptions,
): Promise<ImportOutcome> {
  const live = await fetchCatalogue(requester);
  const standard: readonly string[] = STANDARD_SET_NAMES;
  const extraSetNames = [...live.sets.values()].map((s) => s.name).filter((n) => !standard.includes(n));
  const plan = parseCatalogueTables(tables, { extraSetNames });
  const diff = diffPlan(plan, live);
  const importer = new Importer(requester, plan, diff, live, lineIndex(tables), options.onProgress);
  if (!options.dryRun) await importer.apply();
  return importer.outcome(options.dryRun);
}

/**
 * Error codes that refuse one row (MALFORMED: the row's record breaks the wire schema, e.g. a place
 * longer than the protocol allows); anything else (connection lost, INTERNAL, …) aborts the import.
 */
const ROW_REFUSALS: ReadonlySet<string> = new Set([
  'INVALID',
  'MALFORMED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'AMBIGUOUS_DATA',
  'BAD_DATA',
]);

/** An engine refusal as the client library rejects with it (`code`, `details.rule`), or undefined. */
function refusalOf(error: unknown): { code: string; message: string; rule: unknown } | undefined {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return undefined;
  const details = 'details' in error ? (error.details as { rule?: unknown } | undefined) : undefined;
  return { code: error.code, message: error.message, rule: details?.rule };
}

class Importer {
  private readonly done: Record<Counted, { created: number; updated: number }> = {
    sets: { created: 0, updated: 0 },
    sectors: { created: 0, updated: 0 },
    zones: { created: 0, updated: 0 },
    distances: { created: 0, updated: 0 },
    challenges: { created: 0, updated: 0 },
  };
  private readonly refused: RejectedReport[] = [];
  private readonly links: LinkOps;
  private linked = { added: 0, removed: 0 };
  private progress: ImportProgress = { done: 0, total: 0, phase: '' };

  constructor(
    private readonly requester: CatalogueRequester,
    private readonly plan: ImportPlan,
    private readonly diff: PlanDiff,
    private readonly live: Catalogue,
    private readonly lines: LineIndex,
    private readonly onProgress: ((progress: ImportProgress) => void) | undefined,
  ) {
    this.links = linkOps(plan.sectors, live);
  }

  /** Applies the diff through the engine, phase by phase. */
  async apply(): Promise<void> {
    const d = this.diff;
    const total =
      d.sets.creates.length +
      d.sectors.creates.length +
      this.links.link.length +
      this.links.unlink.length +
      d.zones.creates.length +
      d.zones.updates.length +
      d.travelMinutes.creates.length +
      d.travelMinutes.updates.length +
      d.challenges.creates.length +
      d.challenges.updates.length;
    this.report({ done: 0, total, phase: '' });

    this.phase('sets');
    await this.each(d.sets.creates, async (name) => {
      try {
        await this.requester.request({ type: 'set.add', name });
        this.done.sets.created++;
      } catch (error) {
        // Another admin created it meanwhile: it exists, which is all the import needs.
        if (refusalOf(error)?.rule !== 'duplicate-set-name') throw error;
      }
    });
    let catalogue = await this.refreshKeys();

    this.phase('sectors');
    await this.each(d.sectors.creates, (sector) =>
      this.attempt('sectors', this.lines.sector(sector.name), async () => {
        await this.requester.request({ type: 'sector.add', name: sector.name });
        this.done.sectors.created++;
      }),
    );
    catalogue = await this.refreshKeys();

    this.phase('neighbours');
    await this.applyLinks(catalogue);

    this.phase('zones');
    await this.applyZones(catalogue);
    catalogue = await this.refreshKeys();

    this.phase('travel minutes');
    await this.applyTravel(catalogue);

    this.phase('challenges');
    await this.applyChallenges(catalogue);
  }

  private async applyLinks(catalogue: Catalogue): Promise<void> {
    const sectorId = new Map([...catalogue.sectors.values()].map((s) => [s.name, s.id]));
    const pairOps = [
      ...this.links.link.map((pair) => ({ pair, unlink: false })),
      ...this.links.unlink.map((pair) => ({ pair, unlink: true })),
    ];
    await this.each(pairOps, async ({ pair: [a, b], unlink }) => {
      const idA = sectorId.get(a);
      const idB = sectorId.get(b);
      // A sector that could not be created was reported already; its links go with it.
      if (idA === undefined || idB === undefined) return;
      await this.attempt('sectors', this.lines.sector(a), async () => {
        await this.requester.request({ type: 'sector.link', a: idA, b: idB, ...(unlink ? { unlink } : {}) });
        if (unlink) this.linked.removed++;
        else this.linked.added++;
      });
    });
    this.done.sectors.updated = this.diff.sectors.updates.filter((u) =>
      this.refused.every((r) => r.table !== 'sectors' || r.line !== this.lines.sector(u.planned.name)),
    ).length;
  }

  private async applyZones(catalogue: Catalogue): Promise<void> {
    const keys = catalogueKeys(catalogue);
    const zoneOps = [
      ...this.diff.zones.creates.map((planned) => ({ planned, id: undefined })),
      ...this.diff.zones.updates.map(({ planned, id }) => ({ planned, id })),
    ];
    await this.each(zoneOps, ({ planned, id }) =>
      this.attempt('zones', this.lines.zone(planned.number), async () => {
        const { minutesTo: _kept, ...fields } = resolveZone(planned, keys);
        if (id === undefined) {
          await this.requester.request({ type: 'zone.add', zone: { ...fields, minutesTo: {} } });
          this.done.zones.created++;
        } else {
          // Travel minutes are not part of a zone row: they are set one by one in the next phase.
          await this.requester.request({ type: 'zone.edit', id, changes: fields });
          this.done.zones.updated++;
        }
      }),
    );
  }

  private async applyTravel(catalogue: Catalogue): Promise<void> {
    const keys = catalogueKeys(catalogue);
    const travelOps = [
      ...this.diff.travelMinutes.creates.map((travel) => ({ travel, create: true })),
      ...this.diff.travelMinutes.updates.map((travel) => ({ travel, create: false })),
    ];
    await this.each(travelOps, ({ travel, create }) =>
      this.attempt('distances', this.lines.travel(travel.from, travel.to), async () => {
        const from = keys.zoneId(travel.from);
        const to = keys.zoneId(travel.to);
        await this.requester.request({ type: 'zone.setMinutes', from, to, minutes: travel.minutes });
        this.done.distances[create ? 'created' : 'updated']++;
      }),
    );
  }

  private async applyChallenges(catalogue: Catalogue): Promise<void> {
    const keys = catalogueKeys(catalogue);
    const challengeOps = [
      ...this.diff.challenges.creates.map((row) => ({ row, id: undefined })),
      ...this.diff.challenges.updates.map(({ planned, id }) => ({ row: planned, id })),
    ];
    await this.each(challengeOps, ({ row, id }) =>
      this.attempt('challenges', row.line, async () => {
        if (id === undefined) {
          const challenge = resolveChallenge(row.challenge, keys);
          await this.requester.request({ type: 'challenge.add', challenge });
          this.done.challenges.created++;
        } else {
          const changes = resolveChallenge(row.challenge, keys, this.live.challenges.get(id));
          await this.requester.request({ type: 'challenge.edit', id, changes });
          this.done.challenges.updated++;
        }
      }),
    );
  }

  /** The set, sector and zone ids as they are now (challenges are not re-read: nothing else changes them). */
  private async refreshKeys(): Promise<Catalogue> {
    const [sets, sectors, zones] = await Promise.all([
      this.requester.request({ type: 'set.list' }),
      this.requester.request({ type: 'sector.list' }),
      this.requester.request({ type: 'zone.list' }),
    ]);
    return { sets: byId(sets), sectors: byId(sectors), zones: byId(zones), challenges: this.live.challenges };
  }

  private report(progress: ImportProgress): void {
    this.progress = progress;
    this.onProgress?.(progress);
  }

  private phase(phase: string): void {
    this.report({ ...this.progress, phase });
  }

  private each<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    return runWindowed(items, IMPORT_WINDOW, async (item) => {
      await work(item);
      this.report({ ...this.progress, done: this.progress.done + 1 });
    });
  }

  /**
   * Runs one row's request; a refusal of that row (or a reference that did not come into being because
   * its own row was refused) is recorded as a rejected row, anything else propagates and aborts.
   */
  private async attempt(table: TableName, line: number | null, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal !== undefined && ROW_REFUSALS.has(refusal.code)) {
        this.refused.push({
          table,
          line,
          reason: `refused by the engine: ${refusal.message}`,
          ...(typeof refusal.rule === 'string' ? { rule: refusal.rule } : {}),
          by: 'engine',
        });
      } else if (error instanceof Error && / is not in the catalogue$/.test(error.message)) {
        // catalogueKeys throws for a key that has no id: what it names was refused earlier.
        this.refused.push({
          table,
          line,
          reason: `${error.message} (its own row was refused)`,
          by: 'engine',
        });
      } else {
        throw error;
      }
    }
  }

  outcome(dryRun: boolean): ImportOutcome {
    const d = this.diff;
    const rejected: RejectedReport[] = [
      ...this.plan.rejected.map((r) => reportOf(r, 'sheet')),
      ...d.rejected.map((r) => reportOf(r, 'catalogue')),
      ...this.refused,
    ].sort((a, b) => tableRank(a.table) - tableRank(b.table) || (a.line ?? 0) - (b.line ?? 0));
    const count = (table: TableName): number => rejected.filter((r) => r.table === table).length;
    const planned = (
      diff: { creates: unknown[]; updates: unknown[]; unchanged: unknown[] },
      table: Counted,
    ): EntitySummary => ({
      created: dryRun ? diff.creates.length : this.done[table].created,
      updated: dryRun ? diff.updates.length : this.done[table].updated,
      unchanged: diff.unchanged.length,
      rejected: table === 'sets' ? 0 : count(table),
      skipped: table === 'sets' ? 0 : this.plan.counts[table].skipped,
    });
    const summary = {
      sets: planned(d.sets, 'sets'),
      sectors: planned(d.sectors, 'sectors'),
      zones: planned(d.zones, 'zones'),
      distances: planned(d.travelMinutes, 'distances'),
      challenges: planned(d.challenges, 'challenges'),
    };
    const links = dryRun
      ? { added: this.links.link.length, removed: this.links.unlink.length }
      : { ...this.linked };
    const changed =
      Object.values(summary).some((s) => s.created + s.updated > 0) || links.added + links.removed > 0;
    return { dryRun, summary, links, rejected, changed };
  }
}

const tableRank = (table: TableName): number => TABLE_NAMES.indexOf(table);
