import { hmacHex, md5Hex, type RawBody, safeEqualHex } from './digest.js';
import { parseHttpDate } from './format-date.js';
import { stringToSign } from './sign-request.js';

/** Input of {@link verifyRequest}: what a server received. */
export interface VerifyRequestInput {
  readonly method: string;
  /** Request path; a `?query` suffix is removed before verification (the query is not signed, spec 2.2). */
  readonly path: string;
  /** Received headers; names are matched case-insensitively. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The raw body bytes as received. */
  readonly body: RawBody;
  readonly secret: string;
  /** Largest allowed distance between the `Date` header and now, in seconds. Default 900 (15 minutes, spec 2.1). */
  readonly maxSkewSeconds?: number;
  /** Current time; defaults to `new Date()`. */
  readonly now?: Date;
}

/** Why a request failed verification. */
export type VerifyRequestFailure =
  | 'missing-header'
  | 'content-md5-mismatch'
  | 'signature-mismatch'
  | 'bad-date'
  | 'date-out-of-range';

/** Result of {@link verifyRequest}. */
export type VerifyRequestResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: VerifyRequestFailure; readonly message: string };

function header(headers: VerifyRequestInput['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value[0];
  }
  return undefined;
}

/** Verifies the Date, Content-MD5 and X-Signature of a received amojo request (spec 2.7), in constant time. */
export function verifyRequest(input: VerifyRequestInput): VerifyRequestResult {
  const date = header(input.headers, 'date');
  const contentType = header(input.headers, 'content-type');
  const contentMd5 = header(input.headers, 'content-md5');
  const signature = header(input.headers, 'x-signature');
  const missing = [
    ['Date', date],
    ['Content-Type', contentType],
    ['Content-MD5', contentMd5],
    ['X-Signature', signature],
  ].filter(([, v]) => v === undefined || v === '');
  if (missing.length > 0 || !date || !contentType || !contentMd5 || !signature) {
    return {
      ok: false,
      reason: 'missing-header',
      message: `missing header(s): ${missing.map(([n]) => n).join(', ')}`,
    };
  }
  // Strict lowercase comparison as the docs specify (spec 2.7 step 2).
  if (md5Hex(input.body) !== contentMd5) {
    return {
      ok: false,
      reason: 'content-md5-mismatch',
      message: 'Content-MD5 does not match the body: hash the exact bytes sent, not a re-serialised object',
    };
  }
  const path = input.path.split('?')[0] ?? '';
  const expected = hmacHex('sha1', input.secret, stringToSign(input.method, contentMd5, contentType, date, path));
  if (!safeEqualHex(expected, signature)) {
    return {
      ok: false,
      reason: 'signature-mismatch',
      message:
        'X-Signature does not match: check the channel secret, the method, the path without query, and the header values',
    };
  }
  const sent = parseHttpDate(date);
  if (!sent) return { ok: false, reason: 'bad-date', message: `Date header is not an RFC 2822 date: ${date}` };
  const skew = Math.abs((input.now ?? new Date()).getTime() - sent.getTime()) / 1000;
  if (skew > (input.maxSkewSeconds ?? 900)) {
    return {
      ok: false,
      reason: 'date-out-of-range',
      message: `Date header is ${Math.round(skew)} s away from the server clock (allowed ${input.maxSkewSeconds ?? 900} s)`,
    };
  }
  return { ok: true };
}
