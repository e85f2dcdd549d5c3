import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BridgeDecryptionError, BridgeError } from '../src/errors.js';
import { decryptSecret, encryptSecret } from '../src/store/encrypt.js';

const key = randomBytes(32);
const context = 'accounts.access_token_enc#1';

describe('encryptSecret / decryptSecret', () => {
  it('round-trips, with a fresh nonce each time and no plain text in the envelope', () => {
    const plain = 'def50200-access-token-ÄÖ-🙂';
    const a = encryptSecret(plain, { key, context });
    const b = encryptSecret(plain, { key, context });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toContain('access-token');
    expect(decryptSecret(a, { key, context })).toBe(plain);
    expect(decryptSecret(b, { key, context })).toBe(plain);
    expect(decryptSecret(encryptSecret('', { key, context }), { key, context })).toBe('');
  });

  it('detects tampering with any part, a wrong key and a wrong context', () => {
    const envelope = encryptSecret('refresh-token', { key, context });
    const parts = envelope.split('.');
    for (const index of [1, 2, 3]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      const tampered = parts.map((part, i) => (i === index ? bytes.toString('base64url') : part)).join('.');
      expect(() => decryptSecret(tampered, { key, context })).toThrow(BridgeDecryptionError);
    }
    expect(() => decryptSecret(envelope, { key: randomBytes(32), context })).toThrow(BridgeDecryptionError);
    expect(() => decryptSecret(envelope, { key, context: 'accounts.refresh_token_enc#1' })).toThrow(
      BridgeDecryptionError,
    );
    expect(() => decryptSecret('plain-token', { key, context })).toThrow(/not a v1 envelope/);
    try {
      decryptSecret(envelope, { key, context: 'other' });
    } catch (error) {
      expect((error as BridgeDecryptionError).code).toBe('decryption_failed');
      expect((error as Error).message).not.toContain('refresh-token');
    }
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => encryptSecret('x', { key: randomBytes(16), context })).toThrow(BridgeError);
  });
});
