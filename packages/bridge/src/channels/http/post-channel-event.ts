import { fetchTransport, ResponseTooLargeError, sharedNodeTransport, type TransportResponse } from '@amojo-bridge/sdk';
import { type ChannelSendResult, isChannelErrorCode } from '../channel-adapter.js';
import { webhookHeaders } from './webhook-signature.js';

/** The `fetch` the http channel calls; injectable so tests and proxies need no global patching. */
export type HttpChannelFetch = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Longest answer read from a customer system: 1 MiB. The answer that matters is a small JSON (`{"id"}` or a refusal);
 * a longer one is not read to its end, and the send is retried like any other unusable answer.
 */
export const CUSTOMER_ANSWER_LIMIT_BYTES = 1024 * 1024;

/** Input of {@link postChannelEvent}. */
export interface PostChannelEventInput {
  readonly url: string;
  readonly secret: string;
  /** Stable across retries of one event: it is the `webhook-id` the receiver deduplicates on. */
  readonly eventId: string;
  readonly body: unknown;
  readonly fetch?: HttpChannelFetch;
  readonly timeoutMs?: number;
  readonly now?: Date;
}

/**
 * POSTs one signed event to a customer system and classifies the answer. 2xx: accepted. A 4xx whose JSON body has
 * `errorCode` 901-905: a deliberate refusal, reported to amoCRM as is and never retried. Anything else (other
 * statuses, timeouts, refused connections): retryable, so the job queue tries again with backoff until a 2xx, and
 * not before the answer's `Retry-After`.
 */
export async function postChannelEvent(input: PostChannelEventInput): Promise<ChannelSendResult> {
  const body = JSON.stringify(input.body);
  const headers = webhookHeaders({
    body,
    secret: input.secret,
    id: input.eventId,
    ...(input.now ? { now: input.now } : {}),
  });
  // Without an injected fetch: node:http with the SDK's shared keep-alive agent (bounded sockets per host), less
  // CPU per call than the global fetch on the bench machine (2.8x in bench/http-client.mjs, bench/NOTES.md).
  const send = input.fetch ? fetchTransport(input.fetch) : sharedNodeTransport();
  let response: TransportResponse;
  try {
    response = await send({
      method: 'POST',
      url: input.url,
      headers: { 'content-type': 'application/json', 'user-agent': 'amojo-bridge', ...headers },
      body,
      timeoutMs: input.timeoutMs ?? 10_000,
      maxResponseBytes: CUSTOMER_ANSWER_LIMIT_BYTES,
    });
  } catch (cause) {
    if (cause instanceof ResponseTooLargeError) {
      return {
        ok: false,
        errorCode: 903,
        reason: `customer system's answer is over ${cause.limitBytes} bytes`,
        retryable: true,
      };
    }
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : 'unknown error';
    return { ok: false, errorCode: 903, reason: `customer system unreachable (${why})`, retryable: true };
  }
  const json = parseJson(response.bodyText);
  if (response.status >= 200 && response.status < 300) {
    const id = json && typeof json === 'object' && 'id' in json ? json.id : undefined;
    return typeof id === 'string' && id ? { ok: true, channelMessageId: id } : { ok: true };
  }
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
    const refusal = json && typeof json === 'object' ? (json as Record<string, unknown>) : undefined;
    const code = refusal?.errorCode;
    if (isChannelErrorCode(code)) {
      const reason =
        typeof refusal?.reason === 'string' && refusal.reason ? refusal.reason : 'refused by the customer system';
      return {
        ok: false,
        errorCode: code,
        reason: reason.slice(0, 500),
        retryable: false,
      };
    }
  }
  const retryAfterMs = retryAfterOf(response, input.now ?? new Date());
  return {
    ok: false,
    errorCode: 903,
    reason: `customer system answered HTTP ${response.status}`,
    retryable: true,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

// `Retry-After` (RFC 9110 10.2.3) in seconds or as an HTTP date; capped at an hour so a wrong header cannot park a
// message for days (the queue's own backoff still applies on top).
function retryAfterOf(response: TransportResponse, now: Date): number | undefined {
  const header = response.headers.get('retry-after')?.trim();
  if (!header) return undefined;
  const ms = /^\d+$/.test(header) ? Number(header) * 1000 : Date.parse(header) - now.getTime();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 3_600_000) : undefined;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
