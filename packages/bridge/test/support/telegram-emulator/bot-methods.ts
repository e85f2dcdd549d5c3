import type { ReactionType } from '@grammyjs/types';
import { failures } from './bot-api-failure.js';
import type { EmulatedBot } from './emulated-bot.js';
import { GET_FILE_LIMIT_BYTES } from './file-store.js';
import type { Params } from './read-params.js';
import {
  botMessage,
  captionOf,
  checkChatAction,
  fileFields,
  REACTION_EMOJI,
  replyOf,
  resolveMedia,
  targetChat,
  visibleText,
} from './send-methods.js';
import { readUpdates } from './updates-methods.js';
import { deleteWebhook, getWebhookInfo, setWebhook } from './webhook-methods.js';

/** What a method handler gets besides its parameters. */
export interface CallContext {
  readonly bot: EmulatedBot;
  readonly params: Params;
  /** Aborted when the client goes away (a long poll stops waiting). */
  readonly signal: AbortSignal;
}

type Handler = (ctx: CallContext) => unknown;

const media =
  (field: string, folder: string, mimeType: string, extension: string, extra: (p: Params) => object = () => ({})) =>
  async ({ bot, params }: CallContext) => {
    const chatId = targetChat(bot, params);
    const file = await resolveMedia(bot, params.raw[field], { folder, mimeType, extension, photo: field === 'photo' });
    const caption = captionOf(params.string('caption'), params.string('parse_mode'));
    const fields =
      field === 'photo'
        ? { photo: [fileFields(file, { width: 1280, height: 1280 })] }
        : {
            [field]: fileFields(file, {
              mime_type: file.mimeType,
              ...(file.fileName && field !== 'voice' ? { file_name: file.fileName } : {}),
              ...extra(params),
            }),
          };
    return botMessage(bot, chatId, { ...fields, ...caption, ...replyOf(bot, chatId, params) });
  };

/** Every Bot API method this emulator answers; any other name is a 404 as on Telegram. */
export const BOT_METHODS: Readonly<Record<string, Handler>> = {
  getMe: ({ bot }) => ({
    ...bot.user,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  }),
  getUpdates: readUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  getFile: ({ bot, params }) => {
    const file = bot.files.get(params.required('file_id', 'file_id is empty'), 'invalid file_id');
    if (file.bytes.length > GET_FILE_LIMIT_BYTES) throw failures.badRequest('file is too big');
    return { ...fileFields(file), file_path: file.filePath };
  },
  sendMessage: ({ bot, params }) => {
    const chatId = targetChat(bot, params);
    const text = visibleText(String(params.required('text', 'message text is empty')), params.string('parse_mode'));
    if (!text.trim()) throw failures.badRequest('message text is empty');
    if (text.length > 4096) throw failures.badRequest('message is too long');
    return botMessage(bot, chatId, { text, ...replyOf(bot, chatId, params) });
  },
  sendPhoto: media('photo', 'photos', 'image/jpeg', 'jpg'),
  sendDocument: media('document', 'documents', 'application/octet-stream', 'bin'),
  sendVideo: media('video', 'videos', 'video/mp4', 'mp4', (p) => ({ duration: p.integer('duration') ?? 0 })),
  sendVoice: media('voice', 'voice', 'audio/ogg', 'oga', (p) => ({ duration: p.integer('duration') ?? 0 })),
  sendAudio: media('audio', 'music', 'audio/mpeg', 'mp3', (p) => ({ duration: p.integer('duration') ?? 0 })),
  sendSticker: media('sticker', 'stickers', 'image/webp', 'webp'),
  sendLocation: ({ bot, params }) => {
    const chatId = targetChat(bot, params);
    const latitude = params.float('latitude');
    const longitude = params.float('longitude');
    if (latitude === undefined || Math.abs(latitude) > 90) throw failures.badRequest('wrong latitude');
    if (longitude === undefined || Math.abs(longitude) > 180) throw failures.badRequest('wrong longitude');
    return botMessage(bot, chatId, { location: { latitude, longitude }, ...replyOf(bot, chatId, params) });
  },
  sendContact: ({ bot, params }) => {
    const chatId = targetChat(bot, params);
    const phone = String(params.required('phone_number', 'phone number is empty'));
    const firstName = String(params.required('first_name', 'first name is empty'));
    return botMessage(bot, chatId, {
      contact: {
        phone_number: phone,
        first_name: firstName,
        ...(params.has('last_name') ? { last_name: params.string('last_name') } : {}),
      },
      ...replyOf(bot, chatId, params),
    });
  },
  sendMediaGroup: async ({ bot, params }) => {
    const chatId = targetChat(bot, params);
    const items = params.json<{ type?: string; media?: string; caption?: string; parse_mode?: string }[]>('media');
    if (!Array.isArray(items) || items.length === 0) throw failures.badRequest('parameter "media" is required');
    if (items.length < 2 || items.length > 10) throw failures.badRequest('wrong number of media items (2-10)');
    const types = new Set(items.map((i) => i.type));
    for (const type of types) {
      if (!['photo', 'video', 'document', 'audio'].includes(String(type))) {
        throw failures.badRequest(`unsupported media type "${type}" in sendMediaGroup`);
      }
    }
    if ((types.has('document') || types.has('audio')) && types.size > 1) {
      throw failures.badRequest('documents and audio files can be only grouped with messages of the same type');
    }
    const groupId = String(20_000_000_000_000 + Math.floor(Math.random() * 1e12));
    const reply = replyOf(bot, chatId, params);
    const resolved = [];
    for (const item of items) {
      const type = item.type!;
      const folder =
        type === 'photo' ? 'photos' : type === 'video' ? 'videos' : type === 'audio' ? 'music' : 'documents';
      const file = await resolveMedia(bot, item.media, {
        folder,
        mimeType: 'application/octet-stream',
        extension: 'bin',
        photo: type === 'photo',
      });
      resolved.push({ type, file, caption: captionOf(item.caption, item.parse_mode) });
    }
    return resolved.map(({ type, file, caption }, index) =>
      botMessage(bot, chatId, {
        media_group_id: groupId,
        ...(type === 'photo'
          ? { photo: [fileFields(file, { width: 1280, height: 1280 })] }
          : { [type]: fileFields(file, { mime_type: file.mimeType }) }),
        ...caption,
        ...(index === 0 ? reply : {}),
      }),
    );
  },
  sendChatAction: ({ bot, params }) => {
    targetChat(bot, params);
    checkChatAction(params.required('action', 'parameter "action" is required'));
    return true;
  },
  setMessageReaction: ({ bot, params }) => {
    const chatId = targetChat(bot, params);
    const messageId = params.integer('message_id');
    if (messageId === undefined) throw failures.badRequest('message_id is empty');
    if (!bot.chats.get(chatId)?.messages.has(messageId)) throw failures.badRequest('MESSAGE_ID_INVALID');
    const reaction = params.json<ReactionType[]>('reaction') ?? [];
    if (!Array.isArray(reaction)) throw failures.badRequest('field "reaction" must be an Array');
    if (reaction.length > 1) throw failures.badRequest('REACTIONS_TOO_MANY');
    for (const r of reaction) {
      if (r.type !== 'emoji' || !REACTION_EMOJI.has(r.emoji)) throw failures.badRequest('REACTION_INVALID');
    }
    bot.botReactions.set(`${chatId}:${messageId}`, reaction);
    return true;
  },
};
