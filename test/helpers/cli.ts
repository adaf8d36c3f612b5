import { spawn } from 'node:child_process';
import { CHILD_START_MS, childEnv, cliEntry, REPO_ROOT, type ExitStatus } from './server.js';
import { withTimeout } from './wait.js';

export interface CliRun extends ExitStatus {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the `truinlag` CLI (see {@link cliEntry}) and collects its output. */
export async function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [...cliEntry(), ...args], {
    cwd: REPO_ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (text: string) => (stdout += text));
  child.stderr.on('data', (text: string) => (stderr += text));
  const status = new Promise<ExitStatus>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  try {
    const { code, signal } = await withTimeout(
      status,
      options.timeoutMs ?? CHILD_START_MS,
      `truinlag ${args.join(' ')}`,
    );
    return { code, signal, stdout, stderr };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
