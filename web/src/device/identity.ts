import { readValue, writeValue, type DeviceDb } from './db.js';

/** Who is logged in on this phone (the passphrase itself is never stored). */
export interface Login {
  readonly token: string;
  readonly player: number;
  readonly playerName: string;
  readonly session: number;
}

const CLIENT_ID = 'clientId';
const LOGIN = 'login';

const randomHex = (bytes: number): string =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The device's client id (D24): made once, on the first start, and kept for the app's lifetime (also
 * across logins), so that request ids stay unique per client id and a re-sent action is recognised.
 */
export async function deviceClientId(db: DeviceDb): Promise<string> {
  const existing = await readValue<string>(db, CLIENT_ID);
  if (existing !== undefined) return existing;
  const id = `phone-${randomHex(12)}`;
  await writeValue(db, CLIENT_ID, id);
  return id;
}

export const storedLogin = (db: DeviceDb): Promise<Login | undefined> => readValue<Login>(db, LOGIN);
export const storeLogin = (db: DeviceDb, login: Login | undefined): Promise<void> =>
  writeValue(db, LOGIN, login);
