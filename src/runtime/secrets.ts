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

/** The contents of the two secret files, as written to disk. */
export interface SecretFiles {
  /** `secret.key`: 64 hexadecimal digits. */
  readonly secretKey: string;
  /** `admin.token`. */
  readonly adminToken: string;
}

/** New random secrets for a new installation. */
export function freshSecretFiles(): SecretFiles {
  return { secretKey: randomBytes(32).toString('hex'), adminToken: randomBytes(24).toString('base64url') };
}

/** Whether secrets from elsewhere (a cluster's bucket) would pass the checks the files get at start. */
export function validSecretFiles(files: SecretFiles): boolean {
  return SECRET_KEY.test(files.secretKey) && files.adminToken.length >= MIN_ADMIN_TOKEN_LENGTH;
}

/** The secret files the data directory holds (trimmed), each undefined when missing. */
export function readSecretFiles(dataDir: string): Partial<SecretFiles> {
  const read = (file: string): string | undefined =>
    existsSync(join(dataDir, file)) ? readFileSync(join(dataDir, file), 'utf8').trim() : undefined;
  const secretKey = read(SECRET_FILE);
  const adminToken = read(ADMIN_TOKEN_FILE);
  return {
    ...(secretKey === undefined ? {} : { secretKey }),
    ...(adminToken === undefined ? {} : { adminToken }),
  };
}

/**
 * Writes the secret files the data directory lacks (mode 0600), never replacing one that exists (the
 * exclusive flag makes that true even against a concurrent writer). Returns whether it wrote any.
 */
export function writeMissingSecretFiles(dataDir: string, files: SecretFiles): boolean {
  makeDataDirPrivate(dataDir);
  let wrote = false;
  for (const [file, text] of [
    [SECRET_FILE, files.secretKey],
    [ADMIN_TOKEN_FILE, files.adminToken],
  ] as const) {
    if (existsSync(join(dataDir, file))) continue;
    writeFileSync(join(dataDir, file), text, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    wrote = true;
  }
  return wrote;
}

/**
 * Reads the installation's secrets from the data directory, creating what is missing (mode 0600) on
 * first start. A secret file that exists but is empty or malformed is refused (DURABILITY-6), not
 * replaced: an empty `admin.token` would otherwise shut every game master out without a word, and a
 * new `secret.key` would make every stored passphrase digest stop matching.
 */
export function loadOrCreateSecrets(dataDir: string): Secrets {
  const created = writeMissingSecretFiles(dataDir, freshSecretFiles());
  const keyPath = join(dataDir, SECRET_FILE);
  const tokenPath = join(dataDir, ADMIN_TOKEN_FILE);
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
