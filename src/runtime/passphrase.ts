import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Command } from '../protocol/commands/index.js';
import type { SealedPassphrase } from '../engine/state.js';
import { RandomPool } from './random-pool.js';

/**
 * Passphrases never reach the engine, the journal or logs (AUTH-4): at the boundary each one is replaced
 * by `sealed:v1:<lookup>:<salt>:<hash>`. The lookup is an HMAC keyed with the installation's secret, so
 * the engine can enforce uniqueness and find the player at login without the text; the hash is a salted
 * HMAC of the passphrase that verifies a login. Both are keyed, so a copied database alone does not allow
 * offline guessing. A slow KDF (scrypt) was measured at 11–45 ms per hash here, which would cap player
 * creation far below the store's commit rate for no gain against an attacker who lacks the key file.
 */
export class PassphraseSealer {
  private readonly random = new RandomPool();

  constructor(private readonly key: Buffer) {}

  seal(passphrase: string): string {
    const salt = this.random.hex(16);
    return `sealed:v1:${this.lookup(passphrase)}:${salt}:${this.hash(salt, passphrase)}`;
  }

  lookup(passphrase: string): string {
    return createHmac('sha256', this.key).update('lookup\0').update(passphrase).digest('hex');
  }

  verify(passphrase: string, sealed: SealedPassphrase): boolean {
    const expected = Buffer.from(sealed.hash, 'hex');
    const actual = Buffer.from(this.hash(sealed.salt, passphrase), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  /** A copy of the command with every `passphrase` field sealed; other commands are returned as they are. */
  sealCommand(command: Command): Command {
    if (!('passphrase' in command) || typeof command.passphrase !== 'string') return command;
    return { ...command, passphrase: this.seal(command.passphrase) };
  }

  private hash(salt: string, passphrase: string): string {
    return createHmac('sha256', this.key).update(`hash\0${salt}\0`).update(passphrase).digest('hex');
  }
}
