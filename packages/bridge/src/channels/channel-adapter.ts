import type { DeliveryErrorCode } from '@amojo-bridge/sdk';
import type { AccountRowId, ChannelChatKey, ChannelInstanceKey, ChannelInstanceRowId, Msgid } from '../store/ids.js';

/** The message types a channel can carry (the Chats API's own list, spec 3.4.4), in that list's order. */
export const CHANNEL_MESSAGE_TYPES = [
  'text',
  'picture',
  'file',
  'video',
  'voice',
  'audio',
  'sticker',
  'location',
  'contact',
] as const;

/** One of {@link CHANNEL_MESSAGE_TYPES}. */
export type ChannelMessageType = (typeof CHANNEL_MESSAGE_TYPES)[number];

/** A channel instance as adapters see it: one configured messenger endpoint, one amoCRM source. */
export interface ChannelInstanceRecord<Settings = Readonly<Record<string, unknown>>> {
  /** Public key of the instance (`channel_instances.key`, the `:instance` path segment of the http channel). */
  readonly key: ChannelInstanceKey;
  /** `channel_instances.id`. */
  readonly rowId: ChannelInstanceRowId;
  readonly kind: string;
  readonly name: string | null;
  /** Account (`accounts.id`) the instance belongs to; null when not attached to an account. */
  readonly accountId: AccountRowId | null;
  /** Kind-specific settings, parsed by the plugin's schema, secret settings decrypted; never log them whole. */
  readonly settings: Settings;
  /** Shared secret for signatures; never logged. */
  readonly secret: string | null;
}

/** Content of a message in either direction, in the protocol's field names but camelCase. */
export interface ChannelMessageContent {
  readonly type: ChannelMessageType;
  readonly text?: string;
  /** Public URL of the file for media types. */
  readonly media?: string;
  readonly fileName?: string;
  readonly fileSize?: number;
  readonly mediaDuration?: number;
  readonly location?: { readonly lon: number; readonly lat: number };
  readonly contact?: { readonly name: string; readonly phone: string };
  /** A message forwarded inside this one (amojo `forwards`, at most one); channels without forwards show only `text`. */
  readonly forwarded?: ChannelForwarded;
}

/** A forwarded message: what it said and who wrote it, as far as the other side knows. */
export interface ChannelForwarded {
  readonly text: string;
  /** Who wrote the original. */
  readonly author?: string;
  /** When the original was written, unix ms. */
  readonly sentAtMs?: number;
  /**
   * Inbound only: the id of the original as the customer system knows it (an `eventId`, or a manager message's id);
   * when the bridge relayed that message, amoCRM links the forward to it.
   */
  readonly messageId?: string;
}

/** The customer as a messenger identifies them. */
export interface ChannelSender {
  /** The messenger's id of the customer, stable within the instance. */
  readonly id: string;
  readonly name: string;
  readonly phone?: string;
  readonly email?: string;
  readonly avatar?: string;
  /** The customer's profile in the messenger (e.g. `https://t.me/<username>`), shown in amoCRM. */
  readonly profileLink?: string;
}

/** A customer message received by an adapter. */
export interface InboundChannelMessage {
  readonly kind: 'message';
  readonly instanceId: ChannelInstanceKey;
  /** The messenger's id of this event; the same id twice is one message. */
  readonly eventId: string;
  /** The messenger's id of the conversation (one customer chat). */
  readonly chatKey: ChannelChatKey;
  /** The customer: the author of an incoming message, the recipient of an `outgoing` one. */
  readonly sender: ChannelSender;
  /**
   * Set for a message the business sent outside amoCRM (mirrored): it is stored and delivered to amojo as outgoing
   * from the amoCRM user `userAmojoId` (their amojo id), or from the channel bot without one, and not sent back to
   * the channel.
   */
  readonly outgoing?: { readonly userAmojoId?: string | undefined; readonly name?: string | undefined } | undefined;
  readonly message: ChannelMessageContent;
  /** When it was sent. */
  readonly sentAt: Date;
  /**
   * The messenger's id of the message this one quotes: a customer message's `eventId`, or the `channelMessageId` a
   * send answered for a manager message. Sent to amoCRM as `reply_to` when the bridge knows that message.
   */
  readonly replyToEventId?: string;
}

/** The customer edited one of their messages (its new text or caption). */
export interface InboundEdit {
  readonly kind: 'edit';
  readonly instanceId: ChannelInstanceKey;
  /** The messenger's id of this edit: two edits of one message differ, a redelivered edit has the same id. */
  readonly eventId: string;
  readonly chatKey: ChannelChatKey;
  /** The edited message's `eventId`. */
  readonly messageEventId: string;
  readonly text: string;
  readonly editedAt: Date;
}

/** The customer set (`react`) or removed (`unreact`) a reaction on a message of their chat. */
export interface InboundReaction {
  readonly kind: 'reaction';
  readonly instanceId: ChannelInstanceKey;
  /** The messenger's id of this change; a redelivered one has the same id. */
  readonly eventId: string;
  readonly chatKey: ChannelChatKey;
  readonly senderId: string;
  /** The message's id in the messenger: a customer message's `eventId` or a manager message's `channelMessageId`. */
  readonly messageEventId: string;
  readonly type: 'react' | 'unreact';
  readonly emoji: string;
}

