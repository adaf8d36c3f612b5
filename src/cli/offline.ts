import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { replayJournal } from '../runtime/replay.js';
import { resolveServerConfig } from '../server/config.js';
import { PRIVATE_FILE_MODE } from '../store/data-dir.js';
import { DATABASE_FILE, SqliteStore } from '../store/sqlite-store.js';
import { fromStateDocument, toStateDocument } from '../store/state-json.js';
import { printResult } from './output.js';

/** Commands that work on a data directory directly, without a running server (or beside one, read-only). */

export function replayCommand(dataDir: string | undefined, json: boolean): void {
  const store = SqliteStore.open(resolveServerConfig({ dataDir }).dataDir, { mustExist: true });
  try {
    const report = replayJournal(store);
    printResult(json ? report : { ...report, refused: report.refused.length }, json);
    if (!report.equal) {
      process.stderr.write('REPLAY_MISMATCH: the replayed journal does not give the live state.\n');
      process.exitCode = 1;
    }
  } finally {
    store.close();
  }
}

export function exportCommand(file: string, dataDir: string | undefined, json: boolean): void {
  const store = SqliteStore.open(resolveServerConfig({ dataDir }).dataDir, { mustExist: true });
  try {
    const document = toStateDocument(store.load());
    // The whole state, passphrase digests included: for its owner's eyes only, like the data directory.
    writeFileSync(resolve(file), `${JSON.stringify(document, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
    const counts = Object.fromEntries(
      Object.entries(document.tables).map(([name, rows]) => [name, rows.length]),
    );
    printResult({ file: resolve(file), ...counts }, json);
  } finally {
    store.close();
  }
}

export async function importStateCommand(
  file: string,
  dataDir: string | undefined,
  json: boolean,
): Promise<void> {
  const config = resolveServerConfig({ dataDir });
  await refuseIfRunning(config.socketPath);
  const text = readFileSync(resolve(file), 'utf8');
  const state = fromStateDocument(JSON.parse(text));
  const store = SqliteStore.open(config.dataDir);
  try {
    store.replaceState(state, text);
    printResult({ imported: resolve(file), dataDir: config.dataDir }, json);
  } finally {
    store.close();
  }
}

export async function restoreCommand(
  file: string,
  dataDir: string | undefined,
  json: boolean,
): Promise<void> {
  const config = resolveServerConfig({ dataDir });
  await refuseIfRunning(config.socketPath);
  const source = resolve(file);
  if (!existsSync(source)) throw new Error(`No backup file ${source}.`);
  SqliteStore.verifyFile(source);
  const target = join(config.dataDir, DATABASE_FILE);
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  copyFileSync(source, target);
  chmodSync(target, PRIVATE_FILE_MODE);
  printResult({ restored: source, into: target }, json);
}

async function refuseIfRunning(socketPath: string): Promise<void> {
  const live = await new Promise<boolean>((done) => {
    const probe = createConnection(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      done(true);
    });
    probe.once('error', () => done(false));
  });
  if (live) throw new Error('The server is running on this data directory: stop it first.');
}
