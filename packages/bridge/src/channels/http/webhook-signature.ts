import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * Standard-Webhooks style signing for the `http` channel, shared by the receiver (customer events posted to us), the
 * sender (manager events we post) and the tests. The key is the UTF-8 bytes of the instance secret as stored (no
 * `whsec_` prefix or base64 decoding), so a customer system can sign with one line of any HMAC library.
 */

/** Default accepted distance between `webhook-timestamp` and our clock, in seconds (5 minutes). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The three headers of a signed webhook. */
export type WebhookHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

/** Input of {@link signWebhook}. */
export interface SignWebhookInput {
  readonly id: string;
  /** Unix seconds. */
  readonly timestamp: number;
  /** The exact body bytes. */
  readonly body: string | Uint8Array;
  readonly secret: string;
}

/** Base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`, prefixed `v1,`. */
export function signWebhook(input: SignWebhookInput): string {
  const hmac = createHmac('sha256', input.secret);
  hmac.update(`${input.id}.${input.timestamp}.`);
  hmac.update(input.body);
  return `v1,${hmac.digest('base64')}`;
}

/** Input of {@link webhookHeaders}. */
export interface WebhookHeadersInput {
  readonly body: string | Uint8Array;
  readonly secret: string;
  /** Message id; a random UUID when omitted. Keep it stable across retries of one event. */
  readonly id?: string;
  /** Defaults to now. */
  readonly now?: Date;
}

/** Builds the signed headers for one POST. */
export function webhookHeaders(input: WebhookHeadersInput): WebhookHeaders {
  const id = input.id ?? `msg_${randomUUID()}`;
  const timestamp = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook({ id, timestamp, body: input.body, secret: input.secret }),
  };
}

/** Input of {@link verifyWebhook}; header values as received (Node gives `string | string[] | undefined`). */
export interface VerifyWebhookInput {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: string | Uint8Array;
  readonly secret: string;
  readonly now?: Date;
  readonly toleranceSeconds?: number;
}

/** Why a webhook was refused. */
export type WebhookFailureReason =
  | 'missing_headers'
  | 'bad_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'bad_signature';

/** Result of {@link verifyWebhook}: a failure carries a stable reason and a message fit for the sender. */
export type VerifyWebhookResult =
  | { readonly ok: true; readonly id: string; readonly timestamp: number }
  | { readonly ok: false; readonly reason: WebhookFailureReason; readonly message: string };

function header(headers: VerifyWebhookInput['headers'], name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

/** Verifies the three Standard-Webhooks headers over the raw body in constant time. */
export function verifyWebhook(input: VerifyWebhookInput): VerifyWebhookResult {
  const id = header(input.headers, 'webhook-id');
  const rawTimestamp = header(input.headers, 'webhook-timestamp');
  const signatures = header(input.headers, 'webhook-signature');
  if (!id || !rawTimestamp || !signatures) {
    return {
      ok: false,
      reason: 'missing_headers',
      message: 'webhook-id, webhook-timestamp and webhook-signature headers are all required',
    };
  }
  if (!/^\d{1,12}$/.test(rawTimestamp)) {
    return { ok: false, reason: 'bad_timestamp', message: 'webhook-timestamp must be unix seconds (an integer)' };
  }
  const timestamp = Number(rawTimestamp);
  const tolerance = input.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (timestamp < nowSeconds - tolerance) {
    return {
      ok: false,
      reason: 'timestamp_too_old',
      message: `webhook-timestamp is more than ${tolerance} s in the past: sign each request when sending it`,
    };
  }
  if (timestamp > nowSeconds + tolerance) {
    return {
      ok: false,
      reason: 'timestamp_in_future',
      message: `webhook-timestamp is more than ${tolerance} s in the future: check the sender's clock`,
    };
  }
  const expected = Buffer.from(signWebhook({ id, timestamp, body: input.body, secret: input.secret }), 'utf8');
  // Standard Webhooks allows several space-separated signatures (key rotation); any match is enough.
  const matched = signatures
    .split(' ')
    .map((candidate) => Buffer.from(candidate.trim(), 'utf8'))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
  if (!matched) {
    return {
      ok: false,
      reason: 'bad_signature',
      message:
        'webhook-signature does not match: sign "{webhook-id}.{webhook-timestamp}.{raw body}" with HMAC-SHA256 ' +
        'keyed with the instance secret, base64, prefixed "v1,"; sign the exact bytes sent, not a re-serialised body',
    };
  }
  return { ok: true, id, timestamp };
}
