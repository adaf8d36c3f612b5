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
  /**
   * Sends at once what `send` has held back so far (transports batch one turn's frames into one write).
   * Delivery calls it per connection as soon as that connection has all of a release's frames, so the
   * first recipients of a broadcast do not wait for the send loop over all the others.
   */
  flush?(): void;
  close(code: number, reason: string): void;
}
