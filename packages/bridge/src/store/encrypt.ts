import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { BridgeDecryptionError, BridgeError } from '../errors.js';

/** Options shared by {@link encryptSecret} and {@link decryptSecret}. */
export interface SecretCipherOptions {
  /** 32-byte AES-256 key (`BridgeConfig.encryptionKey`). */
  readonly key: Uint8Array;
  /**
   * Where the value lives, e.g. `accounts.access_token_enc`, authenticated but not stored: an envelope copied into
   * another column (or another purpose) then fails to decrypt instead of being silently accepted.
   */
  readonly context: string;
}

const VERSION = 'v1';
const IV_BYTES = 12; // the GCM standard nonce size; random nonces are safe far beyond the number of tokens we store

/**
 * Encrypts `plaintext` with AES-256-GCM into a text envelope `v1.<iv>.<tag>.<ciphertext>` (base64url parts).
 *
 * @example
 * const stored = encryptSecret(token, { key, context: 'accounts.access_token_enc' });
 */
export function encryptSecret(plaintext: string, options: SecretCipherOptions): string {
  checkKey(options.key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', options.key, iv);
  cipher.setAAD(Buffer.from(options.context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** Decrypts an envelope of {@link encryptSecret}; throws {@link BridgeDecryptionError} if it was altered or the key is wrong. */
export function decryptSecret(envelope: string, options: SecretCipherOptions): string {
  checkKey(options.key);
  const parts = envelope.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new BridgeDecryptionError(`Cannot decrypt ${options.context}: not a ${VERSION} envelope`);
  }
  const iv = Buffer.from(parts[1]!, 'base64url');
  const tag = Buffer.from(parts[2]!, 'base64url');
  const ciphertext = Buffer.from(parts[3]!, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== 16) {
    throw new BridgeDecryptionError(`Cannot decrypt ${options.context}: malformed envelope`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', options.key, iv);
    decipher.setAAD(Buffer.from(options.context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new BridgeDecryptionError(
      `Cannot decrypt ${options.context}: the data was altered or ENCRYPTION_KEY differs from the key it was written with`,
      { cause: error },
    );
  }
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) {
    throw new BridgeError('encryption_key_invalid', `Encryption key must be 32 bytes, got ${key.length}`);
  }
}
