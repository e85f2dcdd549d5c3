import { hmacHex, type RawBody, safeEqualHex } from './digest.js';

/** Signs a hook body as amojo does: lowercase hex HMAC-SHA1 of the raw body keyed with the channel secret (spec 4.1). */
export function signHook(rawBody: RawBody, secret: string): string {
  return hmacHex('sha1', secret, rawBody);
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * The body without its trailing CR/LF bytes, or null when it has none. Real amojo traffic delivers hook bodies with a
 * trailing `\n` that `X-Signature` does not cover (spec 4.1, "Trailing newline"); only CR and LF are removed, never
 * spaces, tabs or anything else.
 */
export function withoutTrailingLineBreaks(rawBody: RawBody): RawBody | null {
  if (typeof rawBody === 'string') {
    let end = rawBody.length;
    while (end > 0 && (rawBody.charCodeAt(end - 1) === CR || rawBody.charCodeAt(end - 1) === LF)) end--;
    return end === rawBody.length ? null : rawBody.slice(0, end);
  }
  let end = rawBody.length;
  while (end > 0 && (rawBody[end - 1] === CR || rawBody[end - 1] === LF)) end--;
  return end === rawBody.length ? null : rawBody.subarray(0, end);
}

/**
 * Checks a hook's `X-Signature` in constant time over the raw body bytes exactly as received OR over the same bytes
 * without trailing CR/LF, the form amojo really signs (it appends a newline it does not sign). When the body ends in
 * CR/LF both digests are computed and compared, so the time taken does not say which form matched. Nothing else is
 * tolerated: a changed, re-serialised, truncated or space-padded body fails.
 */
export function verifyHook(rawBody: RawBody, signature: string | undefined | null, secret: string): boolean {
  if (!signature) return false;
  const received = signature.trim();
  const exact = safeEqualHex(signHook(rawBody, secret), received);
  const stripped = withoutTrailingLineBreaks(rawBody);
  const trimmed = stripped !== null && safeEqualHex(signHook(stripped, secret), received);
  return exact || trimmed;
}
