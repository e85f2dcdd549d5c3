import { verifyHook } from '../signing/hook-signature.js';

const HEX_SHA1 = /^[0-9a-fA-F]{40}$/;

function toText(rawBody: string | Uint8Array): string {
  return typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
}

/**
 * Says why a hook signature did not verify, naming the likely mistake. Only called after verification failed; the
 * extra HMACs it computes cost nothing on the success path. The message never contains the secret.
 */
export function explainHookSignatureFailure(
  rawBody: string | Uint8Array,
  signature: string | null | undefined,
  secret: string,
): string {
  if (!signature) {
    return 'hook has no X-Signature header: amojo signs every hook, so this request did not come from amojo or a proxy dropped the header';
  }
  if (!HEX_SHA1.test(signature.trim())) {
    return 'X-Signature is not a 40-character hex HMAC-SHA1: pass the X-Signature header value as it was received';
  }
  const text = toText(rawBody);
  // Trailing CR/LF is accepted by verifyHook (amojo appends a newline it does not sign); other whitespace is not.
  const trimmed = text.replace(/\s+$/, '');
  if (trimmed !== text && verifyHook(trimmed, signature, secret)) {
    return 'X-Signature matches the body without its trailing spaces or tabs: something appended whitespace other than a line break to the raw body before verification; pass the bytes exactly as received';
  }
  if (verifyHook(`${text}\n`, signature, secret)) {
    return 'X-Signature matches the body plus a trailing newline: the raw body was trimmed before verification; pass the bytes exactly as received';
  }
  return (
    'X-Signature does not match the body. Likely mistakes: a parsed and re-serialised body instead of the raw bytes ' +
    '(JSON.stringify changes escapes such as \\/ and \\uXXXX, so read the body as bytes before any JSON parser runs), ' +
    'a body decoded with the wrong charset, or the secret of another channel'
  );
}
