#!/usr/bin/env node
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { cliClient, reportError, runCommand, type GlobalOptions } from './connection.js';
import { exportCommand, importStateCommand, replayCommand, restoreCommand } from './offline.js';
import { serve } from './serve.js';

const program = new Command('truinlag')
  .description('The TrainLag game engine and its admin tool.')
  .option('--url <url>', 'connect over WebSocket (ws://host:port)')
  .option('--socket <path>', "connect over a local Unix socket (default: the data directory's)")
  .option('--token <token>', 'admin token for WebSocket connections')
  .option('--session <id>', 'session id for session-scoped commands')
  .option('--json', 'machine-readable output: one JSON document on stdout')
  .showHelpAfterError();

const globals = (): GlobalOptions => program.opts<GlobalOptions>();
const int = (text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new InvalidArgumentError('not an integer');
  return value;
};

program
  .command('serve')
  .description('run the engine (WebSocket + local socket) until shut down')
  .option('--port <port>', 'WebSocket/HTTP port (0 = any free port)', int)
  .option('--host <host>', 'address to listen on')
  .option('--data <dir>', 'data directory (default ./data or $TRUINLAG_DATA)')
  .action((options: { port?: number; host?: string; data?: string }) =>
    serve({ port: options.port, host: options.host, dataDir: options.data }),
  );

program
  .command('ping [text]')
  .description('ping the engine; the text is broadcast to every client')
  .action((text?: string) =>
    runCommand(globals(), { type: 'ping', ...(text === undefined ? {} : { text }) }, (r) =>
      `pong ${r.text ?? ''}`.trim(),
    ),
  );

program
  .command('state')
  .description('print the global state')
  .action(() => runCommand(globals(), { type: 'state.get' }));

program
  .command('watch')
  .description('print every broadcast this connection may see (Ctrl-C to stop)')
  .action(async () => {
    const options = globals();
    const client = cliClient(options);
    await client.ready;
    for await (const b of client.broadcasts()) {
      if (options.json === true) process.stdout.write(`${JSON.stringify(b)}\n`);
      else
        process.stdout.write(
          `[${b.session === null ? 'global' : `session ${b.session}`} #${b.seq}] ${b.event.type} ${JSON.stringify(b.event)}\n`,
        );
    }
  });

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

program
  .command('backup <file>')
  .description("write a consistent online backup of the running server's store")
  .action((file: string) => runCommand(globals(), { type: 'server.backup', file: resolve(file) }));

program
  .command('replay')
  .description('rebuild the state from the journal and check it equals the live state (exit 1 if not)')
  .option('--data <dir>', 'data directory')
  .action((o: { data?: string }) => replayCommand(o.data, globals().json === true));

program
  .command('export <file>')
  .description('write the whole state of a data directory as JSON (safe while the server runs)')
  .option('--data <dir>', 'data directory')
  .action((file: string, o: { data?: string }) => exportCommand(file, o.data, globals().json === true));

program
  .command('import-state <file>')
  .description('replace the state of a data directory with an exported JSON state (server stopped)')
  .option('--data <dir>', 'data directory')
  .action((file: string, o: { data?: string }) => importStateCommand(file, o.data, globals().json === true));

program
  .command('restore <file>')
  .description('restore a backup made by `truinlag backup` (server stopped)')
  .option('--data <dir>', 'data directory')
  .action((file: string, o: { data?: string }) => restoreCommand(file, o.data, globals().json === true));

program
  .command('shutdown')
  .description('shut the server down cleanly')
  .action(() => runCommand(globals(), { type: 'server.shutdown' }, () => 'shutting down'));

program
  .parseAsync()
  .catch((error: unknown) => reportError(error, program.opts<GlobalOptions>().json === true));
