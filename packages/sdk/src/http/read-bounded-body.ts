import { optionalInt } from '../chats/validate-input.js';
/**
 * Largest answer body a transport reads when the request names no `maxResponseBytes`: 16 MiB. Every answer of
 * amojo and of amoCRM's REST API is far smaller (a page of 250 contacts is well under 1 MiB); the bound is there so a
 * broken proxy or a hostile server cannot make the caller buffer gigabytes within its timeout.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** An answer's body was longer than the caller's bound; what was read is dropped and the connection closed. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  readonly code = 'E_RESPONSE_TOO_LARGE';
  constructor(readonly limitBytes: number) {
    super(`the answer is larger than ${limitBytes} bytes`);
  }
}

/**
 * Reads a `fetch` answer's body, at most `maxBytes` of it: a declared `Content-Length` over the bound is refused
 * before reading, and a longer stream (chunked, or lying about its length) is cancelled as soon as it passes the
 * bound. Rejects with {@link ResponseTooLargeError}.
 */
export async function readResponseBytes(response: Response, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(maxBytes);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/** {@link readResponseBytes} decoded as UTF-8. */
export async function readResponseText(response: Response, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readResponseBytes(response, maxBytes));
}

/**
 * The `maxResponseBytes` of a client's options as the HTTP context takes it: nothing when unset (the
 * transport's default applies), else a whole number of at least 1.
 */
export function maxResponseBytesOf(options: { readonly maxResponseBytes?: number }): { maxResponseBytes?: number } {
  const value = optionalInt(options.maxResponseBytes, 'maxResponseBytes', 1);
  return value === undefined ? {} : { maxResponseBytes: value };
}
