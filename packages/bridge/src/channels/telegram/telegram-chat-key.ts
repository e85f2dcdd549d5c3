import { asChannelChatKey, type ChannelChatKey } from '../../store/ids.js';

/**
 * The channel chat key of a Telegram chat: the bot's id and the chat id, so two bots never share a conversation even
 * when one customer writes to both (a chat id is the user's id in a private chat, the same for every bot).
 */
export function telegramChatKey(botId: number | string, chatId: number | string): ChannelChatKey {
  return asChannelChatKey(`${botId}:${chatId}`);
}

/** The Telegram chat id of a chat key made by {@link telegramChatKey} for this bot; undefined for anything else. */
export function chatIdOfKey(chatKey: string, botId: number | string): number | undefined {
  const prefix = `${botId}:`;
  if (!chatKey.startsWith(prefix)) return undefined;
  const id = Number(chatKey.slice(prefix.length));
  return Number.isSafeInteger(id) ? id : undefined;
}

/** The bot id of a token (`<bot id>:<secret>`); the token itself is never logged or put in a URL we show. */
export function botIdOfToken(token: string): number | undefined {
  const match = /^(\d+):[A-Za-z0-9_-]{30,}$/.exec(token);
  return match ? Number(match[1]) : undefined;
}
