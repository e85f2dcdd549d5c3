import { randomBytes, randomInt } from 'node:crypto';
import { EmulatedNumber } from './emulated-number.js';
import type { GraphApiError } from './graph-api-error.js';
import type { MediaStore } from './media-store.js';

/** A message template of the account, as `GET /{waba-id}/message_templates` lists it. */
export interface EmulatedTemplate {
  readonly name: string;
  readonly language: string;
  readonly status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED';
  readonly category: 'UTILITY' | 'MARKETING' | 'AUTHENTICATION';
  /** The body text with `{{1}}`, `{{2}}`... placeholders. */
  readonly body: string;
  /** A header: text (with at most one `{{1}}`) or a media header whose file each send gives. */
  readonly header?:
    | { readonly format: 'TEXT'; readonly text: string }
    | { readonly format: 'IMAGE' | 'VIDEO' | 'DOCUMENT' };
}

/** A webhook payload queued for delivery (one `entry` with one `change`). */
export interface QueuedWebhook {
  readonly body: string;
}

/** A webhook delivery attempt, as the emulator recorded it. */
export interface WebhookDelivery {
  readonly status?: number;
  readonly error?: string;
}

/**
 * A Meta app with one WhatsApp Business Account (WABA): its app secret (webhook signatures), its system-user access
 * token, its templates and its phone numbers. Webhooks of all numbers go to the app's one callback URL.
 */
export class EmulatedBusiness {
  readonly id: string;
  readonly appSecret: string;
  accessToken: string;
  /** Tokens that were valid once: they answer 190/460 (session invalidated) instead of "cannot parse". */
  readonly revokedTokens = new Set<string>();
  /** Every request refused because it carried one of {@link revokedTokens} (method and path), in order. */
  readonly revokedTokenCalls: { method: string; path: string }[] = [];
  readonly templates: EmulatedTemplate[] = [];
  readonly numbers: EmulatedNumber[] = [];
  readonly media: MediaStore;
  /** The subscribed callback; set by {@link EmulatedBusiness.subscribe} once the handshake passed. */
  callbackUrl: string | undefined;
  /** Every request to the messages endpoint, with the answer's status. */
  readonly calls: { path: string; body: unknown; status: number }[] = [];
  readonly webhookDeliveries: WebhookDelivery[] = [];
  /** Media ids uploaded with `POST /{phone-number-id}/media`, in order. */
  readonly uploads: string[] = [];
  /** Payloads not yet confirmed by a 2xx from the callback, oldest first. */
  readonly pendingWebhooks: QueuedWebhook[] = [];
  /** @internal Set by the emulator: wakes the webhook sender. */
  onWebhookQueued: () => void = () => {};
  readonly now: () => number;
  readonly #failures: GraphApiError[] = [];

  constructor(options: { media: MediaStore; now: () => number }) {
    this.id = String(100_000_000_000_000 + randomInt(0, 2 ** 40));
    this.appSecret = randomBytes(16).toString('hex');
    this.accessToken = `EAA${randomBytes(48).toString('base64url')}`;
    this.media = options.media;
    this.now = options.now;
  }

  addNumber(displayPhoneNumber: string): EmulatedNumber {
    const number = new EmulatedNumber(
      this,
      String(100_000_000_000_000 + randomInt(0, 2 ** 40)),
      displayPhoneNumber.replace(/\D/g, ''),
    );
    this.numbers.push(number);
    return number;
  }

  addTemplate(template: Omit<EmulatedTemplate, 'status' | 'category'> & Partial<EmulatedTemplate>): EmulatedTemplate {
    const full: EmulatedTemplate = { status: 'APPROVED', category: 'UTILITY', ...template };
    this.templates.push(full);
    return full;
  }

  /** Invalidates the access token (as a password change or a removed system user does) and returns a new one. */
  revokeToken(): string {
    this.revokedTokens.add(this.accessToken);
    this.accessToken = `EAA${randomBytes(48).toString('base64url')}`;
    return this.accessToken;
  }

  /** The next `count` API calls of this business fail with `error` (e.g. `graphErrors.rateLimit()`). */
  failNext(error: GraphApiError, count = 1): void {
    for (let i = 0; i < count; i += 1) this.#failures.push(error);
  }

  /** @internal */
  takeFailure(): GraphApiError | undefined {
    return this.#failures.shift();
  }

  /**
   * Subscribes the app's webhook as the App Dashboard does: a `GET` with `hub.mode=subscribe`, `hub.verify_token`
   * and `hub.challenge`; the callback must answer 200 with the challenge as its body, or the subscription fails.
   */
  async subscribe(callbackUrl: string, verifyToken: string): Promise<void> {
    const challenge = String(randomInt(1, 2 ** 31));
    const url = new URL(callbackUrl);
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.verify_token', verifyToken);
    url.searchParams.set('hub.challenge', challenge);
    const response = await fetch(url);
    const body = await response.text();
    if (response.status !== 200 || body !== challenge) {
      throw new Error(
        `The callback URL or verify token couldn't be validated: ${response.status} ${body.slice(0, 200)}`,
      );
    }
    this.callbackUrl = callbackUrl;
    this.onWebhookQueued();
  }

  /** @internal Queues one change of the `messages` field. */
  queueWebhook(value: Record<string, unknown>): void {
    const payload = {
      object: 'whatsapp_business_account',
      entry: [{ id: this.id, changes: [{ value, field: 'messages' }] }],
    };
    this.pendingWebhooks.push({ body: JSON.stringify(payload) });
    this.onWebhookQueued();
  }
}
