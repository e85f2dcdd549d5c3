import { AmojoApiError } from '../errors/amojo-error.js';
import { type HttpResponse, sendRequest } from '../http/send-request.js';
import { attemptSlots } from './attempt-slots.js';
import type { OAuthTokens } from './oauth-tokens.js';
import { type RestContext, scrubError } from './rest-context.js';

/** One REST v4 call (internal). */
export interface RestCall {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The client method making the call, as request hooks see it. */
  readonly operation: string;
  /** Path without query; also the label in logs and errors, so it must never carry a token. */
  readonly path: string;
  /** Query string starting with `?`, or ''. */
  readonly query?: string;
  /** JSON-serialisable body. */
  readonly body?: unknown;
  /** Whether sendRequest may repeat the call after a network error, a timeout, 429 or 5xx (see README). */
  readonly idempotent: boolean;
}

/**
 * Sends a Bearer-authenticated call through the account's limiter. Every attempt takes a fresh token, then a limiter
 * slot, in that order: a refresh needs a slot too, so no slot is held while waiting for a token. A 401 leads to one
 * refresh (unless another caller already refreshed) and one more try; a second 401 is thrown. Retrying after a 401
 * is safe even for creates: the server refused the request without acting on it.
 */
export async function callRest(ctx: RestContext, tokens: OAuthTokens, call: RestCall): Promise<HttpResponse> {
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  let used: string | undefined;
  const send = async () => {
    const slots = attemptSlots(ctx.limiter);
    try {
      return await sendRequest(ctx.http, {
        method: call.method,
        operation: call.operation,
        url: `${ctx.baseUrl}${call.path}${call.query ?? ''}`,
        label: call.path,
        headers: async () => {
          // The previous attempt's answer is in: free its slot before a refresh may need one.
          slots.done();
          used = await tokens.accessToken();
          await slots.next();
          const headers: Record<string, string> = {
            Authorization: `Bearer ${used}`,
            Accept: 'application/hal+json, application/json',
          };
          if (body !== undefined) headers['Content-Type'] = 'application/json';
          return headers;
        },
        ...(body !== undefined ? { body } : {}),
        idempotent: call.idempotent,
      });
    } finally {
      // Before a 401 leads to a refresh, which needs a slot of its own.
      slots.done();
    }
  };
  const secrets = () => [...ctx.secrets(), ...tokens.knownSecrets()];
  try {
    return await send();
  } catch (error) {
    if (!(error instanceof AmojoApiError && error.status === 401 && used !== undefined)) {
      throw scrubError(error, secrets());
    }
    const rejected = used;
    try {
      await tokens.refreshIfStale(rejected);
    } catch (refreshError) {
      ctx.http.log.warn?.(
        { request: `${call.method} ${call.path}`, err: (scrubError(refreshError, secrets()) as Error).message },
        'amoCRM answered 401 and the token refresh failed',
      );
      throw scrubError(error, secrets());
    }
    try {
      return await send();
    } catch (second) {
      throw scrubError(second, secrets());
    }
  }
}
