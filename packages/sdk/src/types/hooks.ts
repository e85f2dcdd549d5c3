import type { AccountAmojoId, AmojoChatId, AmojoMsgId } from './ids.js';

/** A participant as hooks show it: `id` is amojo's, `client_id` the integration's (spec 4.2). */
export interface HookUser {
  readonly id: string;
  readonly client_id?: string;
  readonly name?: string;
  readonly phone?: string;
  readonly email?: string;
}
/** A chat as hooks show it; `client_id` is absent for unbound "write first" chats. */
export interface HookConversation {
  readonly id: AmojoChatId;
  readonly client_id?: string;
}
/** A keyboard button (spec 4.2). */
export interface HookButton {
  readonly text: string;
  readonly url?: string;
}
/** WhatsApp-style List Message (spec 4.2). */
export interface HookListMessage {
  readonly header?: string;
  readonly body: string;
  readonly footer?: string;
  readonly button: string;
  readonly sections: readonly {
    readonly title: string;
    readonly rows: readonly { readonly callback_data: string; readonly title: string; readonly description?: string }[];
  }[];
}
/** Keyboard of a hook message (spec 4.2). */
export interface HookMarkup {
  readonly mode?: 'inline';
  readonly buttons?: readonly (readonly HookButton[])[];
  readonly list_message?: HookListMessage;
}
/** Template information of a hook message (spec 4.2). */
export interface HookTemplate {
  readonly id: number;
  readonly external_id?: string;
  readonly content: string;
  readonly params: readonly { readonly key: string; readonly value: string }[];
}
/** A quoted message inside a hook (spec 4.2); only `id` is guaranteed, the rest may be missing (spec 4.1). */
export interface HookEmbeddedMessage {
  readonly id: AmojoMsgId;
  readonly msgid?: string;
  readonly type?: string;
  readonly text?: string;
  readonly media?: string;
  readonly thumbnail?: string;
  readonly file_name?: string;
  readonly file_size?: number;
  readonly timestamp?: number;
  readonly msec_timestamp?: number;
  readonly sender?: HookUser;
  readonly receiver?: HookUser;
}
/** Message types a v2 hook may carry (spec 4.2). */
export type HookMessageType = 'text' | 'file' | 'video' | 'picture' | 'voice' | 'audio' | 'sticker';
/** The inner `message.message` of a v2 hook. */
export interface HookMessageContent {
  readonly id: AmojoMsgId;
  /** One of {@link HookMessageType}; an unknown type is passed through so it can be refused with delivery status 905. */
  readonly type: HookMessageType | (string & {});
  /** May be empty for media; `''` when amojo left it out. */
  readonly text: string;
  readonly tag?: string;
  readonly media?: string;
  readonly thumbnail?: string;
  readonly file_name?: string;
  readonly file_size?: number;
  readonly media_group_id?: string;
  readonly markup?: HookMarkup | null;
  readonly template?: HookTemplate;
  readonly reply_to?: { readonly message: HookEmbeddedMessage };
  readonly forwards?: { readonly messages: readonly HookEmbeddedMessage[]; readonly conversation_ref_id?: string };
  readonly post?: { readonly id: string };
}
/** Body of the v2 outgoing-message hook (spec 4.2) and of the comment-reply hook (4.3). */
export interface HookMessageV2Body {
  readonly account_id: AccountAmojoId;
  readonly time: number;
  readonly message: {
    readonly conversation: HookConversation;
    readonly source?: { readonly external_id: string };
    readonly sender: HookUser;
    readonly receiver: HookUser;
    readonly timestamp: number;
    readonly msec_timestamp: number;
    readonly message: HookMessageContent;
  };
}
/** Body of the manager typing hook (spec 4.4). */
export interface HookTypingBody {
  readonly account_id: AccountAmojoId;
  readonly time: number;
  readonly action: {
    readonly typing: {
      readonly user: { readonly id: string };
      readonly conversation: HookConversation;
      readonly expired_at: number;
      readonly post_id?: string;
    };
  };
}
/** Body of the manager reaction hook (spec 4.5); both the 2023 `message` and the older `msgid` shape. */
export interface HookReactionBody {
  readonly account_id: AccountAmojoId;
  readonly time: number;
  readonly action: {
    readonly reaction: {
      readonly message?: {
        readonly id: AmojoMsgId;
        readonly client_id?: string;
        readonly sender?: HookUser;
        readonly receiver?: HookUser;
        readonly timestamp?: number;
        readonly msec_timestamp?: number;
      };
      readonly msgid?: string;
      readonly user: { readonly id: string };
      readonly conversation: HookConversation;
      readonly type: 'react' | 'unreact';
      readonly emoji?: string;
    };
  };
}
/** Body of the deprecated v1 message hook (spec 4.6). */
export interface HookMessageV1Body {
  readonly receiver: string;
  readonly conversation_id: string;
  readonly type: string;
  readonly text?: string;
  readonly media?: string;
  readonly thumbnail?: string;
  readonly file_name?: string;
  readonly file_size?: number;
  readonly msec_timestamp?: number;
}
