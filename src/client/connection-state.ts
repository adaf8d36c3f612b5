import type { Welcome } from '../protocol/envelope.js';
import type { TruinlagError } from './errors.js';

/**
 * Where a client's connection stands (`client.connection`, changes via `onConnection`):
 * - `connecting`: opening a connection, or waiting to retry (`attempt` 0 is the first; a failed attempt
 *   is followed by the next attempt's `connecting`, not by `closed`);
 * - `open`: the server's welcome is in; `open` comes again with the new welcome when a hello re-sent on
 *   the same connection (`login`, `logout`) changed the role;
 * - `closed`: an open connection was lost, or the client stopped. `reason` says why (`DISCONNECTED`, or
 *   `CLOSED` after `close()`, or the server's refusal of the hello: `UNAUTHORISED` for a bad or ended
 *   token, `VERSION_MISMATCH`, `CLIENT_TOO_OLD` when the server needs a newer client: `details.minimum`
 *   names the oldest it accepts, and the app should update, or reload; `MALFORMED` for a hello that is
 *   not valid, `details.issues` naming what); `reconnecting` says whether a `connecting` follows.
 */
export type ConnectionState =
  | { readonly status: 'connecting'; readonly attempt: number }
  | { readonly status: 'open'; readonly welcome: Welcome }
  | { readonly status: 'closed'; readonly reason: TruinlagError; readonly reconnecting: boolean };
