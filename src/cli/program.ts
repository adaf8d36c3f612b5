import { Command, InvalidArgumentError } from 'commander';
import { TRUINLAG_VERSION } from '../protocol/version.js';
import type { GlobalOptions } from './connection.js';

/** What each group of CLI commands registers itself with. */
export interface CliContext {
  readonly program: Command;
  /** The global options (--url, --socket, --token, --session, --json) as parsed. */
  readonly globals: () => GlobalOptions;
  /** Commander argument parser for whole numbers. */
  readonly int: (text: string) => number;
}

export function createProgram(): CliContext {
  const program = new Command('truinlag')
    .description('The TrainLag game engine and its admin tool.')
    .version(TRUINLAG_VERSION)
    .option('--url <url>', 'connect over WebSocket (ws://host:port)')
    .option('--socket <path>', "connect over a local Unix socket (default: the data directory's)")
    .option('--token <token>', 'admin or player token for WebSocket connections')
    .option('--session <session>', 'session (name or id) for session-scoped commands')
    .option('--json', 'machine-readable output: one JSON document on stdout')
    .showHelpAfterError();
  const int = (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value)) throw new InvalidArgumentError('not an integer');
    return value;
  };
  return { program, globals: () => program.opts<GlobalOptions>(), int };
}
