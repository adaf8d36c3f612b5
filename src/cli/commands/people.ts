import { runCommand } from '../connection.js';
import type { CliContext } from '../program.js';

/** Sessions and players. */
export function registerPeopleCommands({ program, globals, int }: CliContext): void {
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

  const player = program.command('player').description('players');
  player
    .command('add <name>')
    .description('add a player (to the session given with the global --session, if any)')
    .requiredOption('--passphrase <passphrase>', 'login passphrase (unique)')
    .action((name: string, o: { passphrase: string }) => {
      const inSession = globals().session;
      return runCommand(globals(), {
        type: 'player.add',
        name,
        passphrase: o.passphrase,
        ...(inSession === undefined ? {} : { session: int(inSession) }),
      });
    });
  player.command('list').action(() => runCommand(globals(), { type: 'player.list' }, (r) => r));
}
