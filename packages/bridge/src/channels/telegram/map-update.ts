import type { Message, MessageReactionUpdated, ReactionType, Update, User } from '@grammyjs/types';
import type { ChannelMessageContent } from '../channel-adapter.js';
import { telegramChatKey } from './telegram-chat-key.js';
import type { TelegramFileRef, TelegramInbound, TelegramInboundMessage } from './telegram-inbound.js';

/** The customer's display name: first and last name, else the username, else their id. */
export function displayNameOf(user: User): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return name || (user.username ? `@${user.username}` : `Telegram user ${user.id}`);
}

/** The emoji of a reaction list (custom emoji and paid reactions have none amoCRM could show). */
function emojiOf(reactions: readonly ReactionType[]): string[] {
  return reactions.flatMap((r) => (r.type === 'emoji' ? [r.emoji] : []));
}

interface MappedContent {
  readonly message: ChannelMessageContent;
  readonly file?: TelegramFileRef;
}

const file = (
  f: { file_id: string; file_unique_id: string; file_size?: number },
  fileName: string,
  mimeType: string,
): TelegramFileRef => ({
  fileId: f.file_id,
  fileUniqueId: f.file_unique_id,
  fileName,
  mimeType,
  ...(f.file_size !== undefined ? { size: f.file_size } : {}),
});

/** The amojo content of a Telegram message; a kind amojo has no type for becomes a text saying what it was. */
export function contentOf(m: Message): MappedContent {
  const caption = m.caption ?? '';
  const media = (type: ChannelMessageContent['type'], ref: TelegramFileRef, duration?: number): MappedContent => ({
    message: {
      type,
      text: caption,
      fileName: ref.fileName,
      ...(ref.size !== undefined ? { fileSize: ref.size } : {}),
      ...(duration !== undefined ? { mediaDuration: duration } : {}),
    },
    file: ref,
  });
  if (m.text !== undefined) return { message: { type: 'text', text: m.text } };
  if (m.photo?.length) {
    // Telegram lists every size it made, smallest first: amoCRM gets the original.
    const largest = m.photo.reduce((a, b) =>
      (b.width ?? 0) * (b.height ?? 0) >= (a.width ?? 0) * (a.height ?? 0) ? b : a,
    );
    return media('picture', file(largest, `photo_${largest.file_unique_id}.jpg`, 'image/jpeg'));
  }
  if (m.video) {
    const v = m.video;
    return media(
      'video',
      file(v, v.file_name ?? `video_${v.file_unique_id}.mp4`, v.mime_type ?? 'video/mp4'),
      v.duration,
    );
  }
  if (m.video_note) {
    const v = m.video_note;
    return media('video', file(v, `video_note_${v.file_unique_id}.mp4`, 'video/mp4'), v.duration);
  }
  if (m.animation) {
    const a = m.animation;
    return media(
      'video',
      file(a, a.file_name ?? `animation_${a.file_unique_id}.mp4`, a.mime_type ?? 'video/mp4'),
      a.duration,
    );
  }
  if (m.voice) {
    const v = m.voice;
    return media('voice', file(v, `voice_${v.file_unique_id}.ogg`, v.mime_type ?? 'audio/ogg'), v.duration);
  }
  if (m.audio) {
    const a = m.audio;
    const name = a.file_name ?? `${a.title ?? `audio_${a.file_unique_id}`}.mp3`;
    return media('audio', file(a, name, a.mime_type ?? 'audio/mpeg'), a.duration);
  }
  if (m.document) {
    const d = m.document;
    return media(
      'file',
      file(d, d.file_name ?? `document_${d.file_unique_id}`, d.mime_type ?? 'application/octet-stream'),
    );
  }
  if (m.sticker) {
    const s = m.sticker;
    const [extension, mimeType] = s.is_animated
      ? ['tgs', 'application/x-tgsticker']
      : s.is_video
        ? ['webm', 'video/webm']
        : ['webp', 'image/webp'];
    const mapped = media('sticker', file(s, `sticker_${s.file_unique_id}.${extension}`, mimeType));
    return { ...mapped, message: { ...mapped.message, text: s.emoji ?? '' } };
  }
  if (m.venue) {
    const v = m.venue;
    return {
      message: {
        type: 'location',
        text: [v.title, v.address].filter(Boolean).join(', '),
        location: { lon: v.location.longitude, lat: v.location.latitude },
      },
    };
  }
  if (m.location) {
    return {
      message: { type: 'location', text: '', location: { lon: m.location.longitude, lat: m.location.latitude } },
    };
  }
  if (m.contact) {
    const c = m.contact;
    const name = [c.first_name, c.last_name].filter(Boolean).join(' ');
    return { message: { type: 'contact', text: '', contact: { name, phone: c.phone_number } } };
  }
  if (m.poll)
    return {
      message: { type: 'text', text: `📊 ${m.poll.question}\n${m.poll.options.map((o) => `• ${o.text}`).join('\n')}` },
    };
  if (m.dice) return { message: { type: 'text', text: `${m.dice.emoji} ${m.dice.value}` } };
  const kind =
    Object.keys(m).find((k) => !['message_id', 'from', 'chat', 'date', 'sender_chat'].includes(k)) ?? 'unknown';
  return { message: { type: 'text', text: `[a Telegram "${kind}" message, which amoCRM cannot show]` } };
}

