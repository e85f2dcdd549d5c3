import type { ChannelMessageType, OutboundChannelMessage } from '../channels/channel-adapter.js';

type Content = OutboundChannelMessage['message'];

/** One rule: a manager message of `type` goes as `needs` instead, when the channel carries `needs` but not `type`. */
export interface ContentFallbackRule {
  /** The content type the channel lacks. */
  readonly type: ChannelMessageType;
  /** What the channel must carry for this rule to apply. */
  readonly needs: ChannelMessageType;
  /** What the customer gets, in words (the README's table). */
  readonly result: string;
  /** The substitute content, or undefined when the message lacks what the rule needs (then the next rule). */
  apply(content: Content): Content | undefined;
}

const withCaption = (caption: string | undefined, line: string) => (caption ? `${caption}\n${line}` : line);

/** Media the channel cannot show: the caption and a download link, as text. */
const linkText =
  (type: ChannelMessageType) =>
  (content: Content): Content | undefined =>
    content.media
      ? { type: 'text', text: withCaption(content.text, `${content.fileName ?? type}: ${content.media}`) }
      : undefined;

/**
 * The fallbacks for content a channel lacks, tried in order; the first that applies wins. A message no rule applies
 * to is refused with -1/905 naming the type. A message sent through a fallback is reported delivered (1): the
 * customer got its substitute; the log says which rule was used.
 */
export const CONTENT_FALLBACKS: readonly ContentFallbackRule[] = [
  {
    type: 'sticker',
    needs: 'picture',
    result: 'the sticker as a picture',
    apply: (c) =>
      c.media
        ? { type: 'picture', media: c.media, fileName: c.fileName ?? 'sticker.webp', fileSize: c.fileSize ?? 0 }
        : undefined,
  },
  ...(['sticker', 'picture', 'video', 'file', 'voice', 'audio'] as const).map(
    (type): ContentFallbackRule => ({
      type,
      needs: 'text',
      result: 'a text: the caption, then "<file name>: <download link>"',
      apply: linkText(type),
    }),
  ),
  {
    type: 'location',
    needs: 'text',
    result: 'a text with an OpenStreetMap link to the point',
    apply: (c) =>
      c.location
        ? {
            type: 'text',
            text: withCaption(
              c.text,
              `https://www.openstreetmap.org/?mlat=${c.location.lat}&mlon=${c.location.lon}#map=16/${c.location.lat}/${c.location.lon}`,
            ),
          }
        : undefined,
  },
  {
    type: 'contact',
    needs: 'text',
    result: 'a text "<name>: <phone>"',
    apply: (c) =>
      c.contact ? { type: 'text', text: withCaption(c.text, `${c.contact.name}: ${c.contact.phone}`) } : undefined,
  },
];

const MEDIA: readonly ChannelMessageType[] = ['picture', 'file', 'video', 'voice', 'audio', 'sticker'];

/**
 * Why the content cannot go as it is: a type the channel lacks, or a file over its `maxFileBytes` (then only the
 * text rules apply: another media type would carry the same file).
 */
export function unsendableReason(
  content: Content,
  channel: { readonly capabilities: Readonly<Record<ChannelMessageType, boolean>>; readonly maxFileBytes?: number },
): { readonly why: string; readonly carries: Readonly<Record<ChannelMessageType, boolean>> } | undefined {
  if (!channel.capabilities[content.type]) {
    return { why: `${content.type} messages are not supported`, carries: channel.capabilities };
  }
  const limit = channel.maxFileBytes;
  if (
    MEDIA.includes(content.type) &&
    limit !== undefined &&
    content.fileSize !== undefined &&
    content.fileSize > limit
  ) {
    const carries = { ...channel.capabilities };
    for (const type of MEDIA) carries[type] = false;
    return {
      why: `a ${content.type} of ${content.fileSize} bytes is over the channel's limit of ${limit}`,
      carries,
    };
  }
  return undefined;
}

/** The substitute for content the channel lacks and the rule that made it, or undefined when no rule applies. */
export function contentFallback(
  content: Content,
  carries: Readonly<Record<ChannelMessageType, boolean>>,
): { readonly content: Content; readonly rule: ContentFallbackRule } | undefined {
  for (const rule of CONTENT_FALLBACKS) {
    if (rule.type !== content.type || !carries[rule.needs]) continue;
    const substitute = rule.apply(content);
    if (substitute) return { content: substitute, rule };
  }
  return undefined;
}

/**
 * A forwarded message for a channel that cannot show one: "Forwarded from <author>:" and its text, then the
 * manager's own text (or caption), in one text. The message is reported as delivered: the customer got it all.
 */
export function forwardedIntoText(content: Content): Content {
  const { forwarded, ...rest } = content;
  if (!forwarded) return content;
  const head = forwarded.author ? `Forwarded from ${forwarded.author}:` : 'Forwarded message:';
  const quoted = `${head}\n${forwarded.text}`;
  return { ...rest, text: rest.text ? `${quoted}\n\n${rest.text}` : quoted };
}
