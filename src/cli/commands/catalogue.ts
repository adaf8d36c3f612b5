import { InvalidArgumentError } from 'commander';
import type { TruinlagClient } from '../../client/node.js';
import type { Catalogue, Challenge, Sector, Zone } from '../../engine/catalogue/types.js';
import { parseChallengeKind, parseChallengeStatus } from '../../engine/catalogue/types.js';
import {
  challengeAsFile,
  challengeToAdd,
  readChallengeFile,
  resolveChallengeFields,
} from '../catalogue/challenge-file.js';
// Straight from its module: the package's index would load the CSV reader for every command.
import { fetchCatalogue } from '../../catalogue-io/live-catalogue.js';
import {
  findSector,
  findSet,
  findZone,
  namesOf,
  sectorLetters,
  withClient,
  type Names,
} from '../catalogue/live.js';
import { previewCommand, type PreviewOptions } from '../catalogue/preview.js';
import type { GlobalOptions } from '../connection.js';
import { printResult } from '../output.js';
import type { CliContext } from '../program.js';

/**
 * The catalogue: import/preview, challenges, challenge sets, zones and sectors. (`export DIR` lives with
 * the whole-state `export FILE.json` in core.ts.) Wherever a person would type a name, the name works:
 * set names, zone numbers (110, never zone ids), sector letters; they are resolved by listing over the
 * same connection. `--json` prints the engine's own records (with ids); without it, tables with names.
 */
export function registerCatalogueCommands({ program, globals, int }: CliContext): void {
  const number = (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError('not a number');
    return value;
  };

  program
    .command('import <dir>')
    .description(
      'import the catalogue from challenges.csv, zones.csv, distances.csv and sectors.csv in <dir> ' +
        '(a missing file is an empty table) through the running server (docs/catalogue-cli.md): idempotent upsert, every rejected ' +
        'row reported with its line and reason. Exit 0 when the import ran, 1 when it could not run ' +
        '(connection or engine failure), 2 with --strict when a row was rejected.',
    )
    .option('--dry-run', 'report what would change and every rejected row; change nothing')
    .option('--strict', 'exit with status 2 when any row is rejected (the other rows are still imported)')
    .action(async (dir: string, o: { dryRun?: boolean; strict?: boolean }) => {
      // The CSV reader and the progress bar load only for an import (a one-shot command stays quick).
      const { importCommand } = await import('../catalogue/import.js');
      await importCommand(dir, { dryRun: o.dryRun === true, strict: o.strict === true }, globals());
    });

  program
    .command('preview')
    .description('show the hand a team in a zone would be dealt, with every term of each offer’s points')
    .requiredOption('--zone <number>', 'the team’s zone number (e.g. 110)')
    .option('--sector <letter>', 'the team’s sector')
    .option('--at <iso>', 'the moment to generate at, ISO 8601 (default: now)')
    .option('--time-zone <zone>', 'IANA time zone for the config’s times of day (default Europe/Zurich)')
    .option('--points <points>', 'the team’s points', int)
    .option('--top-score <points>', 'the leader’s points (enables the underdog bonus)', int)
    .option('--seed <seed>', 'random seed (default: random, printed); same seed and --at = same hand', int)
    .option(
      '--no-wiggle',
      'no points noise and no time wiggle (relativeStandardDeviation 0, timeWiggleMinutes 0)',
    )
    .option('--sets <names>', 'comma-separated challenge sets to play with (default: every set)')
    .option('--config <json>', 'game config fields as a JSON object, or @file')
    .action((o: PreviewOptions) => previewCommand(o, globals()));

  registerChallengeCommands(program.command('challenge').description('catalogue challenges'), globals, int);
  registerSetCommands(program.command('challenge-set').description('challenge sets'), globals);
  registerZoneCommands(program.command('zone').description('zones and travel minutes'), globals, int, number);
  registerSectorCommands(program.command('sector').description('sectors of the centre zone'), globals);
}

type Group = ReturnType<CliContext['program']['command']>;

/** Runs `work` with a connection and the live catalogue, then prints what it returns. */
async function withCatalogue(
  options: GlobalOptions,
  work: (client: TruinlagClient, catalogue: Catalogue) => Promise<{ json: unknown; human: () => unknown }>,
): Promise<void> {
  const { json, human } = await withClient(options, async (client) =>
    work(client, await fetchCatalogue(client)),
  );
  printResult(options.json === true ? json : human(), options.json === true);
}

