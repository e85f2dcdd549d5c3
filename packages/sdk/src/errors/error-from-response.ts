import { AmojoApiError } from './amojo-error.js';

/** What {@link errorFromResponse} needs to know about an answer. */
export interface ErrorResponseInput {
  readonly status: number;
  /** Value of the Retry-After header, if any (seconds or an HTTP date). */
  readonly retryAfter?: string | null | undefined;
  /** The raw body text ('' when empty). */
  readonly bodyText: string;
  /** `METHOD path` of the request, used in the message. Never include a query string or a token. */
  readonly request?: string | undefined;
  /** Current time, for HTTP-date Retry-After values. */
  readonly now?: Date | undefined;
}

function parseRetryAfter(header: string | null | undefined, body: unknown, now: Date): number | undefined {
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - now.getTime());
  }
  if (body && typeof body === 'object' && 'retry_after' in body) {
    const seconds = Number((body as { retry_after: unknown }).retry_after);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  }
  return undefined;
}

function field(body: unknown, name: string): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Maps an error answer of amojo or of the amoCRM REST API to an {@link AmojoApiError}.
 * Understands amojo's envelope (`error_type`, `error_description`) and REST problem JSON (`title`, `detail`);
 * tolerates any other JSON, plain text or an empty body (spec 3.0, 5.5).
 */
export function errorFromResponse(input: ErrorResponseInput): AmojoApiError {
  let body: unknown;
  if (input.bodyText !== '') {
    try {
      body = JSON.parse(input.bodyText);
    } catch {
      body = input.bodyText;
    }
  }
  const errorType = field(body, 'error_type') ?? field(body, 'title');
  const description = field(body, 'error_description') ?? field(body, 'detail');
  const retryAfterMs = parseRetryAfter(input.retryAfter, body, input.now ?? new Date());
  const what = input.request ? `${input.request} failed` : 'request failed';
  let hint = '';
  if (input.status === 403 && errorType === 'ORIGIN_INVALID_SIGNATURE') {
    hint = ': check the channel secret and that the exact signed body bytes are sent, with a current Date';
  } else if (input.status === 404 && errorType === 'ORIGIN_NOT_REGISTERED') {
    hint = ': the channel id is unknown to amojo, or the account is not connected';
  } else if (input.status === 401) {
    hint = ': the access token is missing, expired or revoked';
  } else if (input.status === 429) {
    hint = `: rate limited${retryAfterMs !== undefined ? `, retry after ${Math.ceil(retryAfterMs / 1000)} s` : ''}`;
  } else if (input.bodyText === '' && input.status >= 400 && input.status < 500) {
    hint = ': empty body, often a wrong URI or an unknown resource';
  }
  const detail = [errorType, description].filter(Boolean).join(' ');
  const message = `${what} with HTTP ${input.status}${detail ? ` ${detail}` : ''}${hint}`;
  return new AmojoApiError(message, {
    status: input.status,
    errorType,
    description,
    body,
    retryAfterMs,
    request: input.request,
  });
}
