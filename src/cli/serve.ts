import { resolveServerConfig, type ServerConfigInput } from '../server/config.js';
import { startIntegrityCheck } from '../store/integrity-check.js';
import { StartRefusal } from '../store/start-refusal.js';
import { CliError } from './connection.js';

const FORCE_EXIT_MS = 10_000;

/**
 * `truinlag serve`: runs the engine until the `server.shutdown` command or a signal. The first SIGINT or
 * SIGTERM shuts down cleanly (exit 0); a second one exits at once.
 */
export async function serve(input: ServerConfigInput): Promise<void> {
  const config = resolveServerConfig(input);
  // The store's integrity check runs on its own thread while the server's code loads (DURABILITY-8).
  const integrityCheck = startIntegrityCheck(config.dataDir);
  const [{ startServer }, { webApp }] = await Promise.all([
    import('../server/server.js'),
    import('../server/web-app.js'),
  ]);
  const staticApp = webApp({ tileUrl: config.tileUrl });
  const server = await startServer(config, { staticApp, integrityCheck }).catch((error: unknown) => {
    // A refused data directory is the user's to fix: its message, under its own code, without a trace.
    throw error instanceof StartRefusal ? new CliError(error.code, error.message) : error;
  });
  const out = process.stdout;
  out.write(`truinlag is listening\n`);
  out.write(`  player app:   ${server.url.replace('ws://', 'http://')}/\n`);
  out.write(`  WebSocket:    ${server.url}\n`);
  out.write(`  health:       ${server.url.replace('ws://', 'http://')}/healthz\n`);
  out.write(`  local socket: ${server.socketPath}\n`);
  out.write(`  data:         ${config.dataDir}\n`);
  if (server.adminTokenCreated)
    out.write(`  admin token (shown once, also in the data directory): ${server.adminToken}\n`);
  out.write(`Connect: npx truinlag ping hello   (or --url ${server.url})\n`);
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) process.exit(130);
    signalled = true;
    server.logger.info({ signal }, 'signal received');
    void server.shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await server.closed;
  // Everything is closed; leave even if a stray handle would keep the process alive.
  setTimeout(() => process.exit(0), 50).unref();
  setTimeout(() => process.exit(1), FORCE_EXIT_MS).unref();
}
