import type {
  AccountAmojoId,
  AmojoChatId,
  AmojoMsgId,
  AmojoUserId,
  ClientMsgId,
  ConversationId,
  ScopeId,
} from './ids.js';

/** Message types of the Chats API (spec 3.4.4). */
export type MessageType =
  | 'text'
  | 'contact'
  | 'file'
  | 'video'
  | 'picture'
  | 'voice'
  | 'audio'
  | 'sticker'
  | 'location';
/** All message types, in documentation order. */
export const MESSAGE_TYPES: readonly MessageType[] = [
  'text',
  'contact',
  'file',
  'video',
  'picture',
  'voice',
  'audio',
  'sticker',
  'location',
];

/** Contact data of a participant; written to the new amoCRM contact. */
export interface Profile {
  readonly phone?: string;
  readonly email?: string;
}
/** `sender` / `receiver` of a message request (spec 3.4.3). */
export interface Participant {
  /** Integration participant id. */
  readonly id: string;
  /** amojo participant id (manager amojo_id, bot id, or the client's amojo id for "write first"). */
  readonly ref_id?: AmojoUserId;
  readonly name: string;
  readonly avatar?: string;
  readonly profile?: Profile;
  readonly profile_link?: string;
}
/** Sender of a quoted message: `id` or `ref_id`, else `name` (spec 3.4.5). */
export interface EmbeddedUser {
  readonly id?: string;
  readonly ref_id?: string;
  readonly name?: string;
}
/** Geographic point. */
export interface Location {
  readonly lon: number;
  readonly lat: number;
}
/** A shared phone contact. */
export interface ContactCard {
  readonly name: string;
  readonly phone: string;
}
/** A quoted or forwarded message (spec 3.4.5). */
export interface EmbeddedMessage {
  readonly id?: AmojoMsgId;
  readonly msgid?: ClientMsgId;
  readonly type?: MessageType;
  readonly text?: string;
  readonly file_name?: string;
  readonly file_size?: number;
  readonly media_duration?: number;
  readonly location?: Location;
  readonly contact?: ContactCard;
  readonly timestamp?: number;
  readonly msec_timestamp?: number;
  readonly sender?: EmbeddedUser;
}
/** Post a comment belongs to (spec 3.4.6). */
export interface CommentPost {
  readonly id: string;
  readonly url: string;
  readonly preview_url?: string;
  readonly preview_permalink?: string;
  readonly username?: string;
  readonly caption?: string;
}
/** A link preview attached to a message. */
export interface SharedPost {
  readonly url: string;
  readonly preview_link?: string;
  readonly preview_permalink?: string;
  readonly type: 'post';
  readonly site_name?: string;
}
/** Delivery status carried inside an edit (spec 3.4.4). */
export interface EditDeliveryStatus {
  readonly status_code: number;
  readonly error_code?: number;
  readonly error?: string;
}
/** The `message` object of a message request (spec 3.4.4). */
export interface OutMessage {
  readonly type: MessageType;
  readonly text?: string;
  readonly media?: string;
  readonly file_name?: string;
  readonly file_size?: number;
  readonly media_duration?: number;
  readonly sticker_id?: string;
  readonly location?: Location;
  readonly contact?: ContactCard;
  readonly callback_data?: string;
  readonly shared_post?: SharedPost;
  readonly delivery_status?: EditDeliveryStatus;
  readonly post?: CommentPost;
}
/** Quote-reply (spec 3.4.5). */
export interface ReplyTo {
  readonly message: EmbeddedMessage;
}
/** Forwarded messages (spec 3.4.5). */
export interface Forwards {
  readonly messages: readonly EmbeddedMessage[];
  readonly conversation_ref_id?: AmojoChatId;
  readonly conversation_id?: ConversationId;
}
/** `payload` of `POST /v2/origin/custom/{scope_id}` (spec 3.4.2). */
export interface MessagePayload {
  readonly timestamp: number;
  readonly msec_timestamp: number;
  readonly msgid?: ClientMsgId;
  readonly id?: AmojoMsgId;
  readonly conversation_id: ConversationId;
  readonly conversation_ref_id?: AmojoChatId;
  readonly silent?: boolean;
  readonly source?: { readonly external_id: string };
  readonly sender?: Participant;
  readonly receiver?: Participant;
  readonly message: OutMessage;
  readonly reply_to?: ReplyTo;
  readonly forwards?: Forwards;
}
/** Body of `POST /v2/origin/custom/{scope_id}` (spec 3.4.1). */
export interface MessageRequest {
  readonly event_type: 'new_message' | 'edit_message';
  readonly payload: MessagePayload;
}
/** Answer to a message request (spec 3.4.8); only `msgid` and `ref_id` are guaranteed. */
export interface NewMessageResponse {
  readonly new_message: {
    /** amojo message id. */
    readonly msgid: AmojoMsgId;
    /** The integration's msgid, echoed. */
    readonly ref_id: ClientMsgId;
    readonly conversation_id?: string;
    readonly sender_id?: string;
    readonly receiver_id?: string | null;
  };
}
/** amojo's error envelope (spec 3.0). */
export interface AmojoErrorBody {
  readonly status: 0;
  readonly error_code: number;
  readonly error_type: string;
  readonly error_description: string;
}
/** Body of connect (spec 3.1). */
export interface ConnectRequest {
  readonly account_id: AccountAmojoId;
  readonly hook_api_version: 'v1' | 'v2';
  readonly title?: string;
  readonly is_time_window_disabled?: boolean;
}
/** Answer to connect (spec 3.1). */
export interface ConnectResponse {
  readonly account_id: AccountAmojoId;
  readonly scope_id: ScopeId;
  readonly title: string;
  readonly hook_api_version: 'v1' | 'v2';
  readonly is_time_window_disabled?: boolean;
}
/** Body of disconnect (spec 3.2). */
export interface DisconnectRequest {
  readonly account_id: AccountAmojoId;
}
/** Body of create chat (spec 3.3). */
export interface CreateChatRequest {
  readonly conversation_id: ConversationId;
  readonly source?: { readonly external_id: string };
  readonly user: Participant;
}
/** Answer to create chat (spec 3.3); phone/email may be flat or under `profile`. */
export interface CreateChatResponse {
  /** amojo chat id. */
  readonly id: AmojoChatId;
  readonly user: {
    readonly id: AmojoUserId;
    readonly client_id?: string;
    readonly name: string;
    readonly avatar?: string;
    readonly phone?: string;
    readonly email?: string;
    readonly profile?: Profile;
  };
}
/** Delivery status codes (spec 3.5): 1 delivered, 2 read, -1 error. */
export type DeliveryStatusCode = 1 | 2 | -1;
/** Error codes for status -1 (spec 3.5). */
export type DeliveryErrorCode = 901 | 902 | 903 | 904 | 905;
/** Body of delivery_status as the SDK sends it: both documented shapes at once (spec 3.5, 8.1). */
export interface DeliveryStatusRequest {
  readonly msgid: AmojoMsgId;
  readonly delivery_status: DeliveryStatusCode;
  readonly status_code?: DeliveryStatusCode;
  readonly error_code?: DeliveryErrorCode;
  readonly error?: string;
}
/** Participant as history shows it (spec 3.6). */
export interface HistoryUser {
  readonly id: AmojoUserId;
  readonly client_id?: string;
  readonly name?: string;
  readonly avatar?: string;
  readonly phone?: string;
  readonly email?: string;
}
/** One message of chat history (spec 3.6). */
export interface HistoryItem {
  readonly timestamp: number;
  readonly msec_timestamp?: number;
  readonly sender?: HistoryUser;
  readonly receiver?: HistoryUser;
  readonly message: {
    readonly id: AmojoMsgId;
    readonly client_id?: ClientMsgId;
    readonly type: MessageType;
    readonly text?: string;
    readonly media?: string;
    readonly thumbnail?: string;
    readonly file_name?: string;
    readonly file_size?: number;
    readonly media_group_id?: string;
    readonly location?: Location;
    readonly contact?: ContactCard;
  };
}
/** Answer of history (spec 3.6). */
export interface HistoryResponse {
  readonly messages: readonly HistoryItem[];
}
/** Body of typing (spec 3.7). */
export interface TypingRequest {
  readonly conversation_id: ConversationId;
  readonly sender: { readonly id: string };
  readonly duration_ms?: number;
}
/** Body of react (spec 3.8). */
export interface ReactRequest {
  readonly conversation_id?: ConversationId;
  readonly conversation_ref_id?: AmojoChatId;
  readonly id?: AmojoMsgId;
  readonly msgid?: ClientMsgId;
  readonly user: { readonly id?: string; readonly ref_id?: AmojoUserId };
  readonly type: 'react' | 'unreact';
  readonly emoji?: string;
}
