import type { ChannelSendResult } from '../channel-adapter.js';
import { GraphApiRefusal, GraphApiUnreachable } from './graph-api.js';

type Refusal = Extract<ChannelSendResult, { ok: false }>;

// Meta sends no Retry-After with throughput errors; the waits follow its documented limits: a business number's
// throughput is per second (130429), one customer may get about one message per 6 s (131056), and the app or
// account rate limits (4, 80007) reset within the hour, so a minute before trying again.
const RETRY_AFTER_MS: Readonly<Record<number, number>> = { 130429: 2_000, 131056: 6_000, 4: 60_000, 80007: 60_000 };
const AUTH_CODES = new Set([190, 2500, 10, 200]);
// The business account or number is locked or blocked by Meta (131031, 368): the instance is broken (channels/health).
const BLOCKED_CODES = new Set([131031, 368]);

/** Maps a failed Graph API send to the answer the bridge gives amoCRM (or the queue, when retryable). */
export function mapSendError(error: unknown): Refusal {
  if (error instanceof GraphApiUnreachable) {
    return { ok: false, errorCode: 903, reason: error.message, retryable: true };
  }
  if (!(error instanceof GraphApiRefusal)) {
    return { ok: false, errorCode: 905, reason: `WhatsApp send failed: ${String(error)}`, retryable: true };
  }
  const detail = error.details ? `: ${error.details}` : '';
  const code = error.graphCode;
  const retryAfterMs = RETRY_AFTER_MS[code];
  if (retryAfterMs !== undefined) {
    return {
      ok: false,
      errorCode: 903,
      reason: `WhatsApp throughput limit (${code})${detail}`,
      retryable: true,
      retryAfterMs,
    };
  }
  if (error.status === 401 || AUTH_CODES.has(code)) {
    // 902 breaks the instance (bad_credentials): the relay holds its sends until the token is replaced
    // (`channels update ... --set accessToken=`; pipelines/hold-for-broken-channel.ts), so the messages go out then.
    return {
      ok: false,
      errorCode: 902,
      reason: `WhatsApp refused the access token (${code}): replace accessToken of this instance`,
      retryable: true,
      retryAfterMs: 60_000,
    };
  }
  if (code === 131026)
    return { ok: false, errorCode: 904, reason: `recipient is not on WhatsApp${detail}`, retryable: false };
  if (code === 131047) {
    return {
      ok: false,
      errorCode: 905,
      reason: 'outside the 24-hour customer-service window: WhatsApp accepts only a template (re-engagement required)',
      retryable: false,
    };
  }
  if (code === 132000 || code === 132012 || code === 132001) {
    const what =
      code === 132001
        ? 'the template does not exist in this language'
        : code === 132000
          ? "the template's parameter count differs from what templateParameters/templateHeader give"
          : "a template parameter's format differs from the template's (templateHeader)";
    return {
      ok: false,
      errorCode: 905,
      reason: `WhatsApp refused the template (${code}): ${what}; check the instance settings${detail}`,
      retryable: false,
    };
  }
  if (error.status >= 500 || code === 131000 || code === 1 || code === 2) {
    return {
      ok: false,
      errorCode: 903,
      reason: `WhatsApp is unavailable (${code || error.status})${detail}`,
      retryable: true,
    };
  }
  return {
    ok: false,
    errorCode: 905,
    reason: `WhatsApp refused the message (${code || error.status})${detail}`,
    retryable: false,
    ...(BLOCKED_CODES.has(code) ? { channelProblem: 'number_blocked' as const } : {}),
  };
}

/** Why WhatsApp failed a message it had accepted (a `failed` status), as the 90x code and reason amoCRM shows. */
export function failureOfStatus(
  errors: readonly {
    readonly code?: unknown;
    readonly title?: unknown;
    readonly message?: unknown;
    readonly details?: string | undefined;
  }[],
): {
  readonly errorCode: 904 | 905;
  readonly reason: string;
} {
  const first = errors[0];
  const code = typeof first?.code === 'number' ? first.code : 0;
  const title =
    typeof first?.title === 'string' ? first.title : typeof first?.message === 'string' ? first.message : '';
  const detail = first?.details ? `: ${first.details}` : '';
  if (code === 131026) return { errorCode: 904, reason: `recipient is not on WhatsApp (131026)${detail}` };
  if (code === 131047 || code === 470) {
    return {
      errorCode: 905,
      reason: `outside the 24-hour customer-service window: WhatsApp accepts only a template (re-engagement required, ${code})`,
    };
  }
  if (code === 131053) return { errorCode: 905, reason: `WhatsApp could not take the file (131053)${detail}` };
  return {
    errorCode: 905,
    reason: `WhatsApp could not deliver the message (${code || 'no code'}${title ? ` ${title}` : ''})${detail}`,
  };
}
