/** Stable machine-readable codes of {@link AmojoError}. */
export type AmojoErrorCode = 'api_refused' | 'network' | 'timeout' | 'invalid_signature' | 'invalid_input';

/** Base class of every error the SDK throws. Branch on `code` or on the subclass. */
export class AmojoError extends Error {
  override readonly name: string = 'AmojoError';
  readonly code: AmojoErrorCode;

  constructor(code: AmojoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Fields of {@link AmojoApiError}. */
export interface AmojoApiErrorDetails {
  /** HTTP status of the answer. */
  readonly status: number;
  /** `error_type` of an amojo envelope (e.g. `ORIGIN_INVALID_SIGNATURE`) or `title` of a REST problem JSON. */
  readonly errorType?: string | undefined;
  /** `error_description` of amojo or `detail` of a REST problem JSON. */
  readonly description?: string | undefined;
  /** The parsed JSON body, or the raw text when it is not JSON, or `undefined` when empty. */
  readonly body?: unknown;
  /** Delay the server asked for (Retry-After header or `retry_after` field), in milliseconds. */
  readonly retryAfterMs?: number | undefined;
  /** `METHOD path` of the request, without query string or host. */
  readonly request?: string | undefined;
}

/** The remote answered with an error status (4xx/5xx). */
export class AmojoApiError extends AmojoError {
  override readonly name = 'AmojoApiError';
  readonly status: number;
  readonly errorType: string | undefined;
  readonly description: string | undefined;
  readonly body: unknown;
  readonly retryAfterMs: number | undefined;
  readonly request: string | undefined;

  constructor(message: string, details: AmojoApiErrorDetails, options?: { cause?: unknown }) {
    super('api_refused', message, options);
    this.status = details.status;
    this.errorType = details.errorType;
    this.description = details.description;
    this.body = details.body;
    this.retryAfterMs = details.retryAfterMs;
    this.request = details.request;
  }
}

/** The remote could not be reached (connection refused, reset, DNS) or the answer could not be read. */
export class AmojoNetworkError extends AmojoError {
  override readonly name: string = 'AmojoNetworkError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('network', message, options);
  }
}

/** The remote did not answer within `timeoutMs`. */
export class AmojoTimeoutError extends AmojoError {
  override readonly name = 'AmojoTimeoutError';
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number, options?: { cause?: unknown }) {
    super('timeout', message, options);
    this.timeoutMs = timeoutMs;
  }
}

/** A hook or request signature did not verify; the message names the likely mistake. */
export class AmojoSignatureError extends AmojoError {
  override readonly name = 'AmojoSignatureError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_signature', message, options);
  }
}

/** The caller's input (or a received body) does not match the protocol; `path` points at the bad field. */
export class AmojoInputError extends AmojoError {
  override readonly name = 'AmojoInputError';
  readonly path: string | undefined;
  constructor(message: string, path?: string, options?: { cause?: unknown }) {
    super('invalid_input', message, options);
    this.path = path;
  }
}
