import type { Viewer } from './audience.js';

export type FrameKind = 'response' | 'broadcast' | 'notice';

/**
 * The runtime's handle on one client connection. `send` never blocks: each transport queues the frame on
 * its own bounded outbound queue and cuts the connection off if the client does not keep up (issue 3).
 * Which broadcasts it receives is decided from what it is (`Viewer`) and each broadcast's recipients.
 */
export interface Peer extends Viewer {
  readonly id: string;
  send(frame: string, kind: FrameKind): void;
  close(code: number, reason: string): void;
}
