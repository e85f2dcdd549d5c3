import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Bytes or text exactly as sent on the wire. */
export type RawBody = string | Uint8Array;

/** Lowercase hex MD5 of the exact body bytes (`d41d8cd98f00b204e9800998ecf8427e` for an empty body). */
export function md5Hex(body: RawBody): string {
  return createHash('md5').update(body).digest('hex');
}

/** Lowercase hex HMAC of `message` keyed with the ASCII bytes of `secret` (never hex-decoded, spec 1.2). */
export function hmacHex(algorithm: 'sha1' | 'sha256', secret: string, message: RawBody): string {
  return createHmac(algorithm, secret).update(message).digest('hex');
}

/** Compares two hex strings in constant time; case-insensitive, false for different lengths or non-hex input. */
export function safeEqualHex(expected: string, received: string): boolean {
  const a = Buffer.from(expected.toLowerCase(), 'utf8');
  const b = Buffer.from(received.toLowerCase(), 'utf8');
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