function registerChallengeCommands(
  group: Group,
  globals: () => GlobalOptions,
  int: (t: string) => number,
): void {
  group
    .command('list')
    .description('list challenges, optionally filtered')
    .option('--status <status>', 'Approved, Edited, Rejected, Glorious, ToSort or Refactor (any case)')
    .option('--kind <kind>', 'Kaff, Ortsspezifisch, Regionsspezifisch, Unspezifisch, Zoneable or ZKaff')
    .option('--set <set>', 'a challenge set, by name or id')
    .action((o: { status?: string; kind?: string; set?: string }) => {
      const status = o.status === undefined ? undefined : parseChallengeStatus(o.status);
      const kind = o.kind === undefined ? undefined : parseChallengeKind(o.kind);
      if (o.status !== undefined && status === undefined) throw new Error(`Unknown status "${o.status}".`);
      if (o.kind !== undefined && kind === undefined) throw new Error(`Unknown kind "${o.kind}".`);
      return withCatalogue(globals(), async (client, catalogue) => {
        const set = o.set === undefined ? undefined : findSet(catalogue.sets.values(), o.set).id;
        const list = await client.request({
          type: 'challenge.list',
          ...(status === undefined ? {} : { status }),
          ...(kind === undefined ? {} : { kind }),
          ...(set === undefined ? {} : { set }),
        });
        return { json: list, human: () => list.map((c) => challengeRow(c, namesOf(catalogue))) };
      });
    });

  group
    .command('show <id>')
    .description('show one challenge (references by name)')
    .option('--as-file', 'print it as a JSON challenge file for `challenge edit --file`')
    .action(async (id: string, o: { asFile?: boolean }) => {
      const options = globals();
      const { challenge, catalogue } = await withClient(options, async (client) => ({
        challenge: await client.request({ type: 'challenge.get', id: int(id) }),
        catalogue: await fetchCatalogue(client),
      }));
      const file = challengeAsFile(challenge, catalogue);
      if (o.asFile === true) process.stdout.write(`${JSON.stringify(file, null, 2)}\n`);
      else if (options.json === true) printResult(challenge, true);
      else printResult({ id: challenge.id, ...file, lastEdit: iso(challenge.lastEdit) }, false);
    });

  group
    .command('add')
    .description('add a challenge from a JSON file (format: docs/catalogue-cli.md)')
    .requiredOption('--file <file>', 'JSON challenge file; kind and status required, other fields default')
    .action((o: { file: string }) =>
      withCatalogue(globals(), async (client, catalogue) => {
        const challenge = challengeToAdd(readChallengeFile(o.file), catalogue);
        const added = await client.request({
          type: 'challenge.add',
          challenge,
        });
        return { json: added, human: () => challengeRow(added, namesOf(catalogue)) };
      }),
    );

  group
    .command('edit <id>')
    .description('change the fields a JSON file lists (the rest stays); the result is validated as a whole')
    .requiredOption('--file <file>', 'JSON challenge file with the fields to change')
    .action((id: string, o: { file: string }) =>
      withCatalogue(globals(), async (client, catalogue) => {
        const changes = resolveChallengeFields(readChallengeFile(o.file), catalogue);
        const edited = await client.request({
          type: 'challenge.edit',
          id: int(id),
          changes,
        });
        return { json: edited, human: () => challengeRow(edited, namesOf(catalogue)) };
      }),
    );

  group
    .command('delete [id]')
    .description('delete one challenge, or every challenge with --all')
    .option('--all', 'delete every catalogue challenge')
    .action(async (id: string | undefined, o: { all?: boolean }) => {
      if ((id === undefined) === (o.all !== true)) throw new Error('Give either a challenge id or --all.');
      const command =
        id === undefined
          ? ({ type: 'challenge.deleteAll' } as const)
          : ({ type: 'challenge.delete', id: int(id) } as const);
      const result = await withClient(globals(), (client) => client.request(command));
      printResult(result, globals().json === true);
    });
}