// Service messages (someone joined, a title changed, a payment) are not customer messages.
const SERVICE_FIELDS = [
  'new_chat_members',
  'left_chat_member',
  'new_chat_title',
  'new_chat_photo',
  'delete_chat_photo',
  'group_chat_created',
  'pinned_message',
  'successful_payment',
  'users_shared',
  'chat_shared',
  'write_access_allowed',
  'forum_topic_created',
  'message_auto_delete_timer_changed',
] as const;

function messageOf(botId: number, m: Message): TelegramInbound {
  if (m.chat.type !== 'private') return { kind: 'ignored', reason: `${m.chat.type} chats are not relayed` };
  if (!m.from || m.from.is_bot) return { kind: 'ignored', reason: 'message without a human sender' };
  if (SERVICE_FIELDS.some((field) => field in m)) return { kind: 'ignored', reason: 'service message' };
  const { message, file: ref } = contentOf(m);
  // A contact the customer shares about themself carries their own user id: that phone is theirs.
  const ownPhone = m.contact && m.contact.user_id === m.from.id ? m.contact.phone_number : undefined;
  const sender: TelegramInboundMessage['sender'] = {
    id: String(m.from.id),
    name: displayNameOf(m.from),
    ...(m.from.username ? { username: m.from.username } : {}),
    ...(ownPhone ? { phone: ownPhone.startsWith('+') ? ownPhone : `+${ownPhone}` } : {}),
  };
  return {
    kind: 'message',
    channelMessageId: String(m.message_id),
    chatKey: telegramChatKey(botId, m.chat.id),
    sender,
    message,
    ...(ref ? { file: ref } : {}),
    ...(m.reply_to_message ? { replyToChannelMessageId: String(m.reply_to_message.message_id) } : {}),
    ...(m.media_group_id ? { mediaGroupId: m.media_group_id } : {}),
    sentAt: new Date(m.date * 1000),
  };
}

function editOf(botId: number, m: Message): TelegramInbound {
  if (m.chat.type !== 'private' || !m.from || m.from.is_bot) {
    return { kind: 'ignored', reason: 'edit outside a private chat with a customer' };
  }
  const text = m.text ?? m.caption;
  // Telegram also sends edited_message for a live location moving; amoCRM has nothing to update for that.
  if (text === undefined) return { kind: 'ignored', reason: 'edit without text or caption (e.g. live location)' };
  return {
    kind: 'edit',
    channelMessageId: String(m.message_id),
    chatKey: telegramChatKey(botId, m.chat.id),
    senderId: String(m.from.id),
    text,
    editedAt: new Date((m.edit_date ?? m.date) * 1000),
  };
}

function reactionOf(botId: number, r: MessageReactionUpdated): TelegramInbound {
  if (r.chat.type !== 'private' || !r.user) return { kind: 'ignored', reason: 'reaction outside a private chat' };
  const before = new Set(emojiOf(r.old_reaction));
  const after = new Set(emojiOf(r.new_reaction));
  return {
    kind: 'reaction',
    channelMessageId: String(r.message_id),
    chatKey: telegramChatKey(botId, r.chat.id),
    senderId: String(r.user.id),
    senderName: displayNameOf(r.user),
    added: [...after].filter((e) => !before.has(e)),
    removed: [...before].filter((e) => !after.has(e)),
    date: new Date(r.date * 1000),
  };
}

/** What a Telegram update means for the bridge: a customer message, an edit, a reaction, or nothing (and why). */
export function mapUpdate(botId: number, update: Update): TelegramInbound {
  if (update.message) return messageOf(botId, update.message);
  if (update.edited_message) return editOf(botId, update.edited_message);
  if (update.message_reaction) return reactionOf(botId, update.message_reaction);
  const type = Object.keys(update).find((k) => k !== 'update_id') ?? 'unknown';
  return { kind: 'ignored', reason: `${type} updates are not relayed` };
}

/** The update types the bridge asks Telegram for (`allowed_updates`): reactions are not sent unless asked. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'message_reaction'] as const;
