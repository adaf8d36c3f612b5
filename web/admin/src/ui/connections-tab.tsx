import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { ResultOf } from '../../../../src/protocol/commands/index.js';
import type { ConnectionStatus, EndedConnection } from '../../../../src/protocol/connections.js';
import type { Desk } from '../desk.js';
import { refusalText } from '../desk.js';
import { clockTime } from './times.js';

type Board = ResultOf<'admin.connections'>;

const REASON_TEXT = {
  'slow-consumer': 'too slow to read (outbound queue full)',
  'rate-limit': 'too many requests',
  'hello-deadline': 'no hello in time',
  version: 'protocol or app version refused',
  unauthorised: 'token refused or revoked',
  dead: 'no answer to pings',
  shutdown: 'server shutting down',
  'relay-lost': 'relayed frames lost in the cluster',
  'closed-by-client': 'closed by the client',
  other: 'closed by the server',
} as const;

/**
 * Connections (OPS-3): who is connected now and the latest connections that ended, with why, as the
 * runtime answers `admin.connections`. The table is read when the tab opens, after every reconnect, again
 * whenever the server's `connections` notice says the board moved past what it shows (OPS-4), and on
 * Refresh (last seen and queued bytes change without a notice).
 */
export function ConnectionsTab({ desk }: { desk: Desk }) {
  const board = useSignal<Board | undefined>(undefined);
  const error = useSignal<string | undefined>(undefined);
  const read = (): void => {
    desk.request({ type: 'admin.connections' }).then(
      (b) => {
        board.value = b;
        error.value = undefined;
      },
      (e: unknown) => (error.value = refusalText(e)),
    );
  };
  // Read again on every connection: a restarted server, or another node of a cluster, counts its board's
  // versions from its own start, so the versions of the board shown say nothing about its notices.
  const online = desk.link.value === 'online';
  useEffect(() => {
    if (online) read();
  }, [desk, online]);
  const version = desk.connectionsVersion.value;
  useEffect(() => {
    const shown = board.peek();
    if (shown !== undefined && version > shown.version) read();
  }, [version]);
  const who = useWho(desk);
  const b = board.value;
  const onCluster = b !== undefined && [...b.connections, ...b.ended].some((c) => c.via !== undefined);
  return (
    <section aria-labelledby="connections-title" class="connections">
      <div class="row">
        <h2 id="connections-title">Connections</h2>
        <button type="button" class="secondary small" onClick={read}>
          Refresh
        </button>
      </div>
      {error.value !== undefined && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
      {b !== undefined && (
        <>
          <table aria-label="Connected now" class="open-connections">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Player</th>
                <th scope="col">Team</th>
                <th scope="col">Transport</th>
                {onCluster && <th scope="col">Node</th>}
                <th scope="col">App</th>
                <th scope="col">Connected</th>
                <th scope="col">Last seen</th>
                <th scope="col">Queued</th>
              </tr>
            </thead>
            <tbody>
              {b.connections.map((c) => (
                <tr key={c.id} data-connection={c.id} data-player={c.player ?? ''}>
                  <Identity c={c} who={who} onCluster={onCluster} />
                  <td>{clockTime(c.openedAt)}</td>
                  <td>{clockTime(c.lastSeenAt)}</td>
                  <td>{c.queuedBytes} B</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Ended lately</h3>
          {b.ended.length === 0 && <p class="hint">No connection has ended since the server started.</p>}
          {b.ended.length > 0 && (
            <table aria-label="Ended lately" class="ended-connections">
              <thead>
                <tr>
                  <th scope="col">Role</th>
                  <th scope="col">Player</th>
                  <th scope="col">Team</th>
                  <th scope="col">Transport</th>
                  {onCluster && <th scope="col">Node</th>}
                  <th scope="col">App</th>
                  <th scope="col">Ended</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {b.ended.map((c) => (
                  <tr key={c.id} data-connection={c.id} data-reason={c.reason}>
                    <Identity c={c} who={who} onCluster={onCluster} />
                    <td>{clockTime(c.endedAt)}</td>
                    <td>{whyText(c)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

/** Why a connection ended, and who ended it: the server's cut-offs say so. */
function whyText(c: EndedConnection): string {
  const code = c.code === 0 ? '' : `code ${c.code}`;
  if (c.by === 'client') return `${REASON_TEXT[c.reason]}${code === '' ? '' : ` (${code})`}`;
  return `cut off: ${REASON_TEXT[c.reason]}${code === '' ? '' : ` (${code})`}`;
}

interface Who {
  player(id: number | null): string;
  team(player: number | null): string;
}

/** Names of players and teams as the dashboard knows them (teams of the chosen session only). */
function useWho(desk: Desk): Who {
  const players = desk.players.value;
  const teams = desk.view.value?.state.teams ?? [];
  return {
    player: (id) => (id === null ? '—' : (players.find((p) => p.id === id)?.name ?? `player ${id}`)),
    team: (id) => {
      const team = players.find((p) => p.id === id)?.team ?? null;
      if (team === null) return '—';
      return teams.find((t) => t.id === team)?.name ?? `team ${team}`;
    },
  };
}

/**
 * Who a connection is and how it came. On a cluster the Node cell names the node its socket reached
 * (CLUSTER-24); a row without one there is the board's own node's, the owner's under a single lease.
 */
function Identity({ c, who, onCluster }: { c: ConnectionStatus; who: Who; onCluster: boolean }) {
  const role = c.role === 'none' ? 'before hello' : c.gameMaster !== null ? 'game master' : c.role;
  return (
    <>
      <td>{role}</td>
      <td>{who.player(c.player)}</td>
      <td>{who.team(c.player)}</td>
      <td>{c.transport === 'ws' ? 'WebSocket' : 'Unix socket'}</td>
      {onCluster && <td class="node">{c.via ?? 'owner'}</td>}
      <td>{c.app === null ? '—' : `${c.app.name} ${c.app.version}`}</td>
    </>
  );
}