function registerSetCommands(group: Group, globals: () => GlobalOptions): void {
  group
    .command('list')
    .description('list challenge sets with how many challenges each holds')
    .action(() =>
      withCatalogue(globals(), (_client, catalogue) => {
        const sets = [...catalogue.sets.values()];
        const challenges = [...catalogue.challenges.values()];
        return Promise.resolve({
          json: sets,
          human: () =>
            sets.map((s) => ({
              id: s.id,
              name: s.name,
              challenges: challenges.filter((c) => c.sets.includes(s.id)).length,
            })),
        });
      }),
    );

  group
    .command('add <name>')
    .description('create a challenge set')
    .action(async (name: string) => {
      const set = await withClient(globals(), (client) => client.request({ type: 'set.add', name }));
      printResult(set, globals().json === true);
    });

  group
    .command('delete <set>')
    .description('delete a challenge set (by name or id) that no challenge uses')
    .action((ref: string) =>
      withCatalogue(globals(), async (client, catalogue) => {
        const set = findSet(catalogue.sets.values(), ref);
        const result = await client.request({ type: 'set.delete', id: set.id });
        return { json: result, human: () => ({ deleted: set.name }) };
      }),
    );
}

function registerZoneCommands(
  group: Group,
  globals: () => GlobalOptions,
  int: (t: string) => number,
  number: (t: string) => number,
): void {
  group
    .command('list')
    .description('list zones')
    .action(() =>
      withCatalogue(globals(), (_client, catalogue) => {
        const zones = [...catalogue.zones.values()].sort((a, b) => a.number - b.number);
        return Promise.resolve({
          json: zones,
          human: () => zones.map((z) => zoneRow(z, namesOf(catalogue))),
        });
      }),
    );

  group
    .command('show <zone>')
    .description('show one zone (by number) with its travel minutes')
    .action((ref: string) =>
      withCatalogue(globals(), (_client, catalogue) => {
        const zone = findZone(catalogue.zones.values(), ref);
        const names = namesOf(catalogue);
        const minutes = Object.entries(zone.minutesTo)
          .map(([to, m]) => ({ to: Number(names.zone(Number(to))), minutes: m }))
          .sort((a, b) => a.to - b.to);
        return Promise.resolve({
          json: zone,
          human: () => ({
            ...zoneRow(zone, names),
            minutesTo: minutes.map((m) => `${m.to}: ${m.minutes}`).join(', '),
          }),
        });
      }),
    );

  group
    .command('add')
    .description('add a zone')
    .requiredOption('--number <number>', 'ZVV zone number', int)
    .requiredOption('--conn-zones <n>', 'number of zones it connects to', int)
    .requiredOption('--connections <n>', 'number of transit connections serving it', int)
    .option('--train-through', 'a train passes through it to another zone')
    .option('--mongus', 'especially hard to reach')
    .option('--s-bahn', 'an S-Bahn zone (for %s challenges)')
    .option('--close-sectors <letters>', 'close sectors, e.g. WC')
    .action(
      (o: {
        number: number;
        connZones: number;
        connections: number;
        trainThrough?: boolean;
        mongus?: boolean;
        sBahn?: boolean;
        closeSectors?: string;
      }) =>
        withCatalogue(globals(), async (client, catalogue) => {
          const closeSectors = sectorLetters([o.closeSectors ?? '']).map(
            (l) => findSector(catalogue.sectors.values(), l).id,
          );
          const zone = await client.request({
            type: 'zone.add',
            zone: {
              number: o.number,
              numConnZones: o.connZones,
              numConnections: o.connections,
              trainThrough: o.trainThrough === true,
              mongus: o.mongus === true,
              sBahnZone: o.sBahn === true,
              minutesTo: {},
              closeSectors,
            },
          });
          return { json: zone, human: () => zoneRow(zone, namesOf(catalogue)) };
        }),
    );

  group
    .command('set-minutes <from> <to> <minutes>')
    .description('set the travel minutes from one zone to another (zone numbers)')
    .option('--both', 'set the way back too')
    .action((fromRef: string, toRef: string, minutes: string, o: { both?: boolean }) =>
      withCatalogue(globals(), async (client, catalogue) => {
        const from = findZone(catalogue.zones.values(), fromRef);
        const to = findZone(catalogue.zones.values(), toRef);
        const zones = await client.request({
          type: 'zone.setMinutes',
          from: from.id,
          to: to.id,
          minutes: number(minutes),
          ...(o.both === true ? { both: true } : {}),
        });
        const ways =
          o.both === true
            ? [`${from.number} → ${to.number}`, `${to.number} → ${from.number}`]
            : [`${from.number} → ${to.number}`];
        return { json: zones, human: () => ways.map((way) => ({ way, minutes: number(minutes) })) };
      }),
    );

  group
    .command('delete <zone>')
    .description('delete a zone (by number) that no challenge uses')
    .action((ref: string) =>
      withCatalogue(globals(), async (client, catalogue) => {
        const zone = findZone(catalogue.zones.values(), ref);
        const result = await client.request({ type: 'zone.delete', id: zone.id });
        return { json: result, human: () => ({ deleted: `zone ${zone.number}` }) };
      }),
    );
}

