import type { HookMessageV1Body, HookMessageV2Body, HookReactionBody, HookTypingBody } from '../types/hooks.js';
import type {
  AccountAmojoId,
  AmojoChatId,
  AmojoMsgId,
  AmojoUserId,
  ClientMsgId,
  ClientUserId,
  ConversationId,
} from '../types/ids.js';

/** Fields every v2 hook shares, lifted out of the body so callers need not know where each one lives. */
interface HookCommon {
  /** Account amojo_id. */
  readonly accountId: AccountAmojoId;
  /** amojo chat id (`conversation.id`). */
  readonly amojoChatId: AmojoChatId;
  /** The integration's chat id; `undefined` for a "write first" chat that is not bound yet (spec 3.4.7). */
  readonly conversationId: ConversationId | undefined;
}

/** An outgoing message from a manager or a bot (spec 4.2). */
export interface ParsedMessageHook extends HookCommon {
  readonly kind: 'message';
  readonly body: HookMessageV2Body;
  /** amojo message id: the id for {@link AmojoClient.deliveryStatus}. */
  readonly amojoMsgId: AmojoMsgId;
}

/** A manager's answer to a comment, as a comment (spec 4.3). */
export interface ParsedCommentHook extends HookCommon {
  readonly kind: 'comment';
  readonly body: HookMessageV2Body;
  readonly amojoMsgId: AmojoMsgId;
  /** The integration's post id (`message.message.post.id`). */
  readonly postId: string;
}

/** A manager is typing (spec 4.4). */
export interface ParsedTypingHook extends HookCommon {
  readonly kind: 'typing';
  readonly body: HookTypingBody;
  /** amojo id of the typing manager. */
  readonly amojoUserId: AmojoUserId;
  /** Unix seconds when typing is over. */
  readonly expiredAt: number;
}

/** A manager set or removed a reaction (spec 4.5), normalised over the 2023 `message` and the older `msgid` shape. */
export interface ParsedReactionHook extends HookCommon {
  readonly kind: 'reaction';
  readonly body: HookReactionBody;
  /** amojo id of the message reacted to, from `message.id` or else the older `msgid`. */
  readonly amojoMsgId: AmojoMsgId;
  /** The integration's msgid of that message (`message.client_id`); absent for messages created in amoCRM. */
  readonly msgid: ClientMsgId | undefined;
  /** amojo id of the manager. */
  readonly amojoUserId: AmojoUserId;
  readonly type: 'react' | 'unreact';
  /** The emoji; `undefined` on unreact. */
  readonly emoji: string | undefined;
}

/** The deprecated v1 outgoing-message hook (spec 4.6). */
export interface ParsedMessageV1Hook {
  readonly kind: 'message_v1';
  readonly body: HookMessageV1Body;
  /** The integration's chat id. */
  readonly conversationId: ConversationId;
  /** The integration's id of the receiving client. */
  readonly receiverId: ClientUserId;
}

/** Any hook amojo sends to the integration; switch on `kind`. */
export type ParsedHook =
  | ParsedMessageHook
  | ParsedCommentHook
  | ParsedTypingHook
  | ParsedReactionHook
  | ParsedMessageV1Hook;

/** The `kind` of a {@link ParsedHook}. */
export type HookKind = ParsedHook['kind'];
