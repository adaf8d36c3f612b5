import type { ErrorCode } from '../protocol/errors.js';

/**
 * What the runtime reports about its own work, for metrics and logs (OPS-1, OPS-2). The runtime only
 * calls these with numbers and codes it already has: no allocation per request, no I/O of its own; the
 * server's telemetry decides what to count and what to log.
 */
export interface RuntimeObserver {
  /** One loop turn stepped `commands` items in `ms` of loop time. */
  turned(ms: number, commands: number): void;
  /** A turn's batch became durable `ms` after it was handed to the writer; `commands` changed state. */
  committed(ms: number, commands: number): void;
  /** A commit failed: `turns` turns were rolled back and answered INTERNAL. */
  commitFailed(error: unknown, turns: number): void;
  /** A request was answered with an error (`command` is its type; `peer` the connection, if any). */
  refused(code: ErrorCode, command: string, peer: string | undefined): void;
  /** Released broadcasts: how many, and how many frames their fan-out handed to connections. */
  published(broadcasts: number, frames: number): void;
  /** A resume: how many missed broadcasts were replayed, and how many streams were told to resync. */
  resumed(replayed: number, resyncs: number): void;
}

/** Reports nowhere (a runtime without telemetry: tests, tools). */
export const SILENT_RUNTIME: RuntimeObserver = {
  turned: () => undefined,
  committed: () => undefined,
  commitFailed: () => undefined,
  refused: () => undefined,
  published: () => undefined,
  resumed: () => undefined,
};

/** The runtime's queues as metrics read them when scraped. */
export interface RuntimeLoad {
  /** Items waiting in the engine's mailbox. */
  readonly mailbox: number;
  /** Turns stepped and waiting for their commit (or for an older one) to be released. */
  readonly awaitingCommit: number;
  /** Durable timers armed. */
  readonly timers: number;
  /** Background jobs running. */
  readonly jobs: number;
}
