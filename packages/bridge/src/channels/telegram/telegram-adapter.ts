import type { Message } from '@grammyjs/types';
import type { Api } from 'grammy';
import { BridgeError } from '../../errors.js';
import type {
  ChannelInstanceRecord,
  ChannelSendResult,
  OutboundChannelMessage,
  OutboundReaction,
  OutboundTyping,
} from '../channel-adapter.js';
import type { ChannelAdapter, ChannelRuntime } from '../channel-plugin.js';
import { handleUpdate } from './handle-update.js';
import { mapOutbound } from './map-outbound.js';
import { reactionParam } from './map-reaction.js';
import { mapSendError } from './map-send-error.js';
import { ALLOWED_UPDATES } from './map-update.js';
import { telegramApi } from './telegram-api.js';
import { botIdOfToken, chatIdOfKey } from './telegram-chat-key.js';
import { type Polling, startPolling } from './telegram-polling.js';
import type { TelegramSettings } from './telegram-settings.js';

/** Where Telegram POSTs the updates of an instance in webhook mode. */
export function telegramWebhookUrl(publicUrl: string, instanceKey: string): string {
  return `${publicUrl}/channels/telegram/${encodeURIComponent(instanceKey)}/webhook`;
}

function notThisBot(chatKey: string): ChannelSendResult {
  return { ok: false, errorCode: 904, reason: `chat ${chatKey} is not a Telegram chat of this bot`, retryable: false };
}

async function call(run: () => Promise<unknown>): Promise<ChannelSendResult> {
  try {
    await run();
    return { ok: true };
  } catch (error) {
    return mapSendError(error);
  }
}

/**
 * Sets up one bot (webhook: `setWebhook` with the instance secret as `secret_token`, one connection so updates
 * arrive in order; polling: `deleteWebhook`, then the long-polling loop) and returns its outbound side.
 */
export async function createTelegramAdapter(
  instance: ChannelInstanceRecord<TelegramSettings>,
  runtime: ChannelRuntime<TelegramSettings>,
): Promise<ChannelAdapter> {
  const settings = instance.settings;
  const botId = settings.botId ?? botIdOfToken(settings.token);
  if (!botId)
    throw new BridgeError('telegram_token_invalid', `telegram instance ${instance.key}: the token has no bot id`);
  const api: Api = telegramApi(settings);
  const log = runtime.log.child({ instanceId: instance.key, botId });
  let polling: Polling | undefined;
  if (settings.mode === 'webhook') {
    if (!runtime.publicUrl) {
      throw new BridgeError(
        'telegram_webhook_needs_public_url',
        `telegram instance ${instance.key} is in webhook mode: set PUBLIC_URL (the bridge's public https URL) or use mode=polling`,
      );
    }
    if (!instance.secret) {
      throw new BridgeError('telegram_secret_missing', `telegram instance ${instance.key} has no instance secret`);
    }
    await api.setWebhook(telegramWebhookUrl(runtime.publicUrl, instance.key), {
      secret_token: instance.secret,
      allowed_updates: [...ALLOWED_UPDATES],
      max_connections: 1,
    });
    log.info({ event: 'telegram_webhook_set' }, 'telegram webhook set');
  } else {
    await api.deleteWebhook();
    const reportHealth = runtime.reportHealth;
    polling = startPolling({
      api: telegramApi(settings, true),
      log,
      handle: (update) => handleUpdate(runtime, instance, botId, update),
      refusedPollMs: runtime.tuning?.holdProbeMs,
      reportHealth: reportHealth && ((report) => reportHealth(instance, report)),
    });
    log.info({ event: 'telegram_polling_started' }, 'telegram long polling started');
  }

  return {
    messageTypes: ['text', 'picture', 'file', 'video', 'voice', 'audio', 'sticker', 'location', 'contact'],
    async send(message: OutboundChannelMessage): Promise<ChannelSendResult> {
      const chatId = chatIdOfKey(message.recipient.chatKey, botId);
      if (chatId === undefined) return notThisBot(message.recipient.chatKey);
      const quoted = Number(message.replyTo?.channelMessageId);
      const sends = mapOutbound(chatId, message, Number.isSafeInteger(quoted) && quoted > 0 ? quoted : undefined);
      let first: number | undefined;
      for (const send of sends) {
        try {
          const sent = (await (api.raw[send.method] as (p: unknown) => Promise<Message>)(send.params)) as Message;
          first ??= sent.message_id;
        } catch (error) {
          // A later part failing after the first went out is retried whole (the customer may see the first twice):
          // better than losing the rest.
          return mapSendError(error);
        }
      }
      return { ok: true, ...(first !== undefined ? { channelMessageId: String(first) } : {}) };
    },
    async typing(event: OutboundTyping) {
      const chatId = chatIdOfKey(event.recipient.chatKey, botId);
      if (chatId === undefined) return notThisBot(event.recipient.chatKey);
      return call(() => api.sendChatAction(chatId, 'typing'));
    },
    async react(event: OutboundReaction) {
      const chatId = chatIdOfKey(event.recipient.chatKey, botId);
      if (chatId === undefined) return notThisBot(event.recipient.chatKey);
      const messageId = Number(event.channelMessageId);
      if (!Number.isSafeInteger(messageId)) {
        return { ok: false, errorCode: 905, reason: 'the message has no Telegram message id', retryable: false };
      }
      const reaction = reactionParam(event.type, event.emoji);
      if (!reaction) {
        return {
          ok: false,
          errorCode: 905,
          reason: `Telegram does not let a bot react with ${event.emoji ?? 'no emoji'}`,
          retryable: false,
        };
      }
      return call(() => api.setMessageReaction(chatId, messageId, reaction));
    },
    async stop() {
      await polling?.stop();
    },
  };
}
