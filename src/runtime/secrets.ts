import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDataDirPrivate, PRIVATE_FILE_MODE } from '../store/data-dir.js';
import { StartRefusal } from '../store/start-refusal.js';

export interface Secrets {
  /** Key for passphrase digests: without it, stored digests cannot be checked against guesses. */
  readonly passphraseKey: Buffer;
  /** The game master's token for admin connections over WebSocket (AUTH-1). */
  readonly adminToken: string;
  /** True when this call created the secrets (the server then prints the admin token once). */
  readonly created: boolean;
}

export const SECRET_FILE = 'secret.key';
export const ADMIN_TOKEN_FILE = 'admin.token';

/** An admin token shorter than this is refused: it would be guessable (a typo or a truncated file). */
const MIN_ADMIN_TOKEN_LENGTH = 16;
const SECRET_KEY = /^[0-9a-f]{64}$/;

/** True when the data directory already holds an installation (its secret key). */
export function hasSecrets(dataDir: string): boolean {
  return existsSync(join(dataDir, SECRET_FILE));
}

/**
 * Reads the installation's secrets from the data directory, creating what is missing (mode 0600) on
 * first start. A secret file that exists but is empty or malformed is refused (DURABILITY-6), not
 * replaced: an empty `admin.token` would otherwise shut every game master out without a word, and a
 * new `secret.key` would make every stored passphrase digest stop matching.
 */
export function loadOrCreateSecrets(dataDir: string): Secrets {
  makeDataDirPrivate(dataDir);
  const keyPath = join(dataDir, SECRET_FILE);
  const tokenPath = join(dataDir, ADMIN_TOKEN_FILE);
  const created = !existsSync(keyPath) || !existsSync(tokenPath);
  if (!existsSync(keyPath))
    writeFileSync(keyPath, randomBytes(32).toString('hex'), { mode: PRIVATE_FILE_MODE });
  if (!existsSync(tokenPath))
    writeFileSync(tokenPath, randomBytes(24).toString('base64url'), { mode: PRIVATE_FILE_MODE });
  const key = readFileSync(keyPath, 'utf8').trim();
  if (!SECRET_KEY.test(key)) {
    throw new StartRefusal(
      `${keyPath} is damaged (not 64 hexadecimal digits): restore it from the copy you keep with your ` +
        'backups; without it no stored passphrase matches.',
    );
  }
  const adminToken = readFileSync(tokenPath, 'utf8').trim();
  if (adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new StartRefusal(
      `${tokenPath} is ${adminToken.length === 0 ? 'empty' : `only ${adminToken.length} characters long`}: ` +
        `no game master could connect with it. Write your admin token into it (at least ` +
        `${MIN_ADMIN_TOKEN_LENGTH} characters), or delete the file to have a new one made and printed at the next start.`,
    );
  }
  return { passphraseKey: Buffer.from(key, 'hex'), adminToken, created };
}
