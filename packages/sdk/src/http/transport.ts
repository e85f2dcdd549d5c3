import type { Fetch } from './client-options.js';
import { DEFAULT_MAX_RESPONSE_BYTES, type ResponseTooLargeError, readResponseText } from './read-bounded-body.js';

/** One attempt of an HTTP call, as a {@link HttpTransport} receives it. */
export interface TransportRequest {
  readonly method: string;
  /** Full URL, query included. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The whole attempt (connect, send, read the answer) must finish within this many ms. */
  readonly timeoutMs: number;
  /** Aborts the attempt (the promise rejects with an error named `AbortError`). */
  readonly signal?: AbortSignal;
  /**
   * Longest answer body read, in bytes; a longer one rejects with {@link ResponseTooLargeError} and its connection is
   * closed. Default {@link DEFAULT_MAX_RESPONSE_BYTES}.
   */
  readonly maxResponseBytes?: number;
}

/** The header lookup the SDK needs from an answer (a `Headers` object satisfies it). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

/** A complete answer of any status, body read as text. */
export interface TransportResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly bodyText: string;
}

/**
 * Sends one attempt and reads the whole answer. It rejects with an error named `TimeoutError` when `timeoutMs`
 * passes, with one named `AbortError` when `signal` aborts, with {@link ResponseTooLargeError} when the body is longer than
 * `maxResponseBytes`, and with any other error (ideally carrying a `code` such as `ECONNREFUSED`) when the server cannot be
 * reached or the answer cannot be read. It never throws for an HTTP status.
 */
export type HttpTransport = (request: TransportRequest) => Promise<TransportResponse>;

/** Adapts a `fetch` function (global fetch, undici, a test double) to an {@link HttpTransport}. */
export function fetchTransport(fetchFn: Fetch): HttpTransport {
  return async (request) => {
    const init: RequestInit = {
      method: request.method,
      headers: request.headers,
      signal: request.signal
        ? AbortSignal.any([AbortSignal.timeout(request.timeoutMs), request.signal])
        : AbortSignal.timeout(request.timeoutMs),
    };
    if (request.body !== undefined) init.body = request.body;
    const response = await fetchFn(request.url, init);
    const bodyText = await readResponseText(response, request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    return { status: response.status, headers: response.headers, bodyText };
  };
}
