import type { AnyCommandInput } from '../../../src/protocol/commands/index.js';
import type { ProtocolError } from '../../../src/protocol/errors.js';

/** Where an action stands (issue 10): stored, handed to the server, answered, or refused with a reason. */
export type ActionState = 'queued' | 'sent' | 'done' | 'refused';

/** The actions a player can take on the phone; each one is stored before it is sent (D24). */
export type CommandKind = 'complete' | 'catch' | 'location' | 'rename';

interface ActionBase {
  /** The request id, chosen when the action is stored and used for every send (idempotency, D2/D24). */
  readonly id: string;
  readonly createdAt: number;
  readonly session: number;
  readonly state: ActionState;
  /** Why the server refused it. */
  readonly error?: Pick<ProtocolError, 'code' | 'message'>;
  /** What the player sees: the challenge's title, the caught team's name, the new name. */
  readonly label: string;
}

export interface CommandAction extends ActionBase {
  readonly kind: CommandKind;
  readonly command: AnyCommandInput;
}

/** A proof photo for a team's period, uploaded over HTTP with the action's id as its Idempotency-Key. */
export interface PhotoAction extends ActionBase {
  readonly kind: 'photo';
  readonly team: number;
  readonly period: number;
  readonly photo: Blob;
  /** A small JPEG data URL for the list. */
  readonly thumb: string;
  /** The action that creates the period (the completion): the photo is uploaded once it is done. */
  readonly after: string | null;
}

export type OutboxEntry = CommandAction | PhotoAction;

/** An action as the app asks for it; the outbox gives it its id, time and state. */
export type ActionDraft =
  | Omit<CommandAction, 'id' | 'createdAt' | 'state' | 'error'>
  | Omit<PhotoAction, 'id' | 'createdAt' | 'state' | 'error'>;

export const isFinished = (entry: OutboxEntry): boolean =>
  entry.state === 'done' || entry.state === 'refused';

/**
 * Whether an action still waits for its answer. The app offers an update (which reloads the page) only
 * while none does, so that an update never reloads it in the middle of a pending action.
 */
export const hasPending = (entries: readonly OutboxEntry[]): boolean => entries.some((e) => !isFinished(e));
