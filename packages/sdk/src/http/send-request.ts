import { AmojoApiError, type AmojoError, AmojoNetworkError, AmojoTimeoutError } from '../errors/amojo-error.js';
import { errorFromResponse } from '../errors/error-from-response.js';
import { backoffDelayMs, type RetryPolicy } from './backoff.js';
import type { Logger } from './client-options.js';
import { type DEFAULT_MAX_RESPONSE_BYTES, ResponseTooLargeError } from './read-bounded-body.js';
import { callHook, type RequestHooks, type ResponseHookInfo } from './request-hooks.js';
import type { HttpTransport, ResponseHeaders, TransportResponse } from './transport.js';

/** What one HTTP call needs; `headers` is called before every attempt, so signatures and Dates are fresh. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The client method making the call (`sendMessage`, `listSources`), as request hooks see it. */
  readonly operation: string;
  /** Full URL, query included. */
  readonly url: string;
  /** Path without query, used in logs and error messages (never a token). */
  readonly label: string;
  readonly headers: () => Record<string, string> | Promise<Record<string, string>>;
  /** The exact body bytes to send (already serialised and, for amojo, signed). */
  readonly body?: string;
  /** True when repeating the call cannot cause a second effect; only then are failures retried. */
  readonly idempotent: boolean;
}

/** A successful (2xx) answer, body read as text. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly bodyText: string;
}

/** Everything {@link sendRequest} needs from its client. */
export interface HttpContext {
  readonly transport: HttpTransport;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly log: Partial<Logger>;
  readonly now: () => Date;
  /** Called around every attempt; see {@link RequestHooks}. */
  readonly hooks?: RequestHooks;
  /** Longest answer body read; default the transport's ({@link DEFAULT_MAX_RESPONSE_BYTES}). */
  readonly maxResponseBytes?: number;
}

function isRetryable(error: unknown): error is AmojoError {
  if (error instanceof AmojoNetworkError || error instanceof AmojoTimeoutError) return true;
  return error instanceof AmojoApiError && (error.status === 429 || error.status >= 500);
}

function timeoutError(ctx: HttpContext, request: HttpRequest, cause: unknown): AmojoTimeoutError {
  return new AmojoTimeoutError(
    `${request.method} ${request.label} timed out after ${ctx.timeoutMs} ms`,
    ctx.timeoutMs,
    {
      cause,
    },
  );
}

async function attempt(ctx: HttpContext, request: HttpRequest): Promise<HttpResponse> {
  const headers = await request.headers();
  let response: TransportResponse;
  try {
    response = await ctx.transport({
      method: request.method,
      url: request.url,
      headers,
      timeoutMs: ctx.timeoutMs,
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(ctx.maxResponseBytes !== undefined ? { maxResponseBytes: ctx.maxResponseBytes } : {}),
    });
  } catch (cause) {
    if (cause instanceof ResponseTooLargeError) {
      throw new AmojoNetworkError(`${request.method} ${request.label}: ${cause.message}`, { cause });
    }
    if (cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError')) {
      throw timeoutError(ctx, request, cause);
    }
    const c = cause as { code?: string; message?: string; cause?: { code?: string } } | undefined;
    const reason = c?.cause?.code ?? c?.code ?? c?.message ?? 'unknown';
    throw new AmojoNetworkError(`${request.method} ${request.label} could not reach the server (${reason})`, { cause });
  }
  if (response.status >= 400) {
    throw errorFromResponse({
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      bodyText: response.bodyText,
      request: `${request.method} ${request.label}`,
      now: ctx.now(),
    });
  }
  return response;
}

function failureInfo(
  info: Omit<ResponseHookInfo, 'ok' | 'durationMs' | 'willRetry'>,
  error: unknown,
  durationMs: number,
  willRetry: boolean,
): ResponseHookInfo {
  const api = error instanceof AmojoApiError ? error : undefined;
  const code = (error as Partial<AmojoError> | undefined)?.code ?? 'network';
  return {
    ...info,
    ok: false,
    ...(api ? { status: api.status } : {}),
    durationMs,
    willRetry,
    error: {
      code,
      ...(api?.errorType !== undefined ? { errorType: api.errorType } : {}),
      ...(api?.retryAfterMs !== undefined ? { retryAfterMs: api.retryAfterMs } : {}),
    },
  };
}

/**
 * Sends a request with a per-attempt timeout; retries network errors, timeouts, 429 and 5xx with backoff and jitter,
 * but only when `request.idempotent` is true. Throws an {@link AmojoError} subclass on failure.
 */
export async function sendRequest(ctx: HttpContext, request: HttpRequest): Promise<HttpResponse> {
  for (let attemptNo = 1; ; attemptNo++) {
    const started = Date.now();
    const info = { operation: request.operation, method: request.method, path: request.label, attempt: attemptNo };
    callHook(ctx.hooks?.onRequest, info, ctx.log);
    try {
      const response = await attempt(ctx, request);
      const durationMs = Date.now() - started;
      callHook(
        ctx.hooks?.onResponse,
        { ...info, ok: true, status: response.status, durationMs, willRetry: false },
        ctx.log,
      );
      ctx.log.debug?.(
        {
          request: `${request.method} ${request.label}`,
          status: response.status,
          attempt: attemptNo,
          ms: durationMs,
        },
        'amojo request done',
      );
      return response;
    } catch (error) {
      const retriesLeft = request.idempotent ? ctx.retry.retries - (attemptNo - 1) : 0;
      const retryAfterMs = error instanceof AmojoApiError ? error.retryAfterMs : undefined;
      const tooLong = retryAfterMs !== undefined && retryAfterMs > ctx.retry.maxRetryAfterMs;
      const willRetry = isRetryable(error) && retriesLeft > 0 && !tooLong;
      callHook(ctx.hooks?.onResponse, failureInfo(info, error, Date.now() - started, willRetry), ctx.log);
      if (!willRetry || !isRetryable(error)) {
        ctx.log.warn?.(
          {
            request: `${request.method} ${request.label}`,
            attempt: attemptNo,
            code: (error as AmojoError).code,
            err: (error as Error).message,
          },
          'amojo request failed',
        );
        throw error;
      }
      const delay = backoffDelayMs(attemptNo, ctx.retry, retryAfterMs);
      ctx.log.info?.(
        { request: `${request.method} ${request.label}`, attempt: attemptNo, delayMs: delay, err: error.message },
        'amojo request will be retried',
      );
      await ctx.retry.sleep(delay);
    }
  }
}
