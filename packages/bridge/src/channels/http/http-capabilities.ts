import type { ChannelMessageType } from '../channel-adapter.js';
import type { HttpSettings } from './http-settings.js';

/** What the `http` channel carries unless an instance says otherwise: everything but edits. */
export const HTTP_DEFAULT_CAPABILITIES = {
  text: true,
  picture: true,
  file: true,
  video: true,
  voice: true,
  audio: true,
  sticker: true,
  location: true,
  contact: true,
  typing: true,
  reactions: true,
} as const satisfies Record<ChannelMessageType | 'typing' | 'reactions', boolean>;

/** What one instance carries. */
export type HttpCapabilities = { readonly [K in keyof typeof HTTP_DEFAULT_CAPABILITIES]: boolean };

/**
 * The capabilities of one instance: the defaults overridden by `settings.capabilities`, so a customer system that
 * cannot show video says so once and the bridge reports 905 to amoCRM instead of posting it.
 */
export function httpCapabilitiesOf(settings: Pick<HttpSettings, 'capabilities'>): HttpCapabilities {
  const result: Record<string, boolean> = { ...HTTP_DEFAULT_CAPABILITIES };
  for (const [key, value] of Object.entries(settings.capabilities ?? {})) {
    if (key in HTTP_DEFAULT_CAPABILITIES && typeof value === 'boolean') result[key] = value;
  }
  return result as HttpCapabilities;
}

/**
 * The reactions a customer may send when the instance sets no `reactionEmoji`: the set the sandbox's channel declares
 * by default. amoCRM accepts only the emoji its channel declared at registration, so set `reactionEmoji` to that list.
 */
export const HTTP_DEFAULT_REACTION_EMOJI: readonly string[] = ['👍', '❤️', '😂', '😮', '😢', '🙏', '🔥', '😍'];

const bare = (emoji: string) => emoji.replace(/\uFE0F/g, '');

/**
 * The declared form of a customer's emoji, or undefined when it is not in the instance's set. A missing or extra
 * variation selector (U+FE0F, e.g. "❤" for "❤️") still matches: keyboards differ in sending it.
 */
export function declaredReactionEmoji(
  settings: Pick<HttpSettings, 'reactionEmoji'>,
  emoji: string,
): string | undefined {
  const declared = settings.reactionEmoji ?? HTTP_DEFAULT_REACTION_EMOJI;
  return declared.find((candidate) => bare(candidate) === bare(emoji));
}

/** The instance's declared reactions, for a refusal message. */
export function reactionEmojiOf(settings: Pick<HttpSettings, 'reactionEmoji'>): readonly string[] {
  return settings.reactionEmoji ?? HTTP_DEFAULT_REACTION_EMOJI;
}
