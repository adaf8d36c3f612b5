import { readFileSync } from 'node:fs';
import type { Catalogue, Challenge, ChallengeInput } from '../../engine/catalogue/types.js';
import { parseChallengeKind, parseChallengeStatus } from '../../engine/catalogue/types.js';
import { CHALLENGE_DEFAULTS } from '../../engine/catalogue/defaults.js';
import { findSector, findSet, findZone, namesOf } from './live.js';

/**
 * The JSON file of `challenge add --file` / `challenge edit --file`: a challenge's fields as the protocol
 * names them (docs/protocol.md, `challenge.add`), but with references the way people write them:
 *
 * - `sets`: set names (or ids as numbers), as a list or one comma-separated string;
 * - `zones`: ZVV zone numbers (110, never database ids), as a list or one comma-separated string;
 * - `sectors`: sector letters (or ids as numbers), as a list or one string such as `"WC"`;
 * - `kind` and `status` in any case, underscores ignored (`z_kaff`, `to_sort`).
 *
 * `id` and `lastEdit` are ignored, so the output of `challenge show ID --as-file` can be edited and fed
 * back. For `add`, `kind` and `status` are required and every other field defaults to what an empty
 * sheet cell means (no texts, biases 1, numbers 0, booleans false, no sets/zones/sectors). For `edit`,
 * only the fields present change. The engine checks everything else (CATALOGUE-3) and names the rule.
 */

/** Reads a challenge file as a JSON object. */
export function readChallengeFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file}: expected one JSON object with challenge fields.`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * The fields of a file with references resolved to ids (partial: only what the file has). Values of
 * the wrong type are passed on as they are, for the engine to refuse with its own message.
 */
export function resolveChallengeFields(
  fields: Record<string, unknown>,
  catalogue: Catalogue,
): Record<string, unknown> {
  const { id: _id, lastEdit: _lastEdit, ...rest } = fields;
  const out: Record<string, unknown> = { ...rest };
  if (typeof rest.kind === 'string') out.kind = parseChallengeKind(rest.kind) ?? rest.kind;
  if (typeof rest.status === 'string') out.status = parseChallengeStatus(rest.status) ?? rest.status;
  const refs = (value: unknown, split: (text: string) => string[]): unknown =>
    typeof value === 'string' ? split(value) : value;
  const byComma = (text: string): string[] =>
    text
      .split(/[,;]/)
      .map((part) => part.trim())
      .filter((part) => part !== '');
  const letters = (text: string): string[] => [...text.replace(/[\s,;/|]+/g, '')];
  if ('sets' in rest)
    out.sets = mapRefs(refs(rest.sets, byComma), (r) => findSet(catalogue.sets.values(), r).id);
  if ('zones' in rest) {
    out.zones = mapRefs(refs(rest.zones, byComma), (r) => findZone(catalogue.zones.values(), r).id);
  }
  if ('sectors' in rest) {
    out.sectors = mapRefs(refs(rest.sectors, letters), (r) => findSector(catalogue.sectors.values(), r).id);
  }
  return out;
}

function mapRefs(value: unknown, resolve: (ref: string | number) => number): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((ref: unknown) =>
    typeof ref === 'string' || typeof ref === 'number' ? resolve(ref) : ref,
  );
}

/** A whole challenge for `add`: the defaults, overridden by the file. */
export function challengeToAdd(fields: Record<string, unknown>, catalogue: Catalogue): ChallengeInput {
  const resolved = resolveChallengeFields(fields, catalogue);
  for (const required of ['kind', 'status'] as const) {
    if (!(required in resolved)) throw new Error(`The challenge file needs "${required}".`);
  }
  return { ...CHALLENGE_DEFAULTS, ...resolved } as ChallengeInput;
}

/** A stored challenge in the file format (references by name), ready to edit and pass to `edit --file`. */
export function challengeAsFile(challenge: Challenge, catalogue: Catalogue): Record<string, unknown> {
  const names = namesOf(catalogue);
  const { id: _id, lastEdit: _lastEdit, ...input } = challenge;
  return {
    ...input,
    sets: challenge.sets.map(names.set),
    zones: challenge.zones.map((id) => catalogue.zones.get(id)?.number ?? names.zone(id)),
    sectors: challenge.sectors.map(names.sector),
  };
}
