// Inputs of AmojoClient methods: camelCase options objects named in the protocol's own words (msgid,
// conversationId, conversationRefId, refId, sourceExternalId). The client turns them into the snake_case wire bodies
// of spec section 3; AmojoInputError paths name the option (e.g. `message.fileName`).
import type { ClientOptions } from '../http/client-options.js';
import type { DeliveryErrorCode } from '../types/chats.js';
import type {
  AccountAmojoId,
  AmojoChatId,
  AmojoMsgId,
  AmojoUserId,
  ChannelId,
  ClientMsgId,
  ClientUserId,
  ConversationId,
} from '../types/ids.js';

/** Options of {@link AmojoClient}: the channel's credentials plus the shared client options. */
export interface AmojoClientOptions extends ClientOptions {
  /** Channel UUID issued by amoCRM support. */
  readonly channelId: ChannelId;
  /** Channel secret (HMAC key for requests and hooks). Never logged. */
  readonly channelSecret: string;
}

/** Input of {@link AmojoClient.connect} (spec 3.1). */
export interface ConnectOptions {
  /** The account's amojo_id (UUID from `GET /api/v4/account?with=amojo_id`), not the numeric account id. */
  readonly accountId: AccountAmojoId;
  /** Name shown in the account; defaults to the channel name. */
  readonly title?: string;
  /** Version of outgoing-message hooks; default `'v2'` (v1 is deprecated). */
  readonly hookApiVersion?: 'v1' | 'v2';
  /** Turns off the channel's reply time window for this account. */
  readonly isTimeWindowDisabled?: boolean;
}

/** Input of {@link AmojoClient.disconnect} (spec 3.2). */
export interface DisconnectOptions {
  /** The account's amojo_id. */
  readonly accountId: AccountAmojoId;
}

/** A chat participant as the integration describes it (spec 3.4.3). */
export interface ParticipantInput {
  /** The integration's own participant id. */
  readonly id: ClientUserId;
  /** amojo participant id: a manager's amojo_id, the channel bot id, or the client's amojo id ("write first"). */
  readonly refId?: AmojoUserId;
  readonly name: string;
  /** Public URL amoCRM downloads the avatar from. */
  readonly avatar?: string;
  /** Contact data written to the new amoCRM contact and used for duplicate control. */
  readonly profile?: { readonly phone?: string; readonly email?: string };
  /** Profile in the external messenger. */
  readonly profileLink?: string;
}

/** Input of {@link AmojoClient.createChat} (spec 3.3). */
export interface CreateChatOptions {
  /** The integration's chat id; a known one returns the existing chat. */
  readonly conversationId: ConversationId;
  /** The client. */
  readonly user: ParticipantInput;
  /** Source of the chat (1-40 printable ASCII characters); its pipeline gets the lead of the first message. */
  readonly sourceExternalId?: string;
}

/** Fields every message content may carry. */
interface ContentBase {
  /** Text, or the caption of a media message. */
  readonly text?: string;
  /** WhatsApp List Message answer: `callback_data` of the chosen row (spec 3.4.4, 4.2). */
  readonly callbackData?: string;
  /** Link preview attached to the message. */
  readonly sharedPost?: {
    readonly url: string;
    readonly previewLink?: string;
    readonly previewPermalink?: string;
    readonly siteName?: string;
  };
}
/** A text message. */
export interface TextContent extends ContentBase {
  readonly type: 'text';
  readonly text: string;
}
/** A file, video or picture: `media`, `fileName` and `fileSize` are required (spec 3.4.4). */
export interface FileContent extends ContentBase {
  readonly type: 'file' | 'video' | 'picture';
  /** URL amoCRM downloads the file from. */
  readonly media: string;
  readonly fileName: string;
  /** Size in bytes. */
  readonly fileSize: number;
  /** Duration in seconds (video). */
  readonly mediaDuration?: number;
}
/** A voice note, audio file or sticker: only `media` is required. */
export interface AudioContent extends ContentBase {
  readonly type: 'voice' | 'audio' | 'sticker';
  readonly media: string;
  readonly fileName?: string;
  readonly fileSize?: number;
  readonly mediaDuration?: number;
  /** Account-independent sticker id. */
  readonly stickerId?: string;
}
/** A geographic point. */
export interface LocationContent extends ContentBase {
  readonly type: 'location';
  readonly location: { readonly lon: number; readonly lat: number };
}
/** A shared phone contact. */
export interface ContactContent extends ContentBase {
  readonly type: 'contact';
  readonly contact: { readonly name: string; readonly phone: string };
}
/** Content of a new message; the required fields depend on `type` (spec 3.4.4). */
export type MessageContent = TextContent | FileContent | AudioContent | LocationContent | ContactContent;

