import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxEntry } from '../outbox/actions.js';
import type { OutboxStore } from '../outbox/outbox.js';

/** What the phone keeps between runs of the app, in IndexedDB. */
interface DeviceSchema extends DBSchema {
  /** Single values by name: the client id, the login, the last game state, settings. */
  kv: { key: string; value: unknown };
  /** The outbox: actions by request id (D24). */
  outbox: { key: string; value: OutboxEntry };
}

export type DeviceDb = IDBPDatabase<DeviceSchema>;

/** Opens (and on first use creates) the device database. */
export function openDeviceDb(): Promise<DeviceDb> {
  return openDB<DeviceSchema>('truinlag', 1, {
    upgrade(db) {
      db.createObjectStore('kv');
      db.createObjectStore('outbox', { keyPath: 'id' });
    },
  });
}

/** A named value of the device database. */
export async function readValue<T>(db: DeviceDb, key: string): Promise<T | undefined> {
  return (await db.get('kv', key)) as T | undefined;
}

export async function writeValue(db: DeviceDb, key: string, value: unknown): Promise<void> {
  await db.put('kv', value, key);
}

export async function deleteValue(db: DeviceDb, key: string): Promise<void> {
  await db.delete('kv', key);
}

/** The outbox's entries in the device database. */
export function outboxStore(db: DeviceDb): OutboxStore {
  return {
    all: () => db.getAll('outbox'),
    put: async (entry) => void (await db.put('outbox', entry)),
    delete: (id) => db.delete('outbox', id),
  };
}
