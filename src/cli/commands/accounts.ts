import type { Command } from 'commander';
import { audit } from '../admin/audit.js';
import { gmAdd, gmList, gmRevoke } from '../admin/game-masters.js';
import { playerErase, playerExport } from '../admin/privacy.js';
import type { CliContext } from '../program.js';

/** Game-master accounts (AUTH-7) and the audit (AUTH-9). */
export function registerAccountCommands({ program, globals, int }: CliContext): void {
  const gm = program.command('gm').description('named game-master accounts (the owner manages them)');
  gm.command('add <name>')
    .description('create an account and print its token (shown only this once)')
    .action((name: string) => gmAdd(globals(), name));
  gm.command('list')
    .description('every account, revoked ones too')
    .action(() => gmList(globals()));
  gm.command('revoke <name>')
    .description('revoke an account (name or id): its token stops working and its connections end')
    .action((name: string) => gmRevoke(globals(), name));

  program
    .command('audit')
    .description('who ran which command when (with --session: that session only)')
    .option('--since <time>', 'only from this ISO 8601 time on')
    .option('--limit <n>', 'the newest N entries (default 1000)', int)
    .action((o: { since?: string; limit?: number }) => audit(globals(), o));
}

/** `player erase` and `player export` (PRIVACY-2, PRIVACY-3), in the `player` group. */
export function registerPlayerPrivacy(group: Command, { globals }: CliContext): void {
  group
    .command('erase <player>')
    .description(
      'erase a player for good: off their team, forgotten in every session that holds something of them ' +
        '(pictures, tracks), then name, passphrase, phone and logins leave the state and journal; history ' +
        'shows a pseudonym',
    )
    .action((ref: string) => playerErase(globals(), ref));
  group
    .command('export <player>')
    .description("the player's own data as JSON (stdout, or --out FILE)")
    .option('--out <file>', 'write it to this file')
    .action((ref: string, o: { out?: string }) => playerExport(globals(), ref, o.out));
}
