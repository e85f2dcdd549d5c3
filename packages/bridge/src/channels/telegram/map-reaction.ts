import type { ReactionTypeEmoji } from '@grammyjs/types';

/** Emoji a bot may set with `setMessageReaction` (Bot API `ReactionTypeEmoji`). */
export const TELEGRAM_REACTION_EMOJI: ReadonlySet<string> = new Set(
  '👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤‍🔥 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 👨‍💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 🤷‍♂ 🤷 🤷‍♀ 😡'.split(
    ' ',
  ),
);

/**
 * The Telegram form of an emoji from amoCRM: Telegram's list has no variation selector (U+FE0F), amoCRM's emoji
 * often do ("❤️" is "❤" + U+FE0F). Undefined when Telegram does not allow a bot to react with it.
 */
export function telegramReactionEmoji(emoji: string): ReactionTypeEmoji['emoji'] | undefined {
  const bare = emoji.replace(/\uFE0F/g, '');
  return TELEGRAM_REACTION_EMOJI.has(bare) ? (bare as ReactionTypeEmoji['emoji']) : undefined;
}

/** The `reaction` parameter of `setMessageReaction` for a manager's react (one emoji) or unreact (none). */
export function reactionParam(type: 'react' | 'unreact', emoji: string | undefined): ReactionTypeEmoji[] | undefined {
  if (type === 'unreact') return [];
  const allowed = emoji ? telegramReactionEmoji(emoji) : undefined;
  return allowed ? [{ type: 'emoji', emoji: allowed }] : undefined;
}

// Telegram writes these without the emoji variation selector (U+FE0F) that amoCRM's reaction lists carry.
const WITH_VARIATION_SELECTOR: Readonly<Record<string, string>> = {
  '❤': '❤️',
  '❤‍🔥': '❤️‍🔥',
  '☃': '☃️',
  '✍': '✍️',
  '🕊': '🕊️',
  '🤷‍♂': '🤷‍♂️',
  '🤷‍♀': '🤷‍♀️',
};

/** The amoCRM form of a customer's Telegram reaction (❤ -> ❤️). */
export function amojoReactionEmoji(emoji: string): string {
  return WITH_VARIATION_SELECTOR[emoji] ?? emoji;
}
