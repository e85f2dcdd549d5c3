export { escapeHtml } from './escape-html.js';
export { mapOutbound, splitText, type TelegramSend } from './map-outbound.js';
export {
  amojoReactionEmoji,
  reactionParam,
  TELEGRAM_REACTION_EMOJI,
  telegramReactionEmoji,
} from './map-reaction.js';
export { mapSendError, type TelegramSendFailure } from './map-send-error.js';
export { ALLOWED_UPDATES, contentOf, displayNameOf, mapUpdate } from './map-update.js';
export { createTelegramAdapter, telegramWebhookUrl } from './telegram-adapter.js';
export { botIdOfToken, chatIdOfKey, telegramChatKey } from './telegram-chat-key.js';
export type * from './telegram-inbound.js';
export { telegramChannelPlugin } from './telegram-plugin.js';
export { TELEGRAM_API_ROOT, type TelegramSettings, telegramSettingsSchema } from './telegram-settings.js';
