import type { ChannelMessageContent } from '../channel-adapter.js';
import type { WebchatWireMessage, WebchatWireQuote } from './webchat-protocol.js';

/** Input of {@link toWireMessage}. */
export interface ToWireMessageInput {
  readonly id: string;
  readonly clientId?: string | null;
  readonly direction: 'in' | 'out';
  readonly content: ChannelMessageContent;
  readonly author?: string | null;
  readonly sentAt: number;
  readonly read?: boolean;
  readonly reactions?: readonly string[];
  readonly myReaction?: string | undefined;
  readonly replyTo?: WebchatWireQuote | undefined;
}

/** A message in the widget's shape; a location becomes a map link, a shared contact a line of text. */
export function toWireMessage(input: ToWireMessageInput): WebchatWireMessage {
  const c = input.content;
  let text = c.text ?? '';
  let media = c.media;
  if (c.type === 'location' && c.location) {
    text ||= `${c.location.lat}, ${c.location.lon}`;
    media = `https://www.openstreetmap.org/?mlat=${c.location.lat}&mlon=${c.location.lon}`;
  }
  if (c.type === 'contact' && c.contact)
    text = [text, `${c.contact.name} ${c.contact.phone}`].filter(Boolean).join('\n');
  return {
    id: input.id,
    ...(input.clientId ? { clientId: input.clientId } : {}),
    direction: input.direction,
    type: c.type,
    text,
    ...(media ? { media } : {}),
    ...(c.fileName ? { fileName: c.fileName } : {}),
    ...(c.fileSize !== undefined ? { fileSize: c.fileSize } : {}),
    ...(input.author ? { author: input.author } : {}),
    sentAt: input.sentAt,
    ...(input.direction === 'out' ? { read: input.read ?? false } : {}),
    ...(input.reactions?.length ? { reactions: input.reactions } : {}),
    ...(input.myReaction ? { myReaction: input.myReaction } : {}),
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    ...(c.forwarded
      ? { forwarded: { text: c.forwarded.text, ...(c.forwarded.author ? { author: c.forwarded.author } : {}) } }
      : {}),
  };
}
