import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether `X-Hub-Signature-256` is `sha256=<hex HMAC-SHA256 of the raw body keyed by the app secret>`, compared in
 * constant time. The raw bytes as received: a re-serialised body never matches.
 */
export function signatureMatches(header: unknown, rawBody: Buffer, appSecret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
