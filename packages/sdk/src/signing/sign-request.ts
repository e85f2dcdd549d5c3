import { hmacHex, md5Hex, type RawBody } from './digest.js';
import { formatRfc2822 } from './format-date.js';

/** The only Content-Type amojo accepts; it is also sent (and signed) on GET (spec 2.1). */
export const AMOJO_CONTENT_TYPE = 'application/json';

/** Input of {@link signRequest}. */
export interface SignRequestInput {
  /** HTTP method; upper-cased before signing. */
  readonly method: string;
  /** URL path only: no scheme, host or query string, e.g. `/v2/origin/custom/{scope_id}`. */
  readonly path: string;
  /** The exact body string or bytes that will be sent; `''` for GET. */
  readonly body: RawBody;
  /** The channel secret, used as the ASCII bytes of the string. */
  readonly secret: string;
  /** Request time; defaults to now. A string is used verbatim as the `Date` header. */
  readonly date?: Date | string;
  /** Defaults to `application/json`. */
  readonly contentType?: string;
}

/**
 * The four signed headers of every amojo request (spec 2.1). A type, not an interface, so it is assignable to a
 * string record: `fetch`'s `headers` and {@link verifyRequest}'s `headers` take it as it is.
 */
export type SignedHeaders = {
  readonly Date: string;
  readonly 'Content-Type': string;
  readonly 'Content-MD5': string;
  readonly 'X-Signature': string;
};

/** Builds the string amojo signs: METHOD, Content-MD5, Content-Type, Date and path joined by `\n` (spec 2.2). */
export function stringToSign(
  method: string,
  contentMd5: string,
  contentType: string,
  date: string,
  path: string,
): string {
  return [method.toUpperCase(), contentMd5, contentType, date, path].join('\n');
}

/**
 * Signs an amojo request and returns the headers to send with it.
 * @example
 * const body = JSON.stringify(payload);
 * const headers = signRequest({ method: 'POST', path: `/v2/origin/custom/${scopeId}`, body, secret });
 * await fetch(url, { method: 'POST', headers, body }); // send exactly `body`, never re-serialise
 */
export function signRequest(input: SignRequestInput): SignedHeaders {
  const date = typeof input.date === 'string' ? input.date : formatRfc2822(input.date ?? new Date());
  const contentType = input.contentType ?? AMOJO_CONTENT_TYPE;
  const contentMd5 = md5Hex(input.body);
  const signature = hmacHex(
    'sha1',
    input.secret,
    stringToSign(input.method, contentMd5, contentType, date, input.path),
  );
  return { Date: date, 'Content-Type': contentType, 'Content-MD5': contentMd5, 'X-Signature': signature };
}
