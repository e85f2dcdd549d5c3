import { basename } from 'node:path';
import type { ImportContent, ImportItem } from './import-message.js';

/** The chat a Telegram message belongs to (read before its `messages` array). */
export interface TelegramChat {
  readonly id: number | string;
  readonly name: string;
  readonly type: string;
  /** `--chat-key` for a single-chat export, else the Telegram peer id. */
  readonly chatKey: string;
}

// The fields of Telegram Desktop's "Machine-readable JSON" export this importer reads.
interface TelegramExportMessage {
  readonly id?: number;
  readonly type?: string;
  readonly date?: string;
  readonly date_unixtime?: string;
  readonly from?: string | null;
  readonly from_id?: string;
  readonly action?: string;
  readonly text?: string | readonly (string | { readonly text?: string })[];
  readonly photo?: string;
  readonly photo_file_size?: number;
  readonly file?: string;
  readonly file_name?: string;
  readonly file_size?: number;
  readonly mime_type?: string;
  readonly media_type?: string;
  readonly duration_seconds?: number;
  readonly sticker_emoji?: string;
  readonly location_information?: { readonly latitude?: number; readonly longitude?: number };
  readonly contact_information?: {
    readonly first_name?: string;
    readonly last_name?: string;
    readonly phone_number?: string;
  };
  readonly poll?: unknown;
  readonly game_title?: string;
  readonly invoice_information?: unknown;
}

/** Text given as a string or as an array of plain strings and entity objects (`{type, text}`). */
export function telegramText(text: TelegramExportMessage['text']): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return text.map((part) => (typeof part === 'string' ? part : (part.text ?? ''))).join('');
}

/** `date_unixtime` (exports since 2021) or `date`, which older exports give in the exporting computer's local time. */
function sentAtOf(message: TelegramExportMessage): number {
  if (message.date_unixtime && /^\d+$/.test(message.date_unixtime)) return Number(message.date_unixtime) * 1000;
  return message.date ? new Date(message.date).getTime() : Number.NaN;
}

// A file left out of the export: "(File not included. Change data exporting settings to download.)" and
// "(File exceeds maximum size. Change data exporting settings to download.)".
const notIncluded = (path: string | undefined): boolean => path?.startsWith('(') ?? false;

const MEDIA_TYPES: Readonly<Record<string, 'voice' | 'audio' | 'video' | 'sticker'>> = {
  voice_message: 'voice',
  audio_file: 'audio',
  video_file: 'video',
  video_message: 'video',
  animation: 'video',
  sticker: 'sticker',
};

/** The message's content, or why it cannot be imported. */
function contentOf(message: TelegramExportMessage, text: string): ImportContent | { readonly skip: string } {
  if (message.photo !== undefined) {
    if (notIncluded(message.photo)) return { skip: 'the photo is not included in the export' };
    return {
      type: 'picture',
      text,
      media: { path: message.photo },
      fileName: basename(message.photo),
      fileSize: message.photo_file_size,
    };
  }
  if (message.file !== undefined) {
    if (notIncluded(message.file)) return { skip: `the ${message.media_type ?? 'file'} is not included in the export` };
    const type = (message.media_type && MEDIA_TYPES[message.media_type]) || 'file';
    return {
      type,
      text: type === 'sticker' ? '' : text,
      media: { path: message.file },
      fileName: message.file_name ?? basename(message.file),
      fileSize: message.file_size,
      mimeType: message.mime_type,
      mediaDuration: message.duration_seconds,
    };
  }
  const geo = message.location_information;
  if (geo && typeof geo.latitude === 'number' && typeof geo.longitude === 'number') {
    return { type: 'location', text, location: { lat: geo.latitude, lon: geo.longitude } };
  }
  const contact = message.contact_information;
  if (contact?.phone_number) {
    const name = [contact.first_name, contact.last_name].filter(Boolean).join(' ') || contact.phone_number;
    return { type: 'contact', text, contact: { name, phone: contact.phone_number } };
  }
  if (message.poll !== undefined) return { skip: 'polls have no Chats API message type' };
  if (message.game_title !== undefined) return { skip: 'games have no Chats API message type' };
  if (message.invoice_information !== undefined) return { skip: 'invoices have no Chats API message type' };
  if (!text) return { skip: 'empty message (no text and no content the export includes)' };
  return { type: 'text', text };
}

/**
 * One message of a personal chat as an import item: from the peer (`from_id` = `user<chat id>`) it is incoming,
 * otherwise it is the exporting account's, outgoing from the manager named `from`. Service messages (calls,
 * pins, ...) are skipped. Edited messages carry their final text only (the export keeps no earlier versions).
 */
export function telegramItem(chat: TelegramChat, message: TelegramExportMessage, index: number): ImportItem {
  const position = `chat ${chat.id} message ${message.id ?? `#${index}`}`;
  if (message.type === 'service') {
    return {
      kind: 'skipped',
      position,
      chatKey: chat.chatKey,
      reason: `service message (${message.action ?? 'no action'})`,
    };
  }
  if (typeof message.id !== 'number')
    return { kind: 'error', position, chatKey: chat.chatKey, reason: 'id: expected a number' };
  const sentAt = sentAtOf(message);
  if (!Number.isFinite(sentAt)) {
    return { kind: 'error', position, chatKey: chat.chatKey, reason: 'date: expected date_unixtime or an ISO date' };
  }
  const content = contentOf(message, telegramText(message.text));
  if ('skip' in content) return { kind: 'skipped', position, chatKey: chat.chatKey, reason: content.skip };
  const incoming = message.from_id === `user${chat.id}`;
  return {
    kind: 'message',
    position,
    chatKey: chat.chatKey,
    messageKey: `tg:${message.id}`,
    customer: { id: String(chat.id), name: chat.name || `Telegram ${chat.id}` },
    direction: incoming ? 'in' : 'out-manager',
    manager: incoming ? undefined : { name: message.from ?? undefined },
    sentAt,
    content,
  };
}
