import { AmojoApiError, AmojoNetworkError } from '../errors/amojo-error.js';
import type { HttpContext, HttpResponse } from '../http/send-request.js';
import type { RateLimiter } from './rate-limiter.js';
import { redact } from './redact.js';

/** What the REST helpers share with their client (internal). */
export interface RestContext {
  readonly http: HttpContext;
  readonly baseUrl: string;
  readonly limiter: RateLimiter;
  /** Values that must never reach an error message or a log line (tokens, client secret, codes). */
  readonly secrets: () => readonly (string | undefined)[];
}

/** Rebuilds an API error whose message or body quotes a secret, with the secret replaced (grammY-style hygiene). */
export function scrubError(error: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (!(error instanceof AmojoApiError)) return error;
  const message = redact(error.message, secrets);
  const bodyText = error.body === undefined ? undefined : JSON.stringify(error.body);
  const cleanBody = bodyText === undefined ? undefined : redact(bodyText, secrets);
  if (message === error.message && cleanBody === bodyText) return error;
  return new AmojoApiError(message, {
    status: error.status,
    errorType: error.errorType === undefined ? undefined : redact(error.errorType, secrets),
    description: error.description === undefined ? undefined : redact(error.description, secrets),
    body: cleanBody === undefined ? undefined : JSON.parse(cleanBody),
    retryAfterMs: error.retryAfterMs,
    request: error.request,
  });
}

/** Parses a JSON answer; an empty body (204) gives undefined. */
export function parseJsonBody<T>(response: HttpResponse, label: string): T | undefined {
  if (response.status === 204 || response.bodyText === '') return undefined;
  try {
    return JSON.parse(response.bodyText) as T;
  } catch (cause) {
    throw new AmojoNetworkError(`${label} answered HTTP ${response.status} with a body that is not JSON`, { cause });
  }
}
