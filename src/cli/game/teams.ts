import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { TEAM_ROLES } from '../../protocol/vocabulary.js';
import { CliError } from '../connection.js';
import type { CliContext } from '../program.js';
import { printSections, show, withSession } from './call.js';
import { playerRow, teamDetail, teamRow } from './render.js';

/**
 * `team add|list|show|rename|remove|role` and `assign PLAYER TEAM|--none`, all in the --session
 * session. A team is named by id, name, or the name of one of its players.
 */
export function registerTeamCommands({ program, globals }: CliContext): void {
  const team: Command = program.command('team').description("the --session session's teams");

  team
    .command('add <name>')
    .description('add a team (not while a game runs); its colour comes from the palette unless given')
    .option('--colour <colour>', 'r,g,b (0–255 each) or #rrggbb', parseColour)
    .action((name: string, o: { colour?: { r: number; g: number; b: number } }) =>
      withSession(globals(), async (call) => {
        const added = await call.request({
          type: 'team.add',
          name,
          ...(o.colour === undefined ? {} : { colour: o.colour }),
        });
        show(globals(), added, () => ({ id: added.id, name: added.name, colour: colourText(added.colour) }));
      }),
    );

  team
    .command('list')
    .description('every team with role, points, bounty, players, zone and grace')
    .action(() =>
      withSession(globals(), async (call) => {
        const [state, names] = await Promise.all([call.state(), call.names()]);
        show(globals(), state.teams, () => state.teams.map((t) => teamRow(t, names)));
      }),
    );

  team
    .command('show <team>')
    .description('one team with its hand (numbered as `complete` takes it) and its periods')
    .action((ref: string) =>
      withSession(globals(), async (call) => {
        const [found, names] = await Promise.all([call.team(ref), call.names()]);
        if (globals().json === true) show(globals(), found, () => found);
        else printSections(teamDetail(found, names));
      }),
    );

  team
    .command('rename <team> <name>')
    .description('rename a team')
    .action((ref: string, name: string) =>
      withSession(globals(), async (call) => {
        const found = await call.team(ref);
        const renamed = await call.request({ type: 'team.rename', team: found.id, name });
        show(globals(), renamed, () => ({ id: renamed.id, was: found.name, name: renamed.name }));
      }),
    );

  team
    .command('remove <team>')
    .description('remove a team (not while a game runs); its players leave it')
    .action((ref: string) =>
      withSession(globals(), async (call) => {
        const found = await call.team(ref);
        const removed = await call.request({ type: 'team.remove', team: found.id });
        show(globals(), removed, () => ({ removed: `${found.name} (id ${found.id})` }));
      }),
    );

  team
    .command('role <team> <role>')
    .description("a game master's override: make a team a runner or a catcher (nothing else changes)")
    .action((ref: string, roleText: string) =>
      withSession(globals(), async (call) => {
        const role = TEAM_ROLES.find((r) => r.toLowerCase() === roleText.trim().toLowerCase());
        if (role === undefined)
          throw new CliError('INVALID', `Unknown role "${roleText}" (runner or catcher).`);
        const found = await call.team(ref);
        const changed = await call.request({ type: 'team.setRole', team: found.id, role });
        show(globals(), changed, () => ({ team: changed.name, role: changed.role }));
      }),
    );

  program
    .command('assign <player> [team]')
    .description('put a player (name or id) into a team, or out of every team with --none')
    .option('--none', 'take the player out of their team')
    .action((playerRef: string, teamRef: string | undefined, o: { none?: boolean }) => {
      if ((teamRef === undefined) === (o.none !== true))
        throw new CliError('INVALID', 'Give either a team or --none.');
      return withSession(globals(), async (call) => {
        const [player, target] = await Promise.all([
          call.player(playerRef),
          teamRef === undefined ? null : call.team(teamRef),
        ]);
        const moved = await call.request({
          type: 'team.assign',
          player: player.id,
          team: target?.id ?? null,
        });
        const { session } = await call.state();
        show(globals(), moved, () =>
          playerRow(
            moved,
            () => session.name,
            () => target?.name ?? '',
          ),
        );
      });
    });
}

/** `255,0,0` or `#ff0000`. */
export function parseColour(text: string): { r: number; g: number; b: number } {
  const hex = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text.trim());
  const parts =
    hex !== null ? hex.slice(1).map((h) => parseInt(h, 16)) : text.split(',').map((p) => Number(p));
  const [r, g, b] = parts;
  const channel = (v: number | undefined): v is number =>
    v !== undefined && Number.isInteger(v) && v >= 0 && v <= 255;
  if (parts.length !== 3 || !channel(r) || !channel(g) || !channel(b))
    throw new InvalidArgumentError('a colour is r,g,b with 0–255 each, or #rrggbb');
  return { r, g, b };
}

const colourText = (c: { r: number; g: number; b: number }): string => `${c.r},${c.g},${c.b}`;
