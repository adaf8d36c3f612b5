import { PASSPHRASE_STRENGTH } from '../../protocol/passphrase-strength.js';
import { runCommand } from '../connection.js';
import { playerAdd, playerList, registerPlayerExtras, registerSessionExtras } from '../game/people.js';
import type { CliContext } from '../program.js';
import { registerPlayerPrivacy } from './accounts.js';

/** Sessions and players. A session is named by the global --session (name or id); a player by name or id. */
export function registerPeopleCommands(ctx: CliContext): void {
  const { program, globals } = ctx;
  const session = program.command('session').description('game sessions');
  session
    .command('add <name>')
    .option('--mode <mode>', 'Traditional or Gfrorefurz')
    .option('--time-zone <zone>', 'IANA time zone (default Europe/Zurich)')
    .action((name: string, o: { mode?: 'Traditional' | 'Gfrorefurz'; timeZone?: string }) =>
      runCommand(globals(), {
        type: 'session.add',
        name,
        ...(o.mode ? { mode: o.mode } : {}),
        ...(o.timeZone ? { timeZone: o.timeZone } : {}),
      }),
    );
  session.command('list').action(() => runCommand(globals(), { type: 'session.list' }, (r) => r));
  registerSessionExtras(session, ctx);

  const player = program.command('player').description('players');
  player
    .command('add <name>')
    .description('add a player (to the session given with the global --session, if any)')
    .option(
      '--passphrase <passphrase>',
      `login passphrase (unique; ${PASSPHRASE_STRENGTH}); without it one is generated and printed`,
    )
    .action((name: string, o: { passphrase?: string }) => playerAdd(globals(), name, o.passphrase));
  player
    .command('list')
    .description('every player, or only those of the --session session')
    .action(() => playerList(globals()));
  registerPlayerExtras(player, ctx);
  registerPlayerPrivacy(player, ctx);
}
