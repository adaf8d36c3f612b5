import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { Command } from '../protocol/commands/index.js';
import { makeError, type ProtocolError } from '../protocol/errors.js';
import { isStrongPassphrase, PASSPHRASE_STRENGTH } from '../protocol/passphrase-strength.js';
import { sealGameMasterToken } from './gm-tokens.js';
import { RandomPool } from './random-pool.js';

/**
 * Passphrases never reach the engine, the journal or the logs (AUTH-4): at the boundary each one is replaced
 * by `sealed:v1:<lookup>:<salt>:<hash>`. The lookup is an HMAC keyed with the installation's secret: the
 * engine enforces uniqueness with it, and a login is the lookup of the typed passphrase finding a player
 * (passphrases are unique, so finding one is the check). The salt and the salted HMAC are stored beside
 * it but not read by any login. Everything is keyed, so a copied database alone does not allow offline
 * guessing. A slow KDF (scrypt) was measured at 11–45 ms per hash here, which would cap player creation
 * far below the store's commit rate for no gain against an attacker who lacks the key file.
 */
export class PassphraseSealer {
  private readonly random = new RandomPool();
  /** The key as a key object, made once: an HMAC keyed with a Buffer imports the key again each time. */
  private readonly key: KeyObject;

  constructor(key: Buffer) {
    this.key = createSecretKey(key);
  }

  seal(passphrase: string): string {
    const salt = this.random.hex(16);
    return `sealed:v1:${this.lookup(passphrase)}:${salt}:${this.hash(salt, passphrase)}`;
  }

  lookup(passphrase: string): string {
    return createHmac('sha256', this.key).update('lookup\0').update(passphrase).digest('hex');
  }

  /**
   * A copy of the command with every `passphrase` field sealed and a game master's new token hashed
   * (AUTH-7); other commands are returned as they are.
   */
  sealCommand(command: Command): Command {
    if (command.type === 'gm.add') return sealGameMasterToken(command);
    if (!('passphrase' in command) || typeof command.passphrase !== 'string') return command;
    return { ...command, passphrase: this.seal(command.passphrase) };
  }

  private hash(salt: string, passphrase: string): string {
    return createHmac('sha256', this.key).update(`hash\0${salt}\0`).update(passphrase).digest('hex');
  }
}

/**
 * The refusal of a new passphrase (`player.add`, `player.edit`) that is too weak (AUTH-10), checked at the
 * boundary, where the passphrase is still text: the engine only ever sees its sealed form.
 */
export function weakPassphraseError(command: Command): ProtocolError | undefined {
  if (command.type !== 'player.add' && command.type !== 'player.edit') return undefined;
  if (command.passphrase === undefined || isStrongPassphrase(command.passphrase)) return undefined;
  return makeError('INVALID', `A new passphrase needs ${PASSPHRASE_STRENGTH}.`, {
    rule: 'passphrase-strength',
    field: 'passphrase',
  });
}
