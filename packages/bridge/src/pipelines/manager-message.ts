import type { HistoryItem, ParsedCommentHook, ParsedMessageHook } from '@amojo-bridge/sdk';
import type { ChannelMessageType } from '../channels/channel-adapter.js';
import {
  type AmojoChatId,
  type AmojoMsgId,
  asAmojoChatId,
  asAmojoMsgId,
  asConversationId,
  type ConversationId,
  type HookRowId,
  type ScopeId,
} from '../store/ids.js';

/**
 * A manager message as the outbound pipeline needs it, the same whether it came from a hook or was recovered from
 * chat history by outbound recovery. It is the payload of a `deliver-to-channel` job, so it is plain JSON.
 */
export interface ManagerMessage {
  readonly scopeId: ScopeId;
  /** amojo message id: the dedup key and the id for delivery_status. */
  readonly amojoMsgId: AmojoMsgId;
  readonly amojoChatId: AmojoChatId;
  /** Our conversation_id; absent for unbound "write first" chats. */
  readonly conversationId?: ConversationId;
  readonly sourceExternalId?: string;
  /** amojo id of the manager or bot. */
  readonly senderAmojoId?: string;
  readonly senderName?: string;
  readonly receiver: {
    readonly amojoId?: string;
    /** Our participant id of the customer (amojo's `receiver.client_id`). */
    readonly participantId?: string;
    readonly name?: string;
    readonly phone?: string;
    readonly email?: string;
  };
  /** Unix ms when the manager sent it. */
  readonly sentAtMs: number;
  readonly content: {
    readonly type: ChannelMessageType;
    readonly text: string;
    readonly media?: string;
    readonly thumbnail?: string;
    readonly fileName?: string;
    readonly fileSize?: number;
    readonly mediaGroupId?: string;
    readonly location?: { readonly lon: number; readonly lat: number };
    readonly contact?: { readonly name: string; readonly phone: string };
    readonly buttons?: readonly (readonly { readonly text: string; readonly url?: string }[])[];
    /** The message the manager forwarded (amojo `forwards`, the first one). */
    readonly forwarded?: { readonly text: string; readonly author?: string; readonly sentAtMs?: number };
  };
  /** amojo id of the message the manager quoted (`reply_to`), when there is one. */
  readonly replyToAmojoMsgId?: AmojoMsgId;
  /** Where it came from: a hook (its row id) or outbound recovery (`reconcile`, the historical name). */
  readonly origin: { readonly via: 'hook'; readonly hookId: HookRowId } | { readonly via: 'reconcile' };
}

const nonEmpty = (value: string | undefined | null): string | undefined => (value ? value : undefined);

/** Builds a {@link ManagerMessage} from a parsed v2 message or comment hook. */
export function managerMessageFromHook(
  scopeId: ScopeId,
  hook: ParsedMessageHook | ParsedCommentHook,
  hookId: HookRowId,
): ManagerMessage {
  const m = hook.body.message;
  const c = m.message;
  return compact<ManagerMessage>({
    scopeId,
    amojoMsgId: asAmojoMsgId(hook.amojoMsgId),
    amojoChatId: asAmojoChatId(hook.amojoChatId),
    conversationId: brandOptional(nonEmpty(hook.conversationId), asConversationId),
    sourceExternalId: nonEmpty(m.source?.external_id),
    senderAmojoId: nonEmpty(m.sender?.id),
    senderName: nonEmpty(m.sender?.name),
    receiver: receiverOf(m.receiver),
    sentAtMs: m.msec_timestamp || m.timestamp * 1000,
    content: compact<ManagerMessage['content']>({
      type: c.type,
      text: c.text ?? '',
      media: nonEmpty(c.media),
      thumbnail: nonEmpty(c.thumbnail),
      fileName: nonEmpty(c.file_name),
      fileSize: c.file_size ? c.file_size : undefined,
      mediaGroupId: nonEmpty(c.media_group_id),
      buttons: c.markup?.buttons?.length ? c.markup.buttons : undefined,
      forwarded: forwardedOf(c.forwards?.messages?.[0]),
    }),
    replyToAmojoMsgId: brandOptional(nonEmpty(c.reply_to?.message?.id), asAmojoMsgId),
    origin: { via: 'hook', hookId },
  });
}

// Hooks and history describe the customer with the same fields (id, client_id, name, phone, email; spec 3.6, 4.2).
function receiverOf(
  user:
    | {
        readonly id?: string;
        readonly client_id?: string;
        readonly name?: string;
        readonly phone?: string;
        readonly email?: string;
      }
    | undefined,
): ManagerMessage['receiver'] {
  return compact<ManagerMessage['receiver']>({
    amojoId: nonEmpty(user?.id),
    participantId: nonEmpty(user?.client_id),
    name: nonEmpty(user?.name),
    phone: nonEmpty(user?.phone),
    email: nonEmpty(user?.email),
  });
}

/** Builds a {@link ManagerMessage} from an outgoing chat history item (spec 3.6). */
export function managerMessageFromHistory(
  scopeId: ScopeId,
  amojoChatId: AmojoChatId,
  conversationId: ConversationId | undefined,
  item: HistoryItem,
): ManagerMessage {
  const c = item.message;
  return compact<ManagerMessage>({
    scopeId,
    amojoMsgId: asAmojoMsgId(c.id),
    amojoChatId,
    conversationId,
    senderAmojoId: nonEmpty(item.sender?.id),
    senderName: nonEmpty(item.sender?.name),
    receiver: receiverOf(item.receiver),
    sentAtMs: item.msec_timestamp ?? item.timestamp * 1000,
    content: compact<ManagerMessage['content']>({
      type: c.type,
      text: c.text ?? '',
      media: nonEmpty(c.media),
      thumbnail: nonEmpty(c.thumbnail),
      fileName: nonEmpty(c.file_name),
      fileSize: c.file_size ? c.file_size : undefined,
      mediaGroupId: nonEmpty(c.media_group_id),
      location: c.location,
      contact: c.contact,
    }),
    origin: { via: 'reconcile' },
  });
}

/** The first forwarded message of a hook as the channels get it: its text (or file name, or type) and author. */
function forwardedOf(
  e:
    | {
        readonly text?: string;
        readonly file_name?: string;
        readonly type?: string;
        readonly msec_timestamp?: number;
        readonly sender?: { readonly name?: string };
      }
    | undefined,
): ManagerMessage['content']['forwarded'] {
  if (!e) return undefined;
  return compact({
    text: e.text || e.file_name || e.type || '',
    author: nonEmpty(e.sender?.name),
    sentAtMs: e.msec_timestamp || undefined,
  });
}

/** Brands a value that may be absent. */
const brandOptional = <B>(value: string | undefined, as: (id: string) => B): B | undefined =>
  value === undefined ? undefined : as(value);

/** Drops `undefined` fields so the object satisfies `exactOptionalPropertyTypes` and serialises compactly. */
function compact<T>(value: object): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