/** A quoted or forwarded message: give `amojoMsgId` or `msgid`, or describe it fully (spec 3.4.5). */
export interface EmbeddedMessageInput {
  /** amojo id of the quoted message; amojo fills in everything else. */
  readonly amojoMsgId?: AmojoMsgId;
  /** The integration's msgid of the quoted message; amojo fills in everything else. */
  readonly msgid?: ClientMsgId;
  readonly type?: MessageContent['type'];
  readonly text?: string;
  readonly fileName?: string;
  readonly fileSize?: number;
  readonly mediaDuration?: number;
  readonly location?: { readonly lon: number; readonly lat: number };
  readonly contact?: { readonly name: string; readonly phone: string };
  /** Unix milliseconds of the quoted message (`timestamp` is derived). */
  readonly msecTimestamp?: number;
  /** Author of the quote: `id` or `refId`, else `name`. */
  readonly sender?: { readonly id?: ClientUserId; readonly refId?: AmojoUserId; readonly name?: string };
}

/** Input of {@link AmojoClient.sendMessage}: a new incoming or outgoing message (spec 3.4). */
export interface SendMessageOptions {
  /**
   * The integration's message id. Required: choose it once and store it BEFORE the first attempt, so every retry
   * (in this call or after a crash) sends the same id and amojo can refuse the duplicate instead of posting twice.
   */
  readonly msgid: ClientMsgId;
  /** The integration's chat id; a new one creates the chat. */
  readonly conversationId: ConversationId;
  /** amojo chat id; with `sender.refId` it binds a "write first" chat on the client's first answer (spec 3.4.7). */
  readonly conversationRefId?: AmojoChatId;
  /** When the message was written, unix milliseconds; default now. Pass the stored value when re-sending. */
  readonly msecTimestamp?: number;
  /** `true` imports without an unsorted lead or notifications. Always sent; default `false`. */
  readonly silent?: boolean;
  /** Source of the chat (`source.external_id`, 1-40 printable ASCII characters). */
  readonly sourceExternalId?: string;
  /** Incoming: the client. Outgoing: the manager (`refId` = user amojo_id) or the channel bot (`refId` = bot id). */
  readonly sender: ParticipantInput;
  /** The client, for outgoing messages only; then `sender.refId` is required. */
  readonly receiver?: ParticipantInput;
  readonly message: MessageContent;
  /** Quote-reply to a message of the same chat. */
  readonly replyTo?: EmbeddedMessageInput;
  /** Forwarded message (currently at most one) from any chat of the integration. */
  readonly forwards?: {
    readonly messages: readonly EmbeddedMessageInput[];
    readonly conversationRefId?: AmojoChatId;
    readonly conversationId?: ConversationId;
  };
}

/** Content of an edit: only `type` is required; media fields may be omitted when the file is unchanged. */
export interface EditMessageContent {
  readonly type: MessageContent['type'];
  readonly text?: string;
  readonly media?: string;
  readonly fileName?: string;
  readonly fileSize?: number;
  readonly mediaDuration?: number;
  readonly stickerId?: string;
  readonly location?: { readonly lon: number; readonly lat: number };
  readonly contact?: { readonly name: string; readonly phone: string };
}

