import type { EmulatedBusiness } from './emulated-business.js';
import { signWebhookBody } from './sign-webhook-body.js';

/** Options of {@link WebhookSender}. */
export interface WebhookSenderOptions {
  readonly timeoutMs: number;
  readonly retryDelayMs: number;
}

/**
 * Delivers a business's queued webhooks to its callback as Meta does: a POST of the JSON with
 * `X-Hub-Signature-256`, one at a time, a payload confirmed only by a 2xx and otherwise retried after a pause
 * (so the receiver sees it again: it must dedupe).
 */
export class WebhookSender {
  readonly #business: EmulatedBusiness;
  readonly #options: WebhookSenderOptions;
  readonly #requests = new Set<AbortController>();
  #running = false;
  #closed = false;

  constructor(business: EmulatedBusiness, options: WebhookSenderOptions) {
    this.#business = business;
    this.#options = options;
  }

  kick(): void {
    if (this.#running || this.#closed || !this.#business.callbackUrl) return;
    this.#running = true;
    void this.#loop().finally(() => {
      this.#running = false;
    });
  }

  close(): void {
    this.#closed = true;
    for (const request of this.#requests) request.abort();
  }

  async #loop(): Promise<void> {
    for (;;) {
      const url = this.#business.callbackUrl;
      const next = this.#business.pendingWebhooks[0];
      if (!url || !next || this.#closed) return;
      if (await this.#deliver(url, next.body)) {
        this.#business.pendingWebhooks.shift();
      } else {
        await new Promise((resolve) => setTimeout(resolve, this.#options.retryDelayMs));
      }
    }
  }

  async #deliver(url: string, body: string): Promise<boolean> {
    const controller = new AbortController();
    this.#requests.add(controller);
    const timer = setTimeout(() => controller.abort(), this.#options.timeoutMs);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signWebhookBody(body, this.#business.appSecret),
        },
        body,
        signal: controller.signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      this.#business.webhookDeliveries.push({ status: response.status });
      return response.ok;
    } catch (error) {
      const message = controller.signal.aborted ? 'timeout' : `connection failed (${String(error)})`;
      this.#business.webhookDeliveries.push({ error: message });
      return false;
    } finally {
      clearTimeout(timer);
      this.#requests.delete(controller);
    }
  }
}
