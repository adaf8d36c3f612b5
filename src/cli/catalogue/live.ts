import type { TruinlagClient } from '../../client/node.js';
import type { ChallengeSet, Sector, Zone } from '../../engine/catalogue/types.js';
import { cliClient, type GlobalOptions } from '../connection.js';

export { namesOf, type Names } from '../../catalogue-io/catalogue-names.js';

/**
 * The catalogue commands' shared plumbing: one connection per CLI call, and the translation of what a
 * human types (set names, zone numbers, sector letters) into ids.
 */

/** Opens the CLI's connection, runs `work` with it and always closes it. */
export async function withClient<T>(
  options: GlobalOptions,
  work: (client: TruinlagClient) => Promise<T>,
): Promise<T> {
  const client = cliClient(options);
  try {
    await client.ready;
    return await work(client);
  } finally {
    client.close();
  }
}

/** A reference a human typed that names nothing; reported as a CLI error (exit 1). */
export class UnknownReference extends Error {
  override readonly name = 'UnknownReference';
}

const isWholeNumber = (text: string): boolean => /^\d+$/.test(text.trim());

/** A challenge set by name (case-insensitive), else by id when the text is a whole number. */
export function findSet(sets: Iterable<ChallengeSet>, ref: string | number): ChallengeSet {
  const all = [...sets];
  const text = String(ref).trim();
  const named =
    typeof ref === 'string' ? all.find((s) => s.name.toLowerCase() === text.toLowerCase()) : undefined;
  const found = named ?? (isWholeNumber(text) ? all.find((s) => s.id === Number(text)) : undefined);
  if (found === undefined) {
    throw new UnknownReference(
      `No challenge set "${text}" (sets: ${all.map((s) => s.name).join(', ') || 'none'}).`,
    );
  }
  return found;
}

/** A zone by its ZVV number (110), never by database id: numbers are what people type. */
export function findZone(zones: Iterable<Zone>, ref: string | number): Zone {
  const text = String(ref).trim();
  const found = isWholeNumber(text) ? [...zones].find((z) => z.number === Number(text)) : undefined;
  if (found === undefined) throw new UnknownReference(`No zone with number ${text}.`);
  return found;
}

/** A sector by its letter (case-insensitive), else by id when given as a number. */
export function findSector(sectors: Iterable<Sector>, ref: string | number): Sector {
  const all = [...sectors];
  const found =
    typeof ref === 'number'
      ? all.find((s) => s.id === ref)
      : all.find((s) => s.name.toUpperCase() === ref.trim().toUpperCase());
  if (found === undefined) {
    throw new UnknownReference(
      `No sector ${String(ref)} (sectors: ${all.map((s) => s.name).join('') || 'none'}).`,
    );
  }
  return found;
}

/** Sector letters from arguments such as `W C`, `WC`, `W,C`: separators are ignored, order is kept. */
export function sectorLetters(args: readonly string[]): string[] {
  return [...args.join('').replace(/[\s,;/|]+/g, '')];
}
