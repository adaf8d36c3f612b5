import type { z } from 'zod';
import { COMMAND_DEFS } from '../../src/protocol/commands/index.js';
import type { Access } from '../../src/protocol/define.js';

/**
 * A schema-valid instance of every command, so that an access test reaches the engine's access check
 * instead of stopping at MALFORMED. Most are made from the command's zod schema (the smallest value that
 * fits: optional fields left out, nullable ones null, strings and arrays at their minimum length);
 * the few whose schemas that does not satisfy are written out below. `samplesFor` throws for a command it
 * cannot make a valid instance of, so that a new command cannot slip past the access tests unnoticed.
 */
const OVERRIDES: Readonly<Record<string, Record<string, unknown>>> = {
  // A uuid (the upload's file name) is not a string of one character.
  'picture.received': { upload: '00000000-0000-4000-8000-000000000000' },
};

interface ZodDef {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly entries?: Record<string, string | number>;
  readonly values?: readonly unknown[];
  readonly options?: readonly z.ZodType[];
  readonly in?: z.ZodType;
  readonly items?: readonly z.ZodType[];
  readonly checks?: readonly {
    readonly _zod: { readonly def: { check: string; minimum?: number; value?: number } };
  }[];
}

const defOf = (schema: z.ZodType): ZodDef => (schema as unknown as { _zod: { def: ZodDef } })._zod.def;

function minimum(def: ZodDef, check: string): number | undefined {
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === check) return d.minimum ?? d.value;
  }
  return undefined;
}

/** The smallest value the schema is likely to accept (checked by the caller with `safeParse`). */
function sample(schema: z.ZodType): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.shape ?? {})) {
        const type = defOf(field).type;
        if (type === 'optional' || type === 'default') continue;
        out[key] = sample(field);
      }
      return out;
    }
    case 'nullable':
      return null;
    case 'optional':
    case 'default':
    case 'readonly':
      return sample(def.innerType as z.ZodType);
    case 'pipe':
      return sample(def.in as z.ZodType);
    case 'string':
      return 'x'.repeat(Math.max(1, minimum(def, 'min_length') ?? 1));
    case 'number':
    case 'int':
      return Math.max(1, Math.ceil(minimum(def, 'greater_than') ?? 1));
    case 'boolean':
      return false;
    case 'enum':
      return Object.values(def.entries ?? {})[0];
    case 'literal':
      return def.values?.[0];
    case 'array':
      return Array.from({ length: minimum(def, 'min_length') ?? 0 }, () => sample(def.element as z.ZodType));
    case 'tuple':
      return (def.items ?? []).map(sample);
    case 'record':
      return {};
    case 'union': {
      for (const option of def.options ?? []) {
        const value = sample(option);
        if (option.safeParse(value).success) return value;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

export interface Sample {
  readonly type: string;
  readonly access: Access;
  readonly scope: 'global' | 'session';
  readonly command: { type: string } & Record<string, unknown>;
}

/** A valid instance of every command with one of the given access levels, in COMMAND_DEFS order. */
export function samplesFor(levels: readonly Access[]): Sample[] {
  return COMMAND_DEFS.filter((def) => levels.includes(def.access)).map((def) => {
    const base = sample(def.schema) as Record<string, unknown>;
    const command = { ...base, ...OVERRIDES[def.type], type: def.type };
    const parsed = def.schema.safeParse(command);
    if (!parsed.success) {
      throw new Error(
        `No valid sample of "${def.type}" (add one to OVERRIDES in test/auth/samples.ts): ${parsed.error.message}`,
      );
    }
    return { type: def.type, access: def.access, scope: def.scope, command };
  });
}
