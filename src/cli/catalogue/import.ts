import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { TruinlagClient } from '../../client/node.js';
import { TruinlagError } from '../../client/node.js';
import type {
  CatalogueTables,
  ImportPlan,
  PlanDiff,
  PlannedSector,
  RejectedRow,
  TableName,
} from '../../catalogue-io/index.js';
import {
  catalogueKeys,
  diffPlan,
  parseCatalogueTables,
  resolveChallenge,
  resolveZone,
} from '../../catalogue-io/index.js';
import { STANDARD_SET_NAMES } from '../../catalogue-io/columns.js';
import type { Catalogue } from '../../engine/catalogue/types.js';
import type { GlobalOptions } from '../connection.js';
import { formatTable } from '../output.js';
import { fetchCatalogue, withClient } from './live.js';
import { IMPORT_WINDOW, runWindowed } from './pipeline.js';
import { fileOf, lineIndex, readTableFiles, TABLE_NAMES, type LineIndex } from './tables.js';

/**
 * `truinlag import DIR`: the catalogue import (IMPORT-4) run through the engine's own commands. The four
 * tables are planned and diffed against the live catalogue (pure, `src/catalogue-io`), every refused row
 * is reported, and — unless it is a dry run — the diff is applied with the ordinary catalogue commands
 * in dependency order, sets → sectors → neighbour links → zones → travel minutes → challenges, re-reading
 * the ids after each step that creates something. Requests are pipelined with a bounded window, so the
 * engine commits them in batches and keeps serving other clients in between.
 *
 * Exit status: 0 when the import ran (rejected rows are reported, not fatal); 1 when it could not run
 * (unreadable directory, connection lost, an engine failure); with `--strict`, 2 when any row was
 * rejected (the valid rows are still imported, unless `--dry-run`).
 */

export interface ImportOptions {
  readonly dryRun: boolean;
  readonly strict: boolean;
}

/** A refused row: where it is and why. `line` is null only when the row could not be located. */
export interface RejectedReport {
  table: TableName;
  line: number | null;
  reason: string;
  rule?: string;
  /** Who refused it: the sheet itself (plan), the match against the catalogue (diff), or the engine. */
  by: 'sheet' | 'catalogue' | 'engine';
}

export interface EntitySummary {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Blank rows (not reported, not imported). */
  skipped: number;
}

export interface ImportReport {
  dir: string;
  dryRun: boolean;
  /** Tables whose file was absent (read as empty). */
  missing: TableName[];
  /** Per kind of entity; `distances` counts travel-minute entries. For a dry run: what would happen. */
  summary: {
    sets: EntitySummary;
    sectors: EntitySummary;
    zones: EntitySummary;
    distances: EntitySummary;
    challenges: EntitySummary;
  };
  /** Sector neighbour links added and removed (part of the sector updates). */
  links: { added: number; removed: number };
  rejected: RejectedReport[];
  /** Whether anything was (dry run: would be) changed. */
  changed: boolean;
}

export async function importCommand(
  dir: string,
  options: ImportOptions,
  globals: GlobalOptions,
): Promise<void> {
  const json = globals.json === true;
  const { tables, missing } = readTableFiles(dir);
  const progress = !json && process.stderr.isTTY === true && !options.dryRun;
  const report = await withClient(globals, (client) =>
    importTables(client, tables, { dir: resolve(dir), missing, dryRun: options.dryRun, progress }),
  );
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(renderReport(report));
  if (options.strict && report.rejected.length > 0) process.exitCode = 2;
}

/**
 * The import proper, over a connected client: plans the tables, diffs the plan against the live
 * catalogue and — unless it is a dry run — applies the diff. `dir` and `missing` only go into the report.
 */
