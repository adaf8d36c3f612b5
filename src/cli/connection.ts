import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TruinlagClient } from '../client/node.js';
import { connect, TruinlagError } from '../client/node.js';
import type { AnyCommandInput, ResultOf } from '../protocol/commands/index.js';
import { ADMIN_TOKEN_FILE } from '../runtime/secrets.js';
import { defaultSocketPath } from '../server/config.js';
import { printResult } from './output.js';

export interface GlobalOptions {
  readonly url?: string;
  readonly socket?: string;
  readonly token?: string;
  readonly json?: boolean;
  readonly session?: string;
}

/**
 * A client for one CLI invocation: --url (WebSocket) or --socket, else the default data directory's
 * local socket. Over WebSocket the admin token comes from --token, TRUINLAG_TOKEN, or the data
 * directory next to the default socket. No reconnects: a CLI call fails fast. Only `watch` asks for
 * broadcasts; every other call is a command-only connection.
 */
export function cliClient(options: GlobalOptions, { broadcasts = false } = {}): TruinlagClient {
  const session = options.session === undefined ? undefined : Number(options.session);
  // No silence watch: a call waits for its answer as long as the server takes (up to the timeout).
  const common = { reconnect: false, requestTimeoutMs: 120_000, silenceMs: 0, session, broadcasts } as const;
  if (options.url !== undefined) {
    return connect({
      ...common,
      url: options.url,
      token: options.token ?? process.env.TRUINLAG_TOKEN ?? localToken(),
    });
  }
  return connect({ ...common, socket: options.socket ?? defaultSocketPath() });
}

function localToken(): string | undefined {
  const file = join(dirname(defaultSocketPath()), ADMIN_TOKEN_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** Runs one command and prints its result; errors go to stderr as "CODE: message" with exit code 1. */
export async function runCommand<C extends AnyCommandInput>(
  options: GlobalOptions,
  command: C,
  render?: (result: ResultOf<C['type']>) => unknown,
): Promise<void> {
  const client = cliClient(options);
  try {
    await client.ready;
    const result = await client.request(command);
    printResult(
      options.json === true || render === undefined ? result : render(result),
      options.json === true,
    );
  } finally {
    client.close();
  }
}

/**
 * An error the CLI itself finds (a name that matches nothing or several things, a missing --session),
 * reported like an engine error with its own code, e.g. `AMBIGUOUS_DATA: …`.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A step of a several-step action failed: its error (the server's code when it has one) with `context`
 * after it, saying what the steps before it did and how to finish or undo them.
 */
export function failedStep(error: unknown, context: string): CliError {
  const code = error instanceof TruinlagError ? error.code : 'CLI_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(code, `${message} (${context})`);
}

/** Prints an error the CLI way and sets a failing exit code. */
export function reportError(error: unknown, json: boolean): void {
  const code = error instanceof TruinlagError || error instanceof CliError ? error.code : 'CLI_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  if (json) process.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else process.stderr.write(`${code}: ${message}\n`);
  process.exitCode = 1;
}
