import type { OutboundChannelMessage } from '../channel-adapter.js';
import { escapeHtml } from './escape-html.js';

/** One Bot API call of a delivery. */
export interface TelegramSend {
  readonly method:
    | 'sendMessage'
    | 'sendPhoto'
    | 'sendDocument'
    | 'sendVideo'
    | 'sendVoice'
    | 'sendAudio'
    | 'sendSticker'
    | 'sendLocation'
    | 'sendContact';
  readonly params: Readonly<Record<string, unknown>>;
}

// Bot API limits: a text up to 4096 characters, a caption up to 1024; Telegram downloads a file given by URL up to
// 5 MB for a photo and 20 MB otherwise.
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const URL_PHOTO_LIMIT = 5 * 1024 * 1024;
const URL_FILE_LIMIT = 20 * 1024 * 1024;

/** Splits a text into parts Telegram accepts, at a line break or space where there is one near the limit. */
export function splitText(text: string, limit = TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    const at = cut > limit / 2 ? cut : limit;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^[\n ]/, '');
  }
  if (rest.length || parts.length === 0) parts.push(rest);
  return parts;
}

function replyMarkupOf(buttons: OutboundChannelMessage['message']['buttons']): Record<string, unknown> {
  if (!buttons?.length) return {};
  const rows = buttons.map((row) => row.filter((b) => b.text));
  // Link buttons become inline buttons; buttons without a link are quick replies the customer taps to answer.
  if (rows.every((row) => row.every((b) => b.url))) {
    return { reply_markup: { inline_keyboard: rows.map((row) => row.map((b) => ({ text: b.text, url: b.url }))) } };
  }
  return {
    reply_markup: {
      keyboard: rows.map((row) => row.map((b) => ({ text: b.text }))),
      one_time_keyboard: true,
      resize_keyboard: true,
    },
  };
}

/**
 * The Bot API calls that deliver one manager message, in order. Text is escaped for the HTML parse mode; a text
 * longer than Telegram's limit is split; a caption longer than its limit is sent as a text after the file; a file
 * larger than Telegram downloads from a URL is sent as a link; a big picture goes as a document.
 */
export function mapOutbound(chatId: number, m: OutboundChannelMessage, replyToMessageId?: number): TelegramSend[] {
  const c = m.message;
  const text = c.text ?? '';
  const base = { chat_id: chatId };
  const reply = replyToMessageId
    ? { reply_parameters: { message_id: replyToMessageId, allow_sending_without_reply: true } }
    : {};
  const markup = replyMarkupOf(c.buttons);
  const texts = (value: string, withReply: boolean): TelegramSend[] =>
    splitText(value).map((part, index, all) => ({
      method: 'sendMessage',
      params: {
        ...base,
        text: escapeHtml(part),
        parse_mode: 'HTML',
        ...(withReply && index === 0 ? reply : {}),
        ...(index === all.length - 1 ? markup : {}),
      },
    }));
  if (c.type === 'text') return texts(text, true);
  if (c.type === 'location' && c.location) {
    const point: TelegramSend = {
      method: 'sendLocation',
      params: { ...base, latitude: c.location.lat, longitude: c.location.lon, ...reply, ...(text ? {} : markup) },
    };
    return text ? [point, ...texts(text, false)] : [point];
  }
  if (c.type === 'contact' && c.contact) {
    const [firstName, ...last] = c.contact.name.trim().split(/\s+/);
    const card: TelegramSend = {
      method: 'sendContact',
      params: {
        ...base,
        phone_number: c.contact.phone,
        first_name: firstName || c.contact.phone,
        ...(last.length ? { last_name: last.join(' ') } : {}),
        ...reply,
        ...(text ? {} : markup),
      },
    };
    return text ? [card, ...texts(text, false)] : [card];
  }
  if (!c.media) return texts(text || `[${c.type}]`, true);
  const size = c.fileSize ?? 0;
  if (size > URL_FILE_LIMIT) {
    // Telegram would refuse to download it: the customer gets a link instead (and amoCRM status 1: it was delivered).
    return texts([text, `${c.fileName ?? 'file'}: ${c.media}`].filter(Boolean).join('\n'), true);
  }
  const method: TelegramSend['method'] =
    c.type === 'picture'
      ? size > URL_PHOTO_LIMIT
        ? 'sendDocument'
        : 'sendPhoto'
      : c.type === 'video'
        ? 'sendVideo'
        : c.type === 'voice'
          ? 'sendVoice'
          : c.type === 'audio'
            ? 'sendAudio'
            : c.type === 'sticker'
              ? 'sendSticker'
              : 'sendDocument';
  const field =
    { sendPhoto: 'photo', sendVideo: 'video', sendVoice: 'voice', sendAudio: 'audio', sendSticker: 'sticker' }[
      method as string
    ] ?? 'document';
  const captioned = method !== 'sendSticker' && text.length > 0 && text.length <= CAPTION_LIMIT;
  const send: TelegramSend = {
    method,
    params: {
      ...base,
      [field]: c.media,
      ...(captioned ? { caption: escapeHtml(text), parse_mode: 'HTML' } : {}),
      ...(c.mediaDuration !== undefined && ['sendVideo', 'sendVoice', 'sendAudio'].includes(method)
        ? { duration: c.mediaDuration }
        : {}),
      ...reply,
      ...(captioned || !text ? markup : {}),
    },
  };
  return captioned || !text ? [send] : [send, ...texts(text, false)];
}
