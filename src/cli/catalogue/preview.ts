import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { breakdownRows } from '../../catalogue-io/breakdown-rows.js';
import { fetchCatalogue } from '../../catalogue-io/live-catalogue.js';
import type { ResultOf } from '../../protocol/commands/index.js';
import type { GlobalOptions } from '../connection.js';
import { formatTable } from '../output.js';
import { findSector, findSet, findZone, namesOf, withClient, type Names } from './live.js';

export interface PreviewOptions {
  zone: string;
  sector?: string;
  at?: string;
  timeZone?: string;
  points?: number;
  topScore?: number;
  seed?: number;
  /** False with `--no-wiggle`: no points noise and no time wiggle, so the hand is exactly repeatable. */
  wiggle: boolean;
  config?: string;
  sets?: string;
}

type PreviewResult = ResultOf<'challenge.preview'>;

/**
 * `truinlag preview`: the hand a team in a zone would be dealt (`challenge.preview`), with every term of
 * each offer's points. The seed is printed; the same options with the same `--seed` and `--at` give the
 * same hand (with `--no-wiggle` also the same points).
 */
export async function previewCommand(options: PreviewOptions, globals: GlobalOptions): Promise<void> {
  const at = options.at === undefined ? Date.now() : Date.parse(options.at);
  if (!Number.isFinite(at)) throw new Error(`--at "${options.at ?? ''}" is not an ISO date-time.`);
  const seed = options.seed ?? randomInt(2 ** 31);
  const { result, names } = await withClient(globals, async (client) => {
    const catalogue = await fetchCatalogue(client);
    const zone = findZone(catalogue.zones.values(), options.zone);
    const sector =
      options.sector === undefined ? undefined : findSector(catalogue.sectors.values(), options.sector);
    const config: Record<string, unknown> = {
      ...parseConfig(options.config),
      ...(options.sets === undefined
        ? {}
        : {
            challengeSets: options.sets
              .split(/[,;]/)
              .filter((s) => s.trim() !== '')
              .map((s) => findSet(catalogue.sets.values(), s).id),
          }),
      ...(options.wiggle ? {} : { relativeStandardDeviation: 0, timeWiggleMinutes: 0 }),
    };
    const result = await client.request({
      type: 'challenge.preview',
      zone: zone.id,
      ...(sector === undefined ? {} : { sector: sector.id }),
      at,
      ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
      ...(options.points === undefined ? {} : { points: options.points }),
      ...(options.topScore === undefined ? {} : { topScore: options.topScore }),
      ...(Object.keys(config).length === 0 ? {} : { config }),
      seed,
    });
    return { result, names: namesOf(catalogue) };
  });
  if (globals.json === true) {
    process.stdout.write(`${JSON.stringify({ seed, at, ...result })}\n`);
    return;
  }
  process.stdout.write(renderPreview(result, { seed, at, timeZone: options.timeZone }, names));
}

/** `--config` is a JSON object, or `@file` naming a file that holds one. */
function parseConfig(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  const source = text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new Error(`--config is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('--config must be a JSON object of game config fields.');
  }
  return value as Record<string, unknown>;
}

function renderPreview(
  result: PreviewResult,
  request: { seed: number; at: number; timeZone: string | undefined },
  names: Names,
): string {
  const out: string[] = [];
  const phase = result.phase?.phase;
  const kind = phase?.kind ?? 'unknown';
  const ratio = phase !== undefined && 'ratio' in phase ? phase.ratio : undefined;
  out.push(
    `Phase ${kind}${ratio === undefined ? '' : ` (ratio ${ratio.toFixed(4)})`} at ${new Date(request.at).toISOString()}` +
      `${request.timeZone === undefined ? '' : ` (${request.timeZone})`}, seed ${request.seed}`,
  );
  if (result.offers.length === 0) out.push('No offers.');
  else {
    out.push(
      formatTable(
        result.offers.map((offer, i) => ({
          '#': i + 1,
          challenge: offer.challengeId,
          points: offer.points,
          zone: offer.zoneId === null ? '' : names.zone(offer.zoneId),
          sector: offer.sectorId === null ? '' : names.sector(offer.sectorId),
          title: offer.title,
        })),
      ),
    );
  }
  result.offers.forEach((offer, i) => {
    const breakdown = result.breakdowns[i];
    out.push('', `Offer ${i + 1}: ${offer.title} (challenge ${offer.challengeId})`);
    if (breakdown !== undefined) out.push(formatTable(breakdownRows(breakdown)));
  });
  if (result.problems.length > 0) out.push('', 'Problems:', ...result.problems.map((p) => `  ${p}`));
  return `${out.join('\n')}\n`;
}
