import { hmacHex, type RawBody, safeEqualHex } from './digest.js';

/** Signs a hook body as amojo does: lowercase hex HMAC-SHA1 of the raw body keyed with the channel secret (spec 4.1). */
export function signHook(rawBody: RawBody, secret: string): string {
  return hmacHex('sha1', secret, rawBody);
}

/** Checks a hook's `X-Signature` over the raw body bytes in constant time. */
export function verifyHook(rawBody: RawBody, signature: string | undefined | null, secret: string): boolean {
  if (!signature) return false;
  return safeEqualHex(signHook(rawBody, secret), signature.trim());
}
