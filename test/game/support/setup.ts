import type { PartialGameConfig } from '../../../src/engine/config/game-config.js';
import type { Actor } from '../../../src/engine/handler.js';
import type { EngineState } from '../../../src/engine/state.js';
import type { Player, Session } from '../../../src/protocol/entities.js';
import type { MutableState } from '../../../src/store/store.js';
import { fromStateDocument, toStateDocument } from '../../../src/store/state-json.js';
import { buildDemoCatalogue } from './catalogue.js';
import { StepDriver, type GameDriver } from './drivers.js';
import { found } from '../../helpers/index.js';
import { accepted, sealed, type TeamView } from './world.js';

let demo: string | undefined;

/** A fresh copy of a state that holds only the demo catalogue (built once per test file, by the engine). */
export async function demoCatalogueState(): Promise<MutableState> {
  if (demo === undefined) {
    const driver = new StepDriver(0, 1);
    await buildDemoCatalogue(driver);
    demo = JSON.stringify(toStateDocument(driver.state()));
  }
  return fromStateDocument(JSON.parse(demo));
}

export const copyState = (state: EngineState): MutableState =>
  fromStateDocument(JSON.parse(JSON.stringify(toStateDocument(state))));

export interface SessionSetup {
  readonly session: number;
  readonly teams: readonly number[];
  /** Player ids by team id. */
  readonly members: ReadonlyMap<number, readonly number[]>;
  readonly players: readonly number[];
}

/**
 * A session with `teams` teams of `perTeam` players each (every player connected), and the config given:
 * the ordinary admin commands, in the order a game master would send them.
 */
export async function setUpSession(
  d: GameDriver,
  options: { name?: string; teams: number; perTeam: number; config?: PartialGameConfig },
): Promise<SessionSetup> {
  const session = accepted<Session>(
    await d.call({
      command: { type: 'session.add', name: options.name ?? 'Züri', timeZone: 'Europe/Zurich' },
    }),
  );
  const S = session.id;
  const teams: number[] = [];
  const names = ['Rot', 'Blau', 'Grün', 'Gelb', 'Violett', 'Orange', 'Schwarz', 'Weiss'];
  for (let i = 0; i < options.teams; i++) {
    const name = names[i] ?? `Team ${i}`;
    teams.push(accepted<TeamView>(await d.call({ command: { type: 'team.add', name }, session: S })).id);
  }
  const members = new Map<number, number[]>();
  const players: number[] = [];
  for (const team of teams) {
    for (let j = 0; j < options.perTeam; j++) {
      const player = accepted<Player>(
        await d.call({
          command: {
            type: 'player.add',
            name: `${team}.${j}`,
            passphrase: sealed(`${S}-${team}-${j}-secret`),
            session: S,
          },
        }),
      );
      accepted(await d.call({ command: { type: 'team.assign', player: player.id, team }, session: S }));
      members.set(team, [...(members.get(team) ?? []), player.id]);
      players.push(player.id);
      d.connectPlayer(player.id, S);
    }
  }
  if (options.config !== undefined)
    accepted(await d.call({ command: { type: 'config.set', changes: options.config }, session: S }));
  return { session: S, teams, members, players };
}

/** The connection of a team's first player. */
export const playerOf = (setup: SessionSetup, team: number, which = 0): Actor => ({
  kind: 'player',
  player: found(setup.members.get(team)?.[which], `player ${which} of team ${team}`),
});
