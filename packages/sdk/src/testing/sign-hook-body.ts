import { signHook } from '../signing/hook-signature.js';

/** A hook body ready to POST: the exact bytes and the headers amojo sends with them. */
export interface SignedHookBody {
  /** The exact body; send it unchanged, the signature covers these bytes. */
  readonly rawBody: string;
  readonly headers: {
    readonly 'Content-Type': 'application/json';
    readonly 'X-Signature': string;
    readonly 'User-Agent': string;
  };
}

/**
 * Serialises a hook body (a string is used verbatim) and signs it as amojo does: lowercase hex HMAC-SHA1 of the raw
 * bytes with the channel secret (spec 4.1). For tests and emulators.
 * @example
 * const { rawBody, headers } = signHookBody(buildMessageHook(), secret);
 * await fetch(hookUrl, { method: 'POST', headers, body: rawBody });
 */
export function signHookBody(body: object | string, secret: string): SignedHookBody {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    rawBody,
    headers: {
      'Content-Type': 'application/json',
      'X-Signature': signHook(rawBody, secret),
      // The User-Agent seen in real hook traffic (spec 4.1).
      'User-Agent': 'amoCRM amoJo/1.0',
    },
  };
}
