import { GrammyError, HttpError } from 'grammy';
import type { ChannelSendResult } from '../channel-adapter.js';

/** A refused send as the queue and amoCRM need it, with the delay Telegram asked for on a 429. */
export type TelegramSendFailure = Extract<ChannelSendResult, { ok: false }> & { readonly retryAfterMs?: number };

/**
 * Maps a failed Bot API call to a delivery outcome (spec 3.5 codes):
 * - 403 (the customer blocked the bot, or deleted their account): 901, final;
 * - 400 "chat not found": 904, final (the customer never started the bot, or the chat is gone);
 * - 401 (the token was revoked): 902, the channel side is disabled; final;
 * - 429: retried after Telegram's `retry_after`; 5xx, timeouts and network errors: retried;
 * - any other refusal: 905 with Telegram's description, final.
 * grammY's messages never contain the token (its `sensitiveLogs` is off), and only the description is kept.
 */
export function mapSendError(error: unknown): TelegramSendFailure {
  if (error instanceof GrammyError) {
    const description = error.description;
    if (error.error_code === 403) {
      return { ok: false, errorCode: 901, reason: `the customer blocked the bot (${description})`, retryable: false };
    }
    if (error.error_code === 400 && /chat not found/i.test(description)) {
      return { ok: false, errorCode: 904, reason: `Telegram: ${description}`, retryable: false };
    }
    if (error.error_code === 401) {
      return { ok: false, errorCode: 902, reason: 'Telegram refused the bot token (revoked?)', retryable: false };
    }
    if (error.error_code === 429) {
      const seconds = Number(error.parameters.retry_after ?? 1);
      return {
        ok: false,
        errorCode: 905,
        reason: `Telegram: ${description}`,
        retryable: true,
        retryAfterMs: Math.max(1, seconds) * 1000,
      };
    }
    if (error.error_code >= 500) {
      return { ok: false, errorCode: 905, reason: `Telegram: ${description}`, retryable: true };
    }
    return { ok: false, errorCode: 905, reason: `Telegram: ${description}`, retryable: false };
  }
  if (error instanceof HttpError) {
    return { ok: false, errorCode: 905, reason: `Telegram unreachable: ${error.message}`, retryable: true };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, errorCode: 905, reason: `Telegram call failed: ${message}`, retryable: true };
}
