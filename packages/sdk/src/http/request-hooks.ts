import type { AmojoErrorCode } from '../errors/amojo-error.js';
import type { Logger } from './client-options.js';

/**
 * What {@link RequestHooks.onRequest} sees before one HTTP attempt. Never headers, a body or a query string: those
 * carry signatures, tokens, client secrets and customer data.
 */
export interface RequestHookInfo {
  /** The client method that made the call (`sendMessage`, `getHistory`, `listSources`, `exchangeCode`, ...). */
  readonly operation: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path without query (ids in it are the same ones errors and logs show). */
  readonly path: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
}

/** What {@link RequestHooks.onResponse} sees after one HTTP attempt, successful or not. */
export interface ResponseHookInfo extends RequestHookInfo {
  /** True for a 2xx answer. */
  readonly ok: boolean;
  /** HTTP status; absent when no answer came (network error, timeout). */
  readonly status?: number;
  /** From the start of the attempt (a REST call's wait for a rate-limiter slot included) to its whole answer. */
  readonly durationMs: number;
  /** True when the SDK will send another attempt of this call (after a backoff); false on the call's last attempt. */
  readonly willRetry: boolean;
  /** Why the attempt failed, without messages or bodies: the {@link AmojoError} code and the wire `error_type`. */
  readonly error?: { readonly code: AmojoErrorCode; readonly errorType?: string; readonly retryAfterMs?: number };
}

/**
 * Hooks around every HTTP attempt of a client, the SDK's own retries included (the way octokit's `request.hook` and
 * grammY's transformers wrap the API call once): count calls, time them, trace them. A hook must be quick and
 * synchronous in effect; what it returns is ignored and an error it throws is logged and never breaks the call.
 */
export interface RequestHooks {
  /** Called before each attempt is sent. */
  readonly onRequest?: (info: RequestHookInfo) => void;
  /** Called after each attempt, with its outcome. */
  readonly onResponse?: (info: ResponseHookInfo) => void;
}

/** The hooks of a client's options, as its {@link HttpContext} keeps them. */
export function hooksOf(options: RequestHooks): RequestHooks {
  return {
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    ...(options.onResponse ? { onResponse: options.onResponse } : {}),
  };
}

/** Calls one hook, logging (never rethrowing) what it throws. */
export function callHook<T extends RequestHookInfo>(
  hook: ((info: T) => void) | undefined,
  info: T,
  log: Partial<Logger>,
): void {
  if (!hook) return;
  const report = (error: unknown) =>
    log.warn?.(
      { request: `${info.method} ${info.path}`, operation: info.operation, err: (error as Error)?.message },
      'a request hook threw; the call goes on',
    );
  try {
    // Typed as void, but an async hook's rejection must not become an unhandled rejection either.
    const result: unknown = hook(info);
    if (result instanceof Promise) result.catch(report);
  } catch (error) {
    report(error);
  }
}
