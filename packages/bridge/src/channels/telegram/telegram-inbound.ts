import type { ChannelChatKey } from '../../store/ids.js';
import type { ChannelMessageContent, ChannelSender } from '../channel-adapter.js';

/** A file of a customer message, as Telegram names it; the bridge downloads it and serves it from its own URL. */
export interface TelegramFileRef {
  /** Telegram's `file_id`: valid for this bot only, needed for `getFile`. */
  readonly fileId: string;
  /** Telegram's `file_unique_id`: the same file through any bot. */
  readonly fileUniqueId: string;
  readonly fileName: string;
  readonly mimeType: string;
  readonly size?: number;
}

/** A customer message, before the bridge gives its file a URL. */
export interface TelegramInboundMessage {
  readonly kind: 'message';
  /** Telegram's `message_id`: unique within the chat, so the channel message id of this message. */
  readonly channelMessageId: string;
  readonly chatKey: ChannelChatKey;
  readonly sender: ChannelSender & { readonly username?: string };
  /** The content; `media` is filled in by the bridge from {@link TelegramInboundMessage.file}. */
  readonly message: ChannelMessageContent;
  readonly file?: TelegramFileRef;
  /** The quoted message's `message_id`. */
  readonly replyToChannelMessageId?: string;
  /** Telegram's album id: the messages of one album share it and come in order. */
  readonly mediaGroupId?: string;
  readonly sentAt: Date;
}

/** A customer edited a message's text or caption. */
export interface TelegramInboundEdit {
  readonly kind: 'edit';
  readonly channelMessageId: string;
  readonly chatKey: ChannelChatKey;
  readonly senderId: string;
  readonly text: string;
  /** Telegram's `edit_date`: two edits of one message differ by it. */
  readonly editedAt: Date;
}

/** A customer set or removed reactions on a message (a `message_reaction` update). */
export interface TelegramInboundReaction {
  readonly kind: 'reaction';
  readonly channelMessageId: string;
  readonly chatKey: ChannelChatKey;
  readonly senderId: string;
  readonly senderName: string;
  /** Emoji now set that were not before. */
  readonly added: readonly string[];
  /** Emoji set before that are not any more. */
  readonly removed: readonly string[];
  readonly date: Date;
}

/** An update the bridge does not relay, and why (logged). */
export interface TelegramIgnored {
  readonly kind: 'ignored';
  readonly reason: string;
}

/** What one Telegram update means for the bridge. */
export type TelegramInbound = TelegramInboundMessage | TelegramInboundEdit | TelegramInboundReaction | TelegramIgnored;
