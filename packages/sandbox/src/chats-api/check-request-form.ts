import { md5Hex, type VerifyRequestResult } from '@amojo-bridge/sdk';
import { AmojoRequestError } from '../errors.js';

/** What {@link checkRequestForm} needs of a received Chats API request. */
export interface RequestForm {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
}

const headerOf = (form: RequestForm, name: string): string | undefined => {
  const value = form.headers[name];
  return typeof value === 'string' ? value : value?.[0];
};

const refused = (status: number, errorType: string, description: string, reason: string) =>
  new AmojoRequestError(status, errorType, description, reason);

/**
 * Rules of the request's form that come before its signature (spec 2.1): the only Content-Type amojo supports is
 * `application/json` (signing another does not make it acceptable), and a GET has no body.
 */
export function checkRequestForm(form: RequestForm): void {
  const contentType = headerOf(form, 'content-type');
  if (contentType !== undefined && contentType !== 'application/json') {
    throw refused(
      400,
      'INVALID_REQUEST',
      'unsupported Content-Type',
      `Content-Type must be application/json (the only value amojo supports), got "${contentType}"`,
    );
  }
  // Fastify does not read a GET body, so its presence is told by the framing headers.
  const declared = Number(headerOf(form, 'content-length') ?? 0);
  const chunked = headerOf(form, 'transfer-encoding') !== undefined;
  if (form.method === 'GET' && (form.body.length > 0 || declared > 0 || chunked)) {
    throw refused(
      403,
      'ORIGIN_INVALID_SIGNATURE',
      'invalid signature',
      'a GET request must have no body: send none and sign the MD5 of the empty body (d41d8cd98f00b204e9800998ecf8427e)',
    );
  }
}

/**
 * The reason for a failed (or case-only) verification, naming the real mistake: digests must be lowercase hex
 * (spec 2.1); the SDK's verifier compares X-Signature case-insensitively, amojo's documentation does not.
 * Returns undefined when the request is acceptable.
 */
export function signatureProblem(form: RequestForm, result: VerifyRequestResult): string | undefined {
  const md5 = headerOf(form, 'content-md5') ?? '';
  const signature = headerOf(form, 'x-signature') ?? '';
  if (!result.ok) {
    if (
      result.reason === 'content-md5-mismatch' &&
      md5 !== md5.toLowerCase() &&
      md5.toLowerCase() === md5Hex(form.body)
    ) {
      return 'content-md5-mismatch: Content-MD5 must be lowercase hex (the digest is right, only its case is wrong)';
    }
    return `${result.reason}: ${result.message}`;
  }
  if (signature !== signature.toLowerCase()) {
    return 'signature-mismatch: X-Signature must be lowercase hex (the signature is right, only its case is wrong)';
  }
  return undefined;
}