/** Input of {@link AmojoClient.editMessage} (spec 3.4, `edit_message`). */
export interface EditMessageOptions {
  /** The integration's msgid of the message; with `amojoMsgId` it becomes the message's new msgid. */
  readonly msgid?: ClientMsgId;
  /** amojo id of the message to edit. At least one of `msgid` and `amojoMsgId` is required. */
  readonly amojoMsgId?: AmojoMsgId;
  /** The integration's chat id. */
  readonly conversationId: ConversationId;
  /** Time of the edit, unix milliseconds; default now. */
  readonly msecTimestamp?: number;
  readonly message: EditMessageContent;
  /** Delivery status carried inside the edit (spec 3.4.4). */
  readonly deliveryStatus?: DeliveryStatusOptions;
}

/** The post a comment belongs to (spec 3.4.6). */
export interface CommentPostInput {
  /** The post id on the integration side. */
  readonly id: string;
  readonly url: string;
  /** Temporary preview link. */
  readonly previewUrl?: string;
  /** Permanent preview link. */
  readonly previewPermalink?: string;
  /** Post author. */
  readonly username?: string;
  readonly caption?: string;
}

/** Input of {@link AmojoClient.sendComment}: a comment under a post (spec 3.4.6). */
export interface SendCommentOptions {
  /** The integration's message id; required and stable, as for {@link SendMessageOptions.msgid}. */
  readonly msgid: ClientMsgId;
  readonly conversationId: ConversationId;
  readonly msecTimestamp?: number;
  readonly silent?: boolean;
  readonly sourceExternalId?: string;
  /** The commenting client (incoming) or the manager with `refId` (outgoing). */
  readonly sender: ParticipantInput;
  /** The client, for outgoing comments only. */
  readonly receiver?: ParticipantInput;
  readonly message: MessageContent;
  readonly post: CommentPostInput;
}

/** Delivery status of a message sent from amoCRM (spec 3.5). */
export interface DeliveryStatusOptions {
  /** 1 delivered, 2 read, -1 failed. */
  readonly status: 1 | 2 | -1;
  /** Required for -1: 901 chat deleted, 902 integration disabled, 903 internal error, 904 cannot create chat, 905 other. */
  readonly errorCode?: DeliveryErrorCode;
  /** Text shown to the manager; required with 905. */
  readonly error?: string;
}

/** Input of {@link AmojoClient.getHistory} (spec 3.6). */
export interface HistoryOptions {
  /** Records to skip; default 0. */
  readonly offset?: number;
  /** Page size, 1..50; default 50. */
  readonly limit?: number;
}

/** Input of {@link AmojoClient.iterateHistory}. */
export interface IterateHistoryOptions {
  /** Page size, 1..50; default 50. */
  readonly pageSize?: number;
  /** Records to skip before the first page; default 0. */
  readonly offset?: number;
}

/** Input of {@link AmojoClient.typing} (spec 3.7). */
export interface TypingOptions {
  readonly conversationId: ConversationId;
  /** The integration's id of the typing client. */
  readonly senderId: ClientUserId;
  /** How long the animation lasts, ms; amojo's default is 5000. */
  readonly durationMs?: number;
}

/** Input of {@link AmojoClient.unreact} (spec 3.8): which message, and who. */
export interface UnreactOptions {
  /** The integration's chat id; or give `conversationRefId`. */
  readonly conversationId?: ConversationId;
  /** amojo chat id; or give `conversationId`. */
  readonly conversationRefId?: AmojoChatId;
  /** amojo id of the message; or give `msgid`. */
  readonly amojoMsgId?: AmojoMsgId;
  /** The integration's msgid of the message; or give `amojoMsgId`. */
  readonly msgid?: ClientMsgId;
  /** Who reacts: the client (`id`) or a manager (`refId` = user amojo_id). */
  readonly user: { readonly id?: ClientUserId; readonly refId?: AmojoUserId };
}

/** Input of {@link AmojoClient.react}: as {@link UnreactOptions} plus the emoji. */
export interface ReactOptions extends UnreactOptions {
  /** The emoji, e.g. `'😍'`; the set a channel supports is declared at registration. */
  readonly emoji: string;
}
