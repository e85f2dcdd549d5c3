import type { FastifyRequest } from 'fastify';

/** An answer to a refused or failed request: a status and the JSON `{ error, message }` every route family sends. */
export interface ErrorAnswer {
  readonly status: number;
  /** `error` is a stable code to branch on, `message` a sentence for a person; a few answers add fields (`field`). */
  readonly body: { readonly error: string; readonly message: string; readonly [field: string]: unknown };
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a route family answers differently; everything it leaves out is the shared mapping of {@link errorAnswerOf}. */
export interface ErrorReplyScope {
  /** The family's own errors (admin input, amojo refusals, refused channel events); undefined falls through. */
  readonly map?: (error: unknown, request: FastifyRequest) => ErrorAnswer | undefined;
  /**
   * A 413's wording, the limit it names when it is not the route's `bodyLimit`, and what happens instead of the
   * default warning (`event: body_too_large`): a metric, a line of the family's own.
   */
  readonly tooLarge?: {
    readonly limitOf?: (request: FastifyRequest) => number;
    readonly message?: (limit: number) => string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly onRefused?: (request: FastifyRequest, limit: number) => void;
  };
  /** The answer to an unexpected failure (default 500 `internal`) and the line it is logged with. */
  readonly failure?: {
    readonly status?: 500 | 503;
    readonly error?: string;
    readonly message?: string;
    /** The log line's `event` (default `request_failed`) and sentence. */
    readonly event?: string;
    readonly log?: string;
  };
  /** The family's logger (default the request's); refusals are logged at warn, failures at error. */
  readonly log?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** Fields every log line of this family carries (the instance or scope in the URL). */
  readonly logFields?: (request: FastifyRequest) => Record<string, unknown>;
}

/** The shared answer to an unexpected failure: it names no internals; the log line has them. */
export const INTERNAL_FAILURE = { error: 'internal', message: 'Internal error; see the bridge log' } as const;

interface StatusError {
  readonly statusCode?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
}

// Fastify's own refusals, by code: one name and one sentence each, whichever route family refused.
const FASTIFY_REFUSALS: Readonly<Record<string, { status: number; error: string; message: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'invalid_json', message: 'the body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    error: 'invalid_json',
    message: 'the body is empty but content-type says JSON',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    error: 'unsupported_media_type',
    message: 'this content-type is not accepted here',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    error: 'bad_request',
    message: 'content-length does not match the body',
  },
};

/** True for a body over its limit, whether Fastify or a streaming reader refused it. */
export function isTooLarge(error: unknown): boolean {
  const e = error as StatusError | null;
  return e?.statusCode === 413 || e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
}

/** The limit a 413 names: the scope's, else the route's `bodyLimit`. */
export function tooLargeLimit(request: FastifyRequest, scope: ErrorReplyScope | undefined): number {
  return scope?.tooLarge?.limitOf?.(request) ?? request.routeOptions.bodyLimit ?? 0;
}

/**
 * The 413 answer of a scope for a body over `limit` bytes. Without a sentence of the scope's, Fastify's refusal says
 * the limit; another 413 (a multipart file over its own limit) keeps its message, which names its limit.
 */
export function tooLargeAnswer(error: unknown, limit: number, scope: ErrorReplyScope | undefined): ErrorAnswer {
  const own =
    (error as StatusError | null)?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? undefined : (error as Error).message;
  const message = scope?.tooLarge?.message?.(limit) ?? own ?? `the body exceeds ${limit} bytes`;
  return {
    status: 413,
    body: { error: 'too_large', message },
    ...(scope?.tooLarge?.headers ? { headers: scope.tooLarge.headers } : {}),
  };
}

/**
 * Maps a refusal to its answer: Fastify's own by code, any other 4xx error by its status with its message (our
 * errors' messages hold no secrets, STYLE.md "Errors"). Undefined for everything else: an unexpected failure.
 */
export function refusalAnswer(error: unknown): ErrorAnswer | undefined {
  const e = error as StatusError | null;
  const known = typeof e?.code === 'string' ? FASTIFY_REFUSALS[e.code] : undefined;
  if (known) return { status: known.status, body: { error: known.error, message: known.message } };
  const status = e?.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  return {
    status,
    body: { error: 'bad_request', message: typeof e?.message === 'string' ? e.message : 'bad request' },
  };
}

/** The answer to an unexpected failure in a scope: never its message or stack, which go to the log only. */
export function failureAnswer(scope: ErrorReplyScope | undefined): ErrorAnswer {
  const failure = scope?.failure;
  return {
    status: failure?.status ?? 500,
    body: { error: failure?.error ?? INTERNAL_FAILURE.error, message: failure?.message ?? INTERNAL_FAILURE.message },
  };
}
