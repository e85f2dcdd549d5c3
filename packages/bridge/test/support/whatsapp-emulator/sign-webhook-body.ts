import { createHmac } from 'node:crypto';

/** The `X-Hub-Signature-256` value Meta sends: `sha256=` + hex HMAC-SHA256 of the raw body keyed by the app secret. */
export function signWebhookBody(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
