import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Visitor tokens: `base64url(JSON payload) + "." + base64url(HMAC-SHA256(payload part))`, JWT-like but with one fixed
 * algorithm, so there is no `alg` header to downgrade. The payload names the instance and the visitor and expires.
 */

/** What a visitor token says. */
export interface VisitorTokenPayload {
  /** Instance key (`channel_instances.key`). */
  readonly instance: string;
  /** The visitor's id: the webchat chat key of their conversation. */
  readonly visitor: string;
  /** Expiry, unix seconds. */
  readonly exp: number;
}

/** Why a token was refused. */
export type VisitorTokenFailure = 'malformed' | 'bad_signature' | 'expired' | 'wrong_instance';

/** Result of {@link verifyVisitorToken}. */
export type VerifyVisitorTokenResult =
  | { readonly ok: true; readonly payload: VisitorTokenPayload }
  | { readonly ok: false; readonly reason: VisitorTokenFailure };

// HMAC-SHA256 is 32 bytes: 43 base64url characters, no padding.
const CANONICAL_SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

const b64 = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

/**
 * The HMAC key of an instance's tokens: derived (HKDF) from the instance secret when it has one, else from the
 * bridge's encryption key, and bound to the instance key so one instance's tokens never open another's.
 */
export function visitorTokenKey(input: {
  readonly instanceKey: string;
  readonly instanceSecret: string | null;
  /** Needed only for an instance without a secret (the bridge gives every webchat instance one at creation). */
  readonly encryptionKey?: Uint8Array;
}): Buffer {
  const fallback = input.encryptionKey;
  if (!input.instanceSecret && !fallback) throw new TypeError('visitorTokenKey: an instance secret or encryptionKey');
  const ikm = input.instanceSecret ? Buffer.from(input.instanceSecret, 'utf8') : Buffer.from(fallback as Uint8Array);
  return Buffer.from(hkdfSync('sha256', ikm, 'amojo-bridge webchat', `visitor-token:${input.instanceKey}`, 32));
}

/** Signs a token. */
export function signVisitorToken(payload: VisitorTokenPayload, key: Uint8Array): string {
  const body = b64(JSON.stringify({ instance: payload.instance, visitor: payload.visitor, exp: payload.exp }));
  return `${body}.${b64(createHmac('sha256', key).update(body).digest())}`;
}

/** Verifies signature (constant time), expiry and instance of a token. */
export function verifyVisitorToken(input: {
  readonly token: unknown;
  readonly key: Uint8Array;
  readonly instanceKey: string;
  readonly now: Date;
}): VerifyVisitorTokenResult {
  const { token } = input;
  if (typeof token !== 'string' || token.length > 1000) return { ok: false, reason: 'malformed' };
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  // One spelling per token: Node's base64url decoder ignores padding, stray characters and the unused low bits of
  // the last character, so without this several strings would open the same session.
  if (
    !CANONICAL_SIGNATURE.test(signature) ||
    !/^[A-Za-z0-9_-]+$/.test(body) ||
    b64(Buffer.from(signature, 'base64url')) !== signature
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const expected = createHmac('sha256', input.key).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad_signature' };
  let payload: unknown;
  const decoded = Buffer.from(body, 'base64url');
  if (b64(decoded) !== body) return { ok: false, reason: 'malformed' };
  try {
    payload = JSON.parse(decoded.toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const p = payload as Partial<VisitorTokenPayload> | null;
  if (!p || typeof p.instance !== 'string' || typeof p.visitor !== 'string' || typeof p.exp !== 'number') {
    return { ok: false, reason: 'malformed' };
  }
  if (p.instance !== input.instanceKey) return { ok: false, reason: 'wrong_instance' };
  if (p.exp * 1000 <= input.now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, payload: { instance: p.instance, visitor: p.visitor, exp: p.exp } };
}
