import type { Update } from '@grammyjs/types';
import { failures } from './bot-api-failure.js';
import type { CallContext } from './bot-methods.js';
import type { EmulatedBot } from './emulated-bot.js';

const polling = new WeakMap<EmulatedBot, AbortController>();

/**
 * `getUpdates`: confirms every update below `offset`, then answers the pending ones (at most `limit`), waiting up to
 * `timeout` seconds for one when there are none. A newer call ends an older one with 409, as Telegram does when two
 * processes poll one bot; a set webhook makes it a 409 too.
 */
export async function readUpdates({ bot, params, signal }: CallContext): Promise<Update[]> {
  if (bot.webhook) {
    throw failures.conflict(
      "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  }
  const offset = params.integer('offset');
  const limit = params.integer('limit') ?? 100;
  if (limit < 1 || limit > 100) throw failures.badRequest('limit must be between 1 and 100');
  const timeout = params.integer('timeout') ?? 0;
  const allowed = params.json<string[]>('allowed_updates');
  if (allowed !== undefined) {
    if (!Array.isArray(allowed)) throw failures.badRequest('field "allowed_updates" must be an Array');
    bot.updates.allowedUpdates = allowed;
  }
  polling.get(bot)?.abort();
  const mine = new AbortController();
  polling.set(bot, mine);
  signal.addEventListener('abort', () => mine.abort(), { once: true });
  if (offset !== undefined) bot.updates.confirmBelow(offset);
  if (bot.updates.pending().length === 0 && timeout > 0) {
    await bot.updates.waitForNew(timeout * 1000, mine.signal);
  }
  if (mine.signal.aborted && !signal.aborted) {
    throw failures.conflict('terminated by other getUpdates request; make sure that only one bot instance is running');
  }
  if (polling.get(bot) === mine) polling.delete(bot);
  return bot.updates.pending().slice(0, limit);
}
