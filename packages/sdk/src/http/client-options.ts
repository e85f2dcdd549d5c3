import type { RequestHooks } from './request-hooks.js';
import type { HttpTransport } from './transport.js';

/** The `fetch` function the clients call; inject one to point the SDK at an emulator or a proxy. */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** A pino-compatible logger; every method is optional and the SDK is silent without one. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Retry policy for calls that are safe to repeat (network errors, 429 and 5xx). */
export interface RetryOptions {
  /** Extra attempts after the first. Default 3. */
  readonly retries?: number;
  /** Base delay of the exponential backoff, in ms. Default 250. */
  readonly minDelayMs?: number;
  /** Upper bound of one delay, in ms (a longer Retry-After is still honoured up to `maxRetryAfterMs`). Default 10 000. */
  readonly maxDelayMs?: number;
  /** Longest Retry-After the client will wait for before giving up and throwing. Default 60 000. */
  readonly maxRetryAfterMs?: number;
  /** Source of randomness for jitter, in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** How to wait; default setTimeout. Inject to make tests instant. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Options shared by {@link AmojoClient} and {@link AmocrmClient}. `onRequest`/`onResponse` ({@link RequestHooks}) are
 * called around every HTTP attempt, retries included, and never see headers, bodies or query strings.
 */
export interface ClientOptions extends RequestHooks {
  /** Base URL without a trailing slash. */
  readonly baseUrl?: string;
  /**
   * A `fetch` to send with instead of the default transport (tests, proxies). By default the SDK sends over
   * `node:http`/`node:https` with a shared keep-alive agent (see {@link createNodeTransport}).
   */
  readonly fetch?: Fetch;
  /** A transport to send with (for example `createNodeTransport({ maxSocketsPerHost })`); `fetch` wins over it. */
  readonly transport?: HttpTransport;
  /** Clock; defaults to `() => new Date()`. Used for the Date header and token expiry. */
  readonly now?: () => Date;
  /** Timeout of one attempt in ms. Default 15 000. */
  readonly timeoutMs?: number;
  /** Longest answer body read, in bytes; a longer answer fails the attempt (as a network error). Default 16 MiB. */
  readonly maxResponseBytes?: number;
  /** Logger (pino-compatible); silent by default. */
  readonly log?: Partial<Logger>;
  /** Retry policy, or `false` to never retry. */
  readonly retry?: RetryOptions | false;
}
