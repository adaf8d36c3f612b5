import type { ServingNode } from '../cluster/start-node.js';
import { resolveServerConfig, type ServerConfig, type ServerConfigInput } from '../server/config.js';
import type { RunningServer, ServerExtras } from '../server/server.js';
import { startIntegrityCheck } from '../store/integrity-check.js';
import { CliError } from './connection.js';

const FORCE_EXIT_MS = 10_000;

/** `--nats`, `--node` and `--ownership`: run as a node of a cluster (docs/cluster.md). */
export interface ClusterInput {
  readonly nats: string;
  readonly node: string | undefined;
  readonly ownership?: string | undefined;
}

/**
 * `truinlag serve`: runs the engine until the `server.shutdown` command or a signal. The first SIGINT or
 * SIGTERM shuts down cleanly (exit 0); a second one exits at once. With `cluster` it runs as a node of a
 * NATS cluster instead, whose modules are loaded only then.
 */
export async function serve(input: ServerConfigInput, cluster?: ClusterInput): Promise<void> {
  const config = resolveServerConfig(input);
  // The store's integrity check runs on its own thread while the server's code loads (DURABILITY-8); a
  // cluster node checks its copy when it takes over.
  const integrityCheck = cluster === undefined ? startIntegrityCheck(config.dataDir) : undefined;
  const [{ startServer }, { webApp }] = await Promise.all([
    import('../server/server.js'),
    import('../server/web-app.js'),
  ]);
  const extras: ServerExtras = {
    staticApp: webApp({ tileUrl: config.tileUrl }),
    ...(integrityCheck === undefined ? {} : { integrityCheck }),
  };
  const running: ServingNode =
    cluster === undefined
      ? announce(await startServer(config, extras).catch(refusalAsCliError), config)
      : await (await import('../cluster/start-node.js')).startClusterNode(config, cluster, extras);
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) process.exit(130);
    signalled = true;
    running.logger.info({ signal }, 'signal received');
    void running.shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await running.closed;
  // Everything is closed; leave even if a stray handle would keep the process alive.
  setTimeout(() => process.exit(0), 50).unref();
  setTimeout(() => process.exit(1), FORCE_EXIT_MS).unref();
}

/**
 * A refused data directory is the user's to fix: its message, under its own code, without a trace. (The
 * refusals' modules are imported here, not before the integrity check starts: the server loaded them.)
 */
async function refusalAsCliError(error: unknown): Promise<never> {
  const [{ StartRefusal }, { PortInUse }] = await Promise.all([
    import('../store/start-refusal.js'),
    import('../transport/ws-server.js'),
  ]);
  if (error instanceof StartRefusal || error instanceof PortInUse)
    throw new CliError(error.code, error.message);
  throw error;
}

/** Prints where the server listens (and, on first start, the admin token). */
function announce(server: RunningServer, config: ServerConfig): RunningServer {
  const out = process.stdout;
  out.write(`truinlag is listening\n`);
  out.write(`  player app:   ${server.url.replace('ws://', 'http://')}/\n`);
  out.write(`  dashboard:    ${server.url.replace('ws://', 'http://')}/admin\n`);
  out.write(`  WebSocket:    ${server.url}\n`);
  out.write(`  health:       ${server.url.replace('ws://', 'http://')}/healthz\n`);
  out.write(`  local socket: ${server.socketPath}\n`);
  out.write(`  data:         ${config.dataDir}\n`);
  if (server.adminTokenCreated)
    out.write(`  admin token (shown once, also in the data directory): ${server.adminToken}\n`);
  out.write(`Connect: npx truinlag ping hello   (or --url ${server.url})\n`);
  return server;
}