function registerSectorCommands(group: Group, globals: () => GlobalOptions): void {
  group
    .command('list')
    .description('list sectors with their neighbours and the zones they are close to')
    .action(() =>
      withCatalogue(globals(), (_client, catalogue) => {
        const sectors = [...catalogue.sectors.values()];
        return Promise.resolve({ json: sectors, human: () => sectors.map((s) => sectorRow(s, catalogue)) });
      }),
    );

  group
    .command('add <letter>')
    .description('add a sector (one letter, stored in capitals like the import does)')
    .action(async (letter: string) => {
      const sector = await withClient(globals(), (client) =>
        client.request({ type: 'sector.add', name: letter.trim().toUpperCase() }),
      );
      printResult(sector, globals().json === true);
    });

  group
    .command('neighbours <a> <b>')
    .description('make two sectors neighbours (symmetric)')
    .option('--unlink', 'remove the link instead')
    .action((a: string, b: string, o: { unlink?: boolean }) =>
      withCatalogue(globals(), async (client, catalogue) => {
        const sectors = await client.request({
          type: 'sector.link',
          a: findSector(catalogue.sectors.values(), a).id,
          b: findSector(catalogue.sectors.values(), b).id,
          ...(o.unlink === true ? { unlink: true } : {}),
        });
        const names = namesOf(catalogue);
        return {
          json: sectors,
          human: () =>
            sectors.map((s) => ({ sector: s.name, neighbours: s.neighbours.map(names.sector).join('') })),
        };
      }),
    );

  group
    .command('close <zone> [letters...]')
    .description(
      "set a zone's close sectors (replaces them; no letters clears them), e.g. `sector close 110 C W`",
    )
    .action((zoneRef: string, letters: string[] | undefined) =>
      withCatalogue(globals(), async (client, catalogue) => {
        const zone = findZone(catalogue.zones.values(), zoneRef);
        const ids = sectorLetters(letters ?? []).map((l) => findSector(catalogue.sectors.values(), l).id);
        const updated = await client.request({ type: 'zone.setCloseSectors', id: zone.id, sectors: ids });
        return { json: updated, human: () => zoneRow(updated, namesOf(catalogue)) };
      }),
    );

  group
    .command('delete <letter>')
    .description('delete a sector that no challenge or zone uses (its neighbour links go with it)')
    .action((ref: string) =>
      withCatalogue(globals(), async (client, catalogue) => {
        const sector = findSector(catalogue.sectors.values(), ref);
        const result = await client.request({ type: 'sector.delete', id: sector.id });
        return { json: result, human: () => ({ deleted: `sector ${sector.name}` }) };
      }),
    );
}

function challengeRow(c: Challenge, names: Names): Record<string, unknown> {
  return {
    id: c.id,
    status: c.status,
    kind: c.kind,
    name: c.title ?? c.place ?? '',
    sets: c.sets.map(names.set).join(','),
    zones:
      c.randomPlace !== null && c.zones.length === 0
        ? `(${c.randomPlace})`
        : c.zones.map(names.zone).join(','),
    sectors: c.sectors.map(names.sector).join(''),
  };
}

function zoneRow(z: Zone, names: Names): Record<string, unknown> {
  return {
    zone: z.number,
    id: z.id,
    connZones: z.numConnZones,
    connections: z.numConnections,
    trainThrough: z.trainThrough,
    mongus: z.mongus,
    sBahn: z.sBahnZone,
    closeSectors: z.closeSectors.map(names.sector).join(''),
    travel: Object.keys(z.minutesTo).length,
  };
}

function sectorRow(s: Sector, catalogue: Catalogue): Record<string, unknown> {
  const names = namesOf(catalogue);
  return {
    sector: s.name,
    id: s.id,
    neighbours: s.neighbours.map(names.sector).join(''),
    closeToZones: [...catalogue.zones.values()]
      .filter((z) => z.closeSectors.includes(s.id))
      .map((z) => z.number)
      .sort((a, b) => a - b)
      .join(','),
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();
