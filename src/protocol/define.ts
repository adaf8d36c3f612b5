import { z } from 'zod';

/**
 * Who may send a command. `public` commands are open to every connection, also one that has not logged
 * in (a guest: `auth.login`, `ping`); `player` commands to player and admin connections; `admin` ones
 * only to admins; and `internal` ones never come from the wire: they are what timers and background jobs
 * loop back into the engine (AUTH-2).
 */
export const ACCESS_LEVELS = ['public', 'player', 'admin', 'internal'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

/** Whether a command acts on one game session (the request must name it) or on global data. */
export type Scope = 'global' | 'session';

export interface CommandDef<
  TType extends string = string,
  TParams extends z.ZodRawShape = z.ZodRawShape,
  TResult extends z.ZodType = z.ZodType,
> {
  readonly type: TType;
  readonly summary: string;
  readonly scope: Scope;
  readonly access: Access;
  /** The command's parameters: the wire command is `{ type, ...params }`, with no other keys. */
  readonly params: TParams;
  readonly result: TResult;
}

/**
 * Declares a command. The result keeps the literal types for the typed client and engine, and carries
 * the strict wire schema `{ type: literal, ...params }` (unknown keys refused).
 */
export function defineCommand<TType extends string, TParams extends z.ZodRawShape, TResult extends z.ZodType>(
  def: CommandDef<TType, TParams, TResult>,
) {
  return { ...def, schema: z.strictObject({ type: z.literal(def.type), ...def.params }) };
}

/** A declared command with its wire schema. */
export type DefinedCommand = CommandDef & { readonly schema: z.ZodType };
