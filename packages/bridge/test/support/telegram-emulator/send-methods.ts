import type { Message } from '@grammyjs/types';
import { failures } from './bot-api-failure.js';
import type { EmulatedBot } from './emulated-bot.js';
import type { StoredFile } from './file-store.js';
import { visibleTextOfHtml } from './html-text.js';
import type { Params } from './read-params.js';

/** Emoji a bot may set with setMessageReaction (Bot API `ReactionTypeEmoji`). */
export const REACTION_EMOJI = new Set(
  '👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤‍🔥 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 👨‍💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 🤷‍♂ 🤷 🤷‍♀ 😡'.split(
    ' ',
  ),
);

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

// Telegram downloads a file given by URL up to these sizes (Bot API "Sending files").
const URL_LIMIT_PHOTO = 5 * 1024 * 1024;
const URL_LIMIT_OTHER = 20 * 1024 * 1024;

/** The chat a send goes to: it must exist (the user wrote first) and must not have blocked the bot. */
export function targetChat(bot: EmulatedBot, params: Params): number {
  const raw = params.required('chat_id', 'chat_id is empty');
  const chatId = Number(raw);
  if (!Number.isSafeInteger(chatId) || !bot.chats.has(chatId)) throw failures.chatNotFound();
  if (bot.blockedBy.has(chatId)) throw failures.blocked();
  return chatId;
}

/** The text a user sees of a text or caption, after the parse mode. */
export function visibleText(text: string, parseMode: string | undefined): string {
  if (parseMode === undefined || parseMode === '') return text;
  if (parseMode === 'HTML') return visibleTextOfHtml(text);
  if (parseMode === 'MarkdownV2' || parseMode === 'Markdown') {
    throw failures.badRequest(`this emulator checks parse_mode HTML only, not ${parseMode}`);
  }
  throw failures.badRequest(`unsupported parse_mode`);
}

/** The caption fields of a media send, checked like Telegram does (at most 1024 characters after parsing). */
export function captionOf(caption: string | undefined, parseMode: string | undefined): { caption?: string } {
  if (!caption) return {};
  const text = visibleText(caption, parseMode);
  if (text.length > 1024) throw failures.badRequest('message caption is too long');
  return text ? { caption: text } : {};
}

/**
 * The file a media parameter names: a file id this bot was given, or an http(s) URL that Telegram downloads. Only
 * loopback URLs are fetched (this emulator talks to nothing else); a multipart upload is not supported.
 */
export async function resolveMedia(
  bot: EmulatedBot,
  value: unknown,
  kind: { folder: string; mimeType: string; extension: string; photo?: boolean },
): Promise<StoredFile> {
  if (typeof value !== 'string' || value === '') throw failures.badRequest(`there is no ${kind.folder} in the request`);
  if (value.startsWith('attach://')) {
    throw failures.badRequest('multipart uploads are not supported by this emulator; send a file id or a URL');
  }
  if (!/^https?:\/\//.test(value)) return bot.files.get(value);
  const url = new URL(value);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw failures.badRequest('wrong file identifier/HTTP URL specified (the emulator fetches loopback URLs only)');
  }
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch {
    throw failures.badRequest('failed to get HTTP URL content');
  }
  if (!response.ok) throw failures.badRequest('failed to get HTTP URL content');
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > (kind.photo ? URL_LIMIT_PHOTO : URL_LIMIT_OTHER)) {
    throw failures.badRequest('failed to get HTTP URL content (file is too big)');
  }
  if (bytes.length === 0) throw failures.badRequest('file must be non-empty');
  const fileName = decodeURIComponent(url.pathname.split('/').pop() ?? '') || undefined;
  const mimeType = response.headers.get('content-type')?.split(';')[0]?.trim() || kind.mimeType;
  return bot.files.add(bytes, {
    folder: kind.folder,
    mimeType,
    extension: fileName?.includes('.') ? (fileName.split('.').pop() ?? kind.extension) : kind.extension,
    ...(fileName ? { fileName } : {}),
  });
}

/** The quoted message of a send (`reply_parameters` or the older `reply_to_message_id`), checked to exist. */
export function replyOf(bot: EmulatedBot, chatId: number, params: Params): { reply_to_message?: Message } {
  const replyParameters = params.json<{ message_id?: number; allow_sending_without_reply?: boolean }>(
    'reply_parameters',
  );
  const id = replyParameters?.message_id ?? params.integer('reply_to_message_id');
  if (id === undefined) return {};
  const quoted = bot.chats.get(chatId)?.messages.get(id);
  if (!quoted) {
    if (replyParameters?.allow_sending_without_reply || params.boolean('allow_sending_without_reply')) return {};
    throw failures.badRequest('message to be replied not found');
  }
  return { reply_to_message: quoted };
}

/** Stores and returns a message the bot sent. */
export function botMessage(bot: EmulatedBot, chatId: number, fields: Record<string, unknown>): Message {
  const entry = bot.chats.get(chatId)!;
  return bot.addMessage(
    chatId,
    (messageId) =>
      ({
        message_id: messageId,
        from: bot.user,
        chat: entry.chat,
        date: Math.floor(Date.now() / 1000),
        ...fields,
      }) as Message,
  );
}

/** The `file_id`/`file_unique_id`/`file_size` triple of a stored file. */
export function fileFields(file: StoredFile, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.length, ...extra };
}

/** Validates a chat action. */
export function checkChatAction(action: unknown): string {
  if (typeof action !== 'string' || !CHAT_ACTIONS.has(action))
    throw failures.badRequest('wrong parameter action in request');
  return action;
}
