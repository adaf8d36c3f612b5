import { connect } from '../../client/node.js';
import { cliClient } from '../connection.js';
import { printResult } from '../output.js';
import type { CliContext } from '../program.js';

/** Player login (AUTH-5): prints the resumable player token, for `--token` or a client's `token` option. */
export function registerAuthCommands({ program, globals }: CliContext): void {
  program
    .command('login')
    .description(
      "log in as a player with their passphrase and print the player's resumable token " +
        '(pass it as --token; --json prints {token, player})',
    )
    .requiredOption('--passphrase <passphrase>', "the player's passphrase")
    .action(async (o: { passphrase: string }) => {
      const options = globals();
      // Logging in needs no rights: over WebSocket the CLI connects as a guest, so that an admin token
      // meant for another server cannot get in the way.
      const client =
        options.url === undefined
          ? cliClient(options)
          : connect({ url: options.url, reconnect: false, requestTimeoutMs: 120_000, broadcasts: false });
      try {
        await client.ready;
        const result = await client.request({ type: 'auth.login', passphrase: o.passphrase });
        printResult(options.json === true ? result : result.token, options.json === true);
      } finally {
        client.close();
      }
    });
}
