import { describe, expect, it } from 'vitest';
import { signVisitorToken, verifyVisitorToken, visitorTokenKey } from './visitor-token.js';

const key = visitorTokenKey({ instanceKey: 'shop', instanceSecret: 's3cret', encryptionKey: new Uint8Array(32) });
const now = new Date('2026-05-01T10:00:00Z');
const exp = Math.floor(now.getTime() / 1000) + 60;

describe('visitor tokens', () => {
  it('verifies what it signed and refuses tampering, another key, another instance and expiry', () => {
    const token = signVisitorToken({ instance: 'shop', visitor: 'v_1', exp }, key);
    expect(verifyVisitorToken({ token, key, instanceKey: 'shop', now })).toEqual({
      ok: true,
      payload: { instance: 'shop', visitor: 'v_1', exp },
    });
    const [body, signature] = token.split('.');
    const other = Buffer.from(JSON.stringify({ instance: 'shop', visitor: 'v_2', exp })).toString('base64url');
    expect(verifyVisitorToken({ token: `${other}.${signature}`, key, instanceKey: 'shop', now })).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    const otherKey = visitorTokenKey({
      instanceKey: 'shop',
      instanceSecret: 'other',
      encryptionKey: new Uint8Array(32),
    });
    expect(verifyVisitorToken({ token, key: otherKey, instanceKey: 'shop', now })).toMatchObject({
      reason: 'bad_signature',
    });
    // The key is bound to the instance: the same secret under another key never verifies.
    const otherInstanceKey = visitorTokenKey({
      instanceKey: 'blog',
      instanceSecret: 's3cret',
      encryptionKey: new Uint8Array(32),
    });
    expect(otherInstanceKey.equals(key)).toBe(false);
    const forBlog = signVisitorToken({ instance: 'blog', visitor: 'v_1', exp }, key);
    expect(verifyVisitorToken({ token: forBlog, key, instanceKey: 'shop', now })).toMatchObject({
      reason: 'wrong_instance',
    });
    expect(verifyVisitorToken({ token, key, instanceKey: 'shop', now: new Date((exp + 1) * 1000) })).toMatchObject({
      reason: 'expired',
    });
    for (const bad of [undefined, 42, '', 'abc', `${body}.${signature}.x`, `${body}.`, 'x'.repeat(2000)]) {
      expect(verifyVisitorToken({ token: bad, key, instanceKey: 'shop', now }).ok).toBe(false);
    }
  });

  it('derives the key from the encryption key when the instance has no secret', () => {
    const a = visitorTokenKey({ instanceKey: 'shop', instanceSecret: null, encryptionKey: new Uint8Array(32).fill(1) });
    const b = visitorTokenKey({ instanceKey: 'shop', instanceSecret: null, encryptionKey: new Uint8Array(32).fill(2) });
    expect(a.length).toBe(32);
    expect(a.equals(b)).toBe(false);
  });
});

describe('visitor tokens are canonical', () => {
  it('refuses re-encodings of a valid token (padding, unused bits, characters outside base64url)', () => {
    const token = signVisitorToken({ instance: 'shop', visitor: 'v_1', exp }, key);
    const [body, signature] = token.split('.') as [string, string];
    expect(verifyVisitorToken({ token, key, instanceKey: 'shop', now }).ok).toBe(true);
    // 32 bytes are 43 base64url characters; the last one carries 2 unused bits a lenient decoder ignores.
    const last = signature.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] as string;
    const variants = [
      `${body}.${signature}=`,
      `${body}.${signature.slice(0, -1)}${sibling}`,
      `${body}.${signature.slice(0, 10)}!${signature.slice(10)}`,
      `${body}.${Buffer.from(signature, 'base64url').toString('base64')}`,
      `${body}=.${signature}`,
    ];
    for (const variant of variants) {
      expect(variant).not.toBe(token);
      expect(verifyVisitorToken({ token: variant, key, instanceKey: 'shop', now })).toMatchObject({ ok: false });
    }
  });
});
