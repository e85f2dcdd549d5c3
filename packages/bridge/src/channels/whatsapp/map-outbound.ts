import type { OutboundChannelMessage } from '../channel-adapter.js';

type Body = Record<string, unknown>;

/** The text a message shows: its text plus its URL buttons as "label: url" lines (WhatsApp text has no buttons). */
export function textWithButtons(message: OutboundChannelMessage['message']): string {
  const lines = (message.buttons ?? []).flat().map((b) => (b.url ? `${b.text}: ${b.url}` : b.text));
  return [message.text ?? '', ...lines].filter((l) => l.trim() !== '').join('\n');
}

/**
 * The Graph API send bodies of one manager message (`to` and `biz_opaque_callback_data` added by the adapter). Most
 * types are one body; audio, voice and sticker take no caption on WhatsApp, so their text goes first as its own
 * text message. Media is sent by `link`: Meta downloads the amojo file URL itself.
 */
export function mapOutbound(message: OutboundChannelMessage['message']): Body[] {
  const text = textWithButtons(message);
  const caption = text ? { caption: text } : {};
  const textFirst: Body[] = text ? [{ type: 'text', text: { body: text, preview_url: true } }] : [];
  switch (message.type) {
    case 'text':
      return [{ type: 'text', text: { body: text, preview_url: true } }];
    case 'picture':
      return [{ type: 'image', image: { link: message.media, ...caption } }];
    case 'video':
      return [{ type: 'video', video: { link: message.media, ...caption } }];
    case 'file':
      return [
        {
          type: 'document',
          document: { link: message.media, ...(message.fileName ? { filename: message.fileName } : {}), ...caption },
        },
      ];
    case 'voice':
    case 'audio':
      return [...textFirst, { type: 'audio', audio: { link: message.media } }];
    case 'sticker':
      return [...textFirst, { type: 'sticker', sticker: { link: message.media } }];
    case 'location':
      return [
        {
          type: 'location',
          location: {
            latitude: message.location?.lat,
            longitude: message.location?.lon,
            ...(text ? { name: text } : {}),
          },
        },
      ];
    case 'contact':
      return [
        {
          type: 'contacts',
          contacts: [
            {
              name: { formatted_name: message.contact?.name, first_name: message.contact?.name },
              phones: [{ phone: message.contact?.phone, type: 'CELL' }],
            },
          ],
        },
      ];
  }
}

/** What a template's `{{1}}` carries for a message outside the window: its text, or a description and the link. */
export function templateParameterOf(message: OutboundChannelMessage['message']): string {
  const text = textWithButtons(message);
  const parts = [text];
  if (message.media) parts.push(message.fileName ? `${message.fileName}: ${message.media}` : message.media);
  if (message.location) parts.push(`https://maps.google.com/?q=${message.location.lat},${message.location.lon}`);
  if (message.contact) parts.push(`${message.contact.name} ${message.contact.phone}`);
  // WhatsApp refuses newlines, tabs and more than 4 consecutive spaces in template parameters.
  return parts
    .filter((p) => p.trim() !== '')
    .join(' — ')
    .replace(/[\n\t]+/g, ' ')
    .replace(/ {4,}/g, '   ')
    .slice(0, 1024);
}
