import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TruinlagError } from '../../client/node.js';
import { MAX_FRAME_BYTES } from '../../protocol/version.js';
import type { PictureTarget, PictureView } from '../../protocol/pictures.js';
import { ADMIN_TOKEN_FILE } from '../../runtime/secrets.js';
import { defaultSocketPath } from '../../server/config.js';
import { CliError, cliClient, type GlobalOptions } from '../connection.js';
import { printResult } from '../output.js';
import type { CliContext } from '../program.js';

/**
 * Pictures (PICTURE-1): `picture upload FILE --player ID | --team ID [--period N]` and
 * `picture get ID [--thumb] --out FILE`.
 *
 * With --url the upload goes to the server's HTTP endpoint (`POST /pictures`, up to 10 MiB); over the
 * local socket it is a `picture.upload` command, which the frame limit bounds (about 760 KiB of file).
 * Downloads use `picture.chunk` on either transport.
 */
export function registerPictureCommands({ program, globals, int }: CliContext): void {
  const picture = program.command('picture').description('profile and proof pictures');
  picture
    .command('upload <file>')
    .description(
      "upload a JPEG, PNG or WebP picture: a player's (--player), a team's (--team), or a proof picture " +
        'of a team period (--team and --period)',
    )
    .option('--player <id>', 'player id: the profile picture of this player', int)
    .option(
      '--team <id>',
      'team id: the profile picture of this team (or, with --period, of its period)',
      int,
    )
    .option('--period <n>', 'period index of the team (proof picture)', int)
    .action((file: string, o: { player?: number; team?: number; period?: number }) =>
      upload(globals(), file, targetOf(o)),
    );
  picture
    .command('get <id>')
    .description('download a picture (the re-encoded JPEG, or its 192×192 thumbnail with --thumb)')
    .option('--thumb', 'the thumbnail instead of the full picture')
    .requiredOption('--out <file>', 'file to write')
    .action((id: string, o: { thumb?: boolean; out: string }) =>
      download(globals(), int(id), o.thumb === true ? 'thumb' : 'full', o.out),
    );
}

function targetOf(o: { player?: number; team?: number; period?: number }): PictureTarget {
  if (o.player !== undefined && o.team === undefined && o.period === undefined)
    return { kind: 'player', player: o.player };
  if (o.team !== undefined && o.player === undefined)
    return o.period === undefined
      ? { kind: 'team', team: o.team }
      : { kind: 'period', team: o.team, period: o.period };
  throw new CliError('MALFORMED', 'Name one target: --player ID, --team ID, or --team ID --period N.');
}

/** Largest file a `picture.upload` command can carry inside one frame (base64, with room for the rest). */
const MAX_COMMAND_FILE_BYTES = Math.floor(((MAX_FRAME_BYTES - 4096) / 4) * 3);

async function upload(options: GlobalOptions, file: string, target: PictureTarget): Promise<void> {
  const bytes = readFileSync(resolve(file));
  const json = options.json === true;
  if (options.url !== undefined) {
    printResult(await uploadOverHttp(options.url, tokenOf(options), target, bytes), json);
    return;
  }
  if (bytes.length > MAX_COMMAND_FILE_BYTES) {
    throw new CliError(
      'TOO_LARGE',
      `${file} has ${bytes.length} bytes; over the local socket at most ${MAX_COMMAND_FILE_BYTES} fit in ` +
        'one message. Pass --url ws://HOST:PORT to upload it over HTTP (up to 10 MiB).',
    );
  }
  const client = cliClient(options);
  try {
    await client.ready;
    const result = await client.request({ type: 'picture.upload', target, data: bytes.toString('base64') });
    printResult(result, json);
  } finally {
    client.close();
  }
}

async function uploadOverHttp(
  wsUrl: string,
  token: string | undefined,
  target: PictureTarget,
  bytes: Buffer,
): Promise<PictureView> {
  const url = new URL('/pictures', wsUrl.replace(/^ws(s?):/i, 'http$1:'));
  url.searchParams.set('kind', target.kind);
  if (target.kind === 'player') url.searchParams.set('player', String(target.player));
  else url.searchParams.set('team', String(target.team));
  if (target.kind === 'period') url.searchParams.set('period', String(target.period));
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: new Uint8Array(bytes),
  });
  const answer = (await response.json()) as
    { ok: true; result: PictureView } | { ok: false; error: { code: string; message: string } };
  if (!answer.ok) throw new CliError(answer.error.code, answer.error.message);
  return answer.result;
}

async function download(
  options: GlobalOptions,
  id: number,
  variant: 'full' | 'thumb',
  out: string,
): Promise<void> {
  const client = cliClient(options);
  try {
    await client.ready;
    const parts: Buffer[] = [];
    let offset = 0;
    let total = 0;
    let mime = '';
    do {
      const chunk = await client.request({ type: 'picture.chunk', id, variant, offset });
      const data = Buffer.from(chunk.data, 'base64');
      if (data.length === 0 && chunk.total > offset)
        throw new TruinlagError('INTERNAL', 'The server sent an empty chunk.');
      parts.push(data);
      offset += data.length;
      total = chunk.total;
      mime = chunk.mime;
    } while (offset < total);
    writeFileSync(resolve(out), Buffer.concat(parts));
    printResult({ id, variant, mime, bytes: total, file: resolve(out) }, options.json === true);
  } finally {
    client.close();
  }
}

/** The token for HTTP: --token, TRUINLAG_TOKEN, or the admin token next to the default local socket. */
function tokenOf(options: GlobalOptions): string | undefined {
  if (options.token !== undefined) return options.token;
  if (process.env.TRUINLAG_TOKEN !== undefined) return process.env.TRUINLAG_TOKEN;
  const file = join(dirname(defaultSocketPath()), ADMIN_TOKEN_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}