/** The customer read a manager message; `messageId` is the id the bridge gave it when sending. */
export interface InboundReadReceipt {
  readonly kind: 'read';
  readonly instanceId: ChannelInstanceKey;
  readonly messageId: Msgid;
}

/**
 * The messenger reported, after it had accepted a manager message, that the message did not reach the customer
 * (WhatsApp's asynchronous `failed` status). Final: amoCRM is told -1 with the reason even after it showed 1.
 */
export interface InboundDeliveryFailure {
  readonly kind: 'failed';
  readonly instanceId: ChannelInstanceKey;
  /** The id the bridge gave the message when sending. */
  readonly messageId: Msgid;
  readonly errorCode: ChannelErrorCode;
  /** Shown to the manager in amoCRM. */
  readonly reason: string;
}

/** The customer is typing (ephemeral: dropped when stale, never retried). */
export interface InboundTyping {
  readonly kind: 'typing';
  readonly instanceId: ChannelInstanceKey;
  readonly chatKey: ChannelChatKey;
  readonly senderId: string;
}

/** Every event an adapter hands to the bridge. */
export type InboundChannelEvent =
  | InboundChannelMessage
  | InboundReadReceipt
  | InboundDeliveryFailure
  | InboundTyping
  | InboundEdit
  | InboundReaction;

/** What `ChannelRuntime.receive` resolves with, after the commit. */
export interface ReceiveResult {
  /** Our message id (`msgid`) for a message; the receipt's message id for a read receipt; empty for typing. */
  readonly messageId: string;
  /** True when the event had been received before (nothing new was stored). */
  readonly duplicate: boolean;
}

/** Where a manager message goes: the customer and their conversation as the messenger knows them. */
export interface ChannelRecipient {
  readonly chatKey: ChannelChatKey;
  /** The messenger's customer id; absent for "write first" chats that only know a phone. */
  readonly id?: string;
  readonly name?: string;
  readonly phone?: string;
  readonly email?: string;
}

/** A manager message to deliver. */
export interface OutboundChannelMessage {
  /** Our stable id of the message; the same on every attempt, so receivers can deduplicate. */
  readonly messageId: Msgid;
  readonly recipient: ChannelRecipient;
  readonly sender: { readonly id: string; readonly name?: string };
  readonly message: ChannelMessageContent & {
    readonly thumbnail?: string;
    readonly mediaGroupId?: string;
    readonly buttons?: readonly (readonly { readonly text: string; readonly url?: string }[])[];
  };
  readonly sentAt: Date;
  /** The message the manager quoted, when the bridge knows it: our id, and the messenger's id when it has one. */
  readonly replyTo?: { readonly messageId: Msgid; readonly channelMessageId?: string };
}

/** A manager is typing. */
export interface OutboundTyping {
  readonly eventId: string;
  readonly recipient: ChannelRecipient;
  readonly senderId: string;
  readonly expiresAt: Date;
}

/** A manager set or removed a reaction on a message. */
export interface OutboundReaction {
  readonly eventId: string;
  readonly recipient: ChannelRecipient;
  /** Our id of the message reacted to. */
  readonly messageId: Msgid;
  /** The messenger's id of that message (a customer message's `eventId`, or what `send` answered), when known. */
  readonly channelMessageId?: string;
  readonly type: 'react' | 'unreact';
  readonly emoji?: string;
  readonly senderId: string;
}

/** Error codes of delivery_status -1 (spec 3.5; the SDK's `DeliveryErrorCode`): the one list; 905 is "other". */
export const CHANNEL_ERROR_CODES = [901, 902, 903, 904, 905] as const satisfies readonly DeliveryErrorCode[];

/** One of {@link CHANNEL_ERROR_CODES}. */
export type ChannelErrorCode = (typeof CHANNEL_ERROR_CODES)[number];

/** Whether `value` (a stored or received number) is one of {@link CHANNEL_ERROR_CODES}. */
export function isChannelErrorCode(value: unknown): value is ChannelErrorCode {
  return CHANNEL_ERROR_CODES.some((code) => code === value);
}

/** Outcome of one send: accepted, or refused with a 90x code and a human reason (retryable or not). */
export type ChannelSendResult =
  | {
      readonly ok: true;
      readonly channelMessageId?: string;
      /**
       * The messenger's own key of this customer's chat, when the send taught it (WhatsApp answers the `wa_id` of
       * the phone it was given). A "write first" chat keyed by the phone takes it, so the customer's reply (which
       * carries that key) lands in the same chat instead of opening a second one.
       */
      readonly chatKey?: ChannelChatKey;
    }
  | {
      readonly ok: false;
      readonly errorCode: ChannelErrorCode;
      readonly reason: string;
      readonly retryable: boolean;
      /** For a retryable refusal: the least delay before the next attempt the messenger asked for, ms. */
      readonly retryAfterMs?: number;
      /**
       * Set when the refusal is about the whole instance rather than this message, in a way the code alone does not
       * say (`channels/health/`): the business number blocked or restricted by the messenger (`number_blocked`), or
       * credentials refused under another code than 902 (`bad_credentials`). 902 already means bad credentials.
       */
      readonly channelProblem?: 'bad_credentials' | 'number_blocked';
    };
