import type { CatalogueTables } from '../../src/catalogue-io/index.js';
import { importTables, type ImportReport } from '../../src/cli/catalogue/import.js';
import { fetchCatalogue } from '../../src/catalogue-io/index.js';
import type { TruinlagClient } from '../../src/client/node.js';
import type { Catalogue } from '../../src/engine/catalogue/types.js';
import { openClient, startTestServer, type TestServer } from '../helpers/index.js';

/**
 * The real engine behind the catalogue-io tests: a server in this process (the runtime over a SQLite
 * file in a temp directory), a client on its local socket, and imports run by the CLI's own importer
 * over that client. What the tests diff against is what the engine stored, ids included.
 * Stop it with `stopTestServers`, `closeClients` and `removeTempDirs` (test/helpers).
 */
export interface LiveEngine {
  readonly server: TestServer;
  readonly client: TruinlagClient;
  /** Imports the tables as `truinlag import` does and returns its report. */
  import(tables: CatalogueTables): Promise<ImportReport>;
  /** The whole catalogue as the engine has it now. */
  catalogue(): Promise<Catalogue>;
}

/** Starts a fresh server with an empty catalogue and connects to it. */
export async function liveEngine(): Promise<LiveEngine> {
  const server = await startTestServer();
  const client = await openClient({ socket: server.socketPath }, { requestTimeoutMs: 60_000 });
  return {
    server,
    client,
    import: (tables) =>
      importTables(client, tables, { dir: 'memory', missing: [], dryRun: false, progress: false }),
    catalogue: () => fetchCatalogue(client),
  };
}

/** A fresh server whose catalogue is the given tables, imported without a rejected row. */
export async function engineWith(tables: CatalogueTables): Promise<LiveEngine> {
  const engine = await liveEngine();
  const report = await engine.import(tables);
  if (report.rejected.length > 0)
    throw new Error(`set-up import rejected: ${JSON.stringify(report.rejected)}`);
  return engine;
}