export async function importTables(
  client: TruinlagClient,
  tables: CatalogueTables,
  options: { dir: string; missing: TableName[]; dryRun: boolean; progress: boolean },
): Promise<ImportReport> {
  const live = await fetchCatalogue(client);
  const standard: readonly string[] = STANDARD_SET_NAMES;
  const extraSetNames = [...live.sets.values()].map((s) => s.name).filter((n) => !standard.includes(n));
  const plan = parseCatalogueTables(tables, { extraSetNames });
  const diff = diffPlan(plan, live);
  const importer = new Importer(client, plan, diff, live, lineIndex(tables));
  if (!options.dryRun) await importer.apply(options.progress);
  return importer.report(options.dir, options.missing, options.dryRun);
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

type Counted = 'sets' | 'sectors' | 'zones' | 'distances' | 'challenges';

/** Neighbour links to add and remove, as pairs of sector letters. */
interface LinkOps {
  link: [string, string][];
  unlink: [string, string][];
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
  private bar: cliProgress.SingleBar | undefined;

  constructor(
    private readonly client: TruinlagClient,
    private readonly plan: ImportPlan,
    private readonly diff: PlanDiff,
    private readonly live: Catalogue,
    private readonly lines: LineIndex,
  ) {
    this.links = linkOps(plan.sectors, live);
  }

  /** Applies the diff through the engine, phase by phase. */
  async apply(progress: boolean): Promise<void> {
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
    if (progress && total > 0) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'import [{bar}] {percentage}% {value}/{total} {phase}',
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { phase: '' });
    }
    try {
      await this.applyPhases();
    } finally {
      this.bar?.stop();
    }
  }

  private async applyPhases(): Promise<void> {
    const d = this.diff;
    this.phase('sets');
    await this.each(d.sets.creates, async (name) => {
      try {
        await this.client.request({ type: 'set.add', name });
        this.done.sets.created++;
      } catch (error) {
        // Another admin created it meanwhile: it exists, which is all the import needs.
        const exists = error instanceof TruinlagError && error.details?.rule === 'duplicate-set-name';
        if (!exists) throw error;
      }
    });
    let catalogue = await this.refreshKeys();

    this.phase('sectors');
    await this.each(d.sectors.creates, (sector) =>
      this.attempt('sectors', this.lines.sector(sector.name), async () => {
        await this.client.request({ type: 'sector.add', name: sector.name });
        this.done.sectors.created++;
      }),
    );
    catalogue = await this.refreshKeys();

    this.phase('neighbours');
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
        await this.client.request({ type: 'sector.link', a: idA, b: idB, ...(unlink ? { unlink } : {}) });
        if (unlink) this.linked.removed++;
        else this.linked.added++;
      });
    });
    this.done.sectors.updated = this.diff.sectors.updates.filter((u) =>
      this.refused.every((r) => r.table !== 'sectors' || r.line !== this.lines.sector(u.planned.name)),
    ).length;

    this.phase('zones');
    let keys = catalogueKeys(catalogue);
    const zoneOps = [
      ...d.zones.creates.map((planned) => ({ planned, id: undefined })),
      ...d.zones.updates.map(({ planned, id }) => ({ planned, id })),
    ];
    await this.each(zoneOps, ({ planned, id }) =>
      this.attempt('zones', this.lines.zone(planned.number), async () => {
        const { minutesTo: _kept, ...fields } = resolveZone(planned, keys);
        if (id === undefined) {
          await this.client.request({ type: 'zone.add', zone: { ...fields, minutesTo: {} } });
          this.done.zones.created++;
        } else {
          // Travel minutes are not part of a zone row: they are set one by one in the next phase.
          await this.client.request({ type: 'zone.edit', id, changes: fields });
          this.done.zones.updated++;
        }
      }),
    );
    catalogue = await this.refreshKeys();
    keys = catalogueKeys(catalogue);

    this.phase('travel minutes');
    const travelOps = [
      ...d.travelMinutes.creates.map((travel) => ({ travel, create: true })),
      ...d.travelMinutes.updates.map((travel) => ({ travel, create: false })),
    ];
    await this.each(travelOps, ({ travel, create }) =>
      this.attempt('distances', this.lines.travel(travel.from, travel.to), async () => {
        const from = keys.zoneId(travel.from);
        const to = keys.zoneId(travel.to);
        await this.client.request({ type: 'zone.setMinutes', from, to, minutes: travel.minutes });
        this.done.distances[create ? 'created' : 'updated']++;
      }),
    );

    this.phase('challenges');
    const challengeOps = [
      ...d.challenges.creates.map((row) => ({ row, id: undefined })),
      ...d.challenges.updates.map(({ planned, id }) => ({ row: planned, id })),
    ];
    await this.each(challengeOps, ({ row, id }) =>
      this.attempt('challenges', row.line, async () => {
        if (id === undefined) {
          const challenge = resolveChallenge(row.challenge, keys);
          await this.client.request({ type: 'challenge.add', challenge });
          this.done.challenges.created++;
        } else {
          const changes = resolveChallenge(row.challenge, keys, this.live.challenges.get(id));
          await this.client.request({ type: 'challenge.edit', id, changes });
          this.done.challenges.updated++;
        }
      }),
    );
  }

  /** The set, sector and zone ids as they are now (challenges are not re-read: nothing else changes them). */
  private async refreshKeys(): Promise<Catalogue> {
    const [sets, sectors, zones] = await Promise.all([
      this.client.request({ type: 'set.list' }),
      this.client.request({ type: 'sector.list' }),
      this.client.request({ type: 'zone.list' }),
    ]);
    const byId = <T extends { id: number }>(rows: readonly T[]): ReadonlyMap<number, T> =>
      new Map(rows.map((r) => [r.id, r]));
    return { sets: byId(sets), sectors: byId(sectors), zones: byId(zones), challenges: this.live.challenges };
  }

  private phase(name: string): void {
    this.bar?.update({ phase: name });
  }

  private each<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    return runWindowed(items, IMPORT_WINDOW, async (item) => {
      await work(item);
      this.bar?.increment();
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
      if (error instanceof TruinlagError && ROW_REFUSALS.has(error.code)) {
        const rule = error.details?.rule;
        this.refused.push({
          table,
          line,
          reason: `refused by the engine: ${error.message}`,
          ...(typeof rule === 'string' ? { rule } : {}),
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

  report(dir: string, missing: TableName[], dryRun: boolean): ImportReport {
    const d = this.diff;
    const rejected: RejectedReport[] = [
      ...this.plan.rejected.map((r) => fromRow(r, 'sheet')),
      ...d.rejected.map((r) => fromRow(r, 'catalogue')),
      ...this.refused,
    ].sort((a, b) => tableRank(a.table) - tableRank(b.table) || (a.line ?? 0) - (b.line ?? 0));
    const count = (table: TableName): number => rejected.filter((r) => r.table === table).length;
    const skipped = (table: TableName): number => this.plan.counts[table].skipped;
    const planned = (
      diff: { creates: unknown[]; updates: unknown[]; unchanged: unknown[] },
      table: Counted,
    ): EntitySummary => ({
      created: dryRun ? diff.creates.length : this.done[table].created,
      updated: dryRun ? diff.updates.length : this.done[table].updated,
      unchanged: diff.unchanged.length,
      rejected: table === 'sets' ? 0 : count(table),
      skipped: table === 'sets' ? 0 : skipped(table),
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
    return { dir, dryRun, missing, summary, links, rejected, changed };
  }
}

function fromRow(row: RejectedRow, by: RejectedReport['by']): RejectedReport {
  return {
    table: row.table,
    line: row.line,
    reason: row.reason,
    ...(row.rule === undefined ? {} : { rule: row.rule }),
    by,
  };
}

const tableRank = (table: TableName): number => TABLE_NAMES.indexOf(table);

/**
 * The neighbour links that make the catalogue's sectors match the sheet: the sheet is authoritative for
 * the sectors it lists (docs/catalogue-import.md), so a listed sector gains the links it lacks and loses
 * the ones the sheet does not list (also links to sectors the sheet does not mention). Each unordered
 * pair appears once, letters in sheet order.
 */
export function linkOps(planned: readonly PlannedSector[], catalogue: Catalogue): LinkOps {
  const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  const wanted = new Map<string, [string, string]>();
  for (const sector of planned) {
    for (const n of sector.neighbours)
      if (!wanted.has(pairKey(sector.name, n))) wanted.set(pairKey(sector.name, n), [sector.name, n]);
  }
  const nameOf = new Map([...catalogue.sectors.values()].map((s) => [s.id, s.name]));
  const stored = new Map([...catalogue.sectors.values()].map((s) => [s.name, s]));
  const current = new Map<string, [string, string]>();
  for (const sector of planned) {
    for (const id of stored.get(sector.name)?.neighbours ?? []) {
      const other = nameOf.get(id);
      if (other !== undefined && !current.has(pairKey(sector.name, other)))
        current.set(pairKey(sector.name, other), [sector.name, other]);
    }
  }
  return {
    link: [...wanted].filter(([key]) => !current.has(key)).map(([, pair]) => pair),
    unlink: [...current].filter(([key]) => !wanted.has(key)).map(([, pair]) => pair),
  };
}

/** The human report: rejected rows first (they need attention), then the counts. */
export function renderReport(report: ImportReport): string {
  const out: string[] = [];
  if (report.missing.length > 0) {
    out.push(`No ${report.missing.map(fileOf).join(', ')} in ${report.dir}: read as empty.`);
  }
  if (report.rejected.length > 0) {
    out.push(`Rejected rows (${report.rejected.length}):`);
    for (const r of report.rejected) {
      const where = r.line === null ? fileOf(r.table) : `${fileOf(r.table)} line ${r.line}`;
      out.push(`  ${where}: ${r.reason}${r.rule === undefined ? '' : ` [${r.rule}]`}`);
    }
    out.push('');
  }
  const rows = Object.entries(report.summary).map(([table, s]) => ({ table, ...s }));
  out.push(formatTable(rows));
  if (report.links.added + report.links.removed > 0) {
    out.push(`sector neighbour links: ${report.links.added} added, ${report.links.removed} removed`);
  }
  const verb = report.dryRun ? 'Dry run: nothing was changed' : 'Import done';
  const what = report.changed
    ? report.dryRun
      ? 'the counts above are what an import would do'
      : 'the catalogue was updated'
    : 'the catalogue already matches the sheet';
  out.push(`${verb}; ${what}; ${report.rejected.length} row(s) rejected.`);
  return `${out.join('\n')}\n`;
}
