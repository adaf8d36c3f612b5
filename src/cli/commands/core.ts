import { cliClient, runCommand } from '../connection.js';
import { stateCommand } from '../game/play.js';
import type { CliContext } from '../program.js';

/**
 * Server lifecycle, diagnostics and whole-store commands. The server, the store and the CSV writer are
 * imported by the actions that use them, so that a one-shot command does not load them (issue 14).
 */
export function registerCoreCommands({ program, globals, int }: CliContext): void {
  program
    .command('serve')
    .description('run the engine (WebSocket + local socket) until shut down')
    .option('--port <port>', 'WebSocket/HTTP port (0 = any free port)', int)
    .option('--host <host>', 'address to listen on')
    .option('--data <dir>', 'data directory (default ./data or $TRUINLAG_DATA)')
    .option('--nats <urls>', 'join a cluster: the NATS servers, comma-separated (docs/cluster.md)')
    .option('--node <name>', "this node's name in the cluster (with --nats)")
    .option(
      '--ownership <how>',
      'with --nats: "parts" (the default: each game session and the global part owned apart, spread over the nodes) or "engine" (one node runs the whole engine)',
    )
    .action(
      async (options: {
        port?: number;
        host?: string;
        data?: string;
        nats?: string;
        node?: string;
        ownership?: string;
      }) => {
        const { serve } = await import('../serve.js');
        await serve(
          { port: options.port, host: options.host, dataDir: options.data },
          options.nats === undefined
            ? undefined
            : { nats: options.nats, node: options.node, ownership: options.ownership },
        );
      },
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
    .description("print the global state, or with --session (or a player's token) that session's game state")
    .action(() => stateCommand(globals()));

  program
    .command('watch')
    .description('print every broadcast this connection may see (Ctrl-C to stop)')
    .action(async () => {
      const options = globals();
      const client = cliClient(options, { broadcasts: true });
      await client.ready;
      for await (const b of client.broadcasts()) {
        if (options.json === true) process.stdout.write(`${JSON.stringify(b)}\n`);
        else
          process.stdout.write(
            `[${b.session === null ? 'global' : `session ${b.session}`} #${b.seq}] ${b.event.type} ${JSON.stringify(b.event)}\n`,
          );
      }
    });

  program
    .command('backup <name>')
    .description(
      "write a consistent online backup of the running server's store into its data directory's backups " +
        'folder, as <name> (a plain file name); prints the path written',
    )
    .action((name: string) => runCommand(globals(), { type: 'server.backup', file: name }));

  program
    .command('replay')
    .description('rebuild the state from the journal and check it equals the live state (exit 1 if not)')
    .option('--data <dir>', 'data directory')
    .action(async (o: { data?: string }) => {
      const { replayCommand } = await import('../offline.js');
      replayCommand(o.data, globals().json === true);
    });

  program
    .command('export <target>')
    .description(
      'a target ending in .json: write the whole state of a data directory as JSON (offline, --data; safe ' +
        "while the server runs); any other target is a directory: write the running server's catalogue " +
        'into it as challenges.csv, zones.csv, distances.csv and sectors.csv (the `import` layout)',
    )
    .option('--data <dir>', 'data directory (state JSON only)')
    .action(async (target: string, o: { data?: string }) => {
      if (target.toLowerCase().endsWith('.json')) {
        const { exportCommand } = await import('../offline.js');
        return exportCommand(target, o.data, globals().json === true);
      }
      if (o.data !== undefined) throw new Error('--data belongs to a .json target (the state export).');
      const { exportCatalogueCommand } = await import('../catalogue/export.js');
      return exportCatalogueCommand(target, globals());
    });

  program
    .command('import-state <file>')
    .description('replace the state of a data directory with an exported JSON state (server stopped)')
    .option('--data <dir>', 'data directory')
    .action(async (file: string, o: { data?: string }) => {
      const { importStateCommand } = await import('../offline.js');
      await importStateCommand(file, o.data, globals().json === true);
    });

  program
    .command('restore <file>')
    .description('restore a backup made by `truinlag backup` (server stopped)')
    .option('--data <dir>', 'data directory')
    .action(async (file: string, o: { data?: string }) => {
      const { restoreCommand } = await import('../offline.js');
      await restoreCommand(file, o.data, globals().json === true);
    });

  program
    .command('shutdown')
    .description('shut the server down cleanly')
    .action(() => runCommand(globals(), { type: 'server.shutdown' }, () => 'shutting down'));
}
