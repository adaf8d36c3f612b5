import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** Reads the installation's secrets from the data directory, creating them (mode 0600) on first start. */
export function loadOrCreateSecrets(dataDir: string): Secrets {
  mkdirSync(dataDir, { recursive: true });
  const keyPath = join(dataDir, SECRET_FILE);
  const tokenPath = join(dataDir, ADMIN_TOKEN_FILE);
  const created = !existsSync(keyPath) || !existsSync(tokenPath);
  if (!existsSync(keyPath)) writeFileSync(keyPath, randomBytes(32).toString('hex'), { mode: 0o600 });
  if (!existsSync(tokenPath))
    writeFileSync(tokenPath, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return {
    passphraseKey: Buffer.from(readFileSync(keyPath, 'utf8').trim(), 'hex'),
    adminToken: readFileSync(tokenPath, 'utf8').trim(),
    created,
  };
}
