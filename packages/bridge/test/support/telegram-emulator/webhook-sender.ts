import type { Update } from '@grammyjs/types';
import type { EmulatedBot } from './emulated-bot.js';

/** Options of {@link WebhookSender}. */
export interface WebhookSenderOptions {
  /** How long Telegram waits for the bot's answer before counting the delivery failed. */
  readonly timeoutMs: number;
  /** Pause after a failed delivery before the update is tried again (Telegram backs off too). */
  readonly retryDelayMs: number;
}

/**
 * Delivers a bot's pending updates to its webhook as Telegram does: a POST of the update's JSON with
 * `X-Telegram-Bot-Api-Secret-Token` when a secret was set, up to `max_connections` at once (oldest first), the
 * update confirmed only by a 2xx answer and otherwise retried after a pause.
 */
export class WebhookSender {
  readonly #bot: EmulatedBot;
  readonly #options: WebhookSenderOptions;
  readonly #inFlight = new Set<number>();
  readonly #requests = new Set<AbortController>();
  #running = 0;
  #closed = false;

  constructor(bot: EmulatedBot, options: WebhookSenderOptions) {
    this.#bot = bot;
    this.#options = options;
  }

  /** Starts as many delivery loops as the webhook allows and are not running yet. */
  kick(): void {
    const webhook = this.#bot.webhook;
    if (!webhook || this.#closed) return;
    while (this.#running < webhook.maxConnections && this.#next()) {
      this.#running += 1;
      void this.#loop().finally(() => {
        this.#running -= 1;
      });
    }
  }

  /** Stops delivering and aborts requests in flight. */
  close(): void {
    this.#closed = true;
    for (const request of this.#requests) request.abort();
  }

  #next(): Update | undefined {
    return this.#bot.updates.pending().find((u) => !this.#inFlight.has(u.update_id));
  }

  async #loop(): Promise<void> {
    for (;;) {
      const webhook = this.#bot.webhook;
      const update = this.#next();
      if (!webhook || !update || this.#closed) return;
      this.#inFlight.add(update.update_id);
      const ok = await this.#deliver(webhook, update);
      this.#inFlight.delete(update.update_id);
      if (ok) {
        this.#bot.updates.confirm(update.update_id);
      } else {
        await new Promise((resolve) => setTimeout(resolve, this.#options.retryDelayMs));
      }
    }
  }

  async #deliver(webhook: { url: string; secretToken: string | undefined }, update: Update): Promise<boolean> {
    const controller = new AbortController();
    this.#requests.add(controller);
    const timer = setTimeout(() => controller.abort(), this.#options.timeoutMs);
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(webhook.secretToken ? { 'x-telegram-bot-api-secret-token': webhook.secretToken } : {}),
        },
        body: JSON.stringify(update),
        signal: controller.signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      this.#bot.webhookDeliveries.push({ updateId: update.update_id, status: response.status });
      if (response.ok) return true;
      this.#bot.webhookLastError = {
        date: Math.floor(Date.now() / 1000),
        message: `Wrong response from the webhook: ${response.status} ${response.statusText}`,
      };
      return false;
    } catch (error) {
      const message = controller.signal.aborted ? 'Read timeout expired' : `Connection refused (${String(error)})`;
      this.#bot.webhookDeliveries.push({ updateId: update.update_id, error: message });
      this.#bot.webhookLastError = { date: Math.floor(Date.now() / 1000), message };
      return false;
    } finally {
      clearTimeout(timer);
      this.#requests.delete(controller);
    }
  }
}
