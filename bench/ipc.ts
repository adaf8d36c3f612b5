/** Messages between bench/run.ts and its server children (engine and echo). */
export type ParentCommand =
  { readonly kind: 'cpu' } | { readonly kind: 'watch'; readonly on: boolean } | { readonly kind: 'stop' };

export type ChildReply =
  /** `token`: the engine's admin token (every bench client is an admin connection); null for the echo server. */
  | { readonly kind: 'ready'; readonly url: string; readonly token: string | null }
  | {
      readonly kind: 'cpu';
      readonly usage: NodeJS.CpuUsage;
      /** Engine only: CPU time of the main thread alone (the loop), µs; null where /proc is not readable. */
      readonly loopMicros: number | null;
      readonly peers: number;
      /** Engine only: group commits so far, the answered requests they made durable, and their total time. */
      readonly commits: CommitStats | null;
    }
  | { readonly kind: 'detached'; readonly at: number; readonly peers: number }
  | { readonly kind: 'stopped' };

export interface CommitStats {
  readonly commits: number;
  readonly answers: number;
  readonly ms: number;
  /** WAL checkpoints the writer thread ran between commits, and their total time (ms). */
  readonly checkpoints: number;
  readonly checkpointMs: number;
}
