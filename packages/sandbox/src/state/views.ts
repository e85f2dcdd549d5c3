import type { HookLogEntry } from '../hooks/hook-log.js';
import type { ChatRecord, MessageRecord, ParticipantRecord } from './records.js';

/** A chat as the control API and the inbox see it. */
export interface SandboxChatView {
  readonly id: string;
  readonly scopeId: string;
  readonly accountId: string;
  readonly conversationId: string | null;
  readonly sourceExternalId: string | null;
  readonly client: {
    readonly id: string;
    readonly clientId: string | null;
    readonly name: string;
    readonly phone?: string;
    readonly email?: string;
    readonly avatar?: string;
  };
  readonly contactId: number | null;
  readonly leadId: number | null;
  readonly unread: number;
  readonly lastMessageAt: number;
  readonly lastMessageText: string;
  readonly typingUntil: number | null;
}

/** A message as the control API and the inbox see it. */
export interface SandboxMessageView {
  readonly id: string;
  readonly clientId: string | null;
  readonly chatId: string;
  readonly direction: 'in' | 'out';
  readonly author: { readonly id: string; readonly name: string; readonly kind: 'client' | 'manager' | 'bot' };
  readonly type: string;
  readonly text: string;
  readonly media?: string;
  readonly fileName?: string;
  readonly fileSize?: number;
  readonly thumbnail?: string;
  readonly mediaGroupId?: string;
  readonly replyTo: { readonly id: string; readonly text: string } | null;
  /** The forwarded message (`forwards`, at most one): its amojo id when it names a stored one, its text and author. */
  readonly forwarded?: { readonly id: string | null; readonly text: string; readonly author: string | null };
  readonly createdAt: number;
  readonly silent: boolean;
  readonly edited: boolean;
  readonly status: 'sent' | 'delivered' | 'read' | 'error' | null;
  readonly error?: { readonly code: number; readonly text: string };
  readonly reactions: readonly { readonly emoji: string; readonly by: string; readonly byKind: 'client' | 'manager' }[];
  /** Revision: grows with every change of the message, so a page keeps the newest of two views it received. */
  readonly rev: number;
}

/** A live event of the control API's SSE stream. */
export type SandboxEvent =
  | { readonly type: 'chat'; readonly chat: SandboxChatView }
  | { readonly type: 'message'; readonly message: SandboxMessageView }
  | { readonly type: 'typing'; readonly chatId: string; readonly until: number }
  | { readonly type: 'hook'; readonly hook: HookLogEntry }
  | { readonly type: 'crm'; readonly accountAmojoId: string };

/** What `GET /_sandbox/api/config` answers. */
export interface SandboxConfigView {
  readonly accounts: readonly {
    readonly amojoId: string;
    readonly id: number;
    readonly subdomain: string;
    readonly name: string;
    readonly users: readonly { readonly id: number; readonly name: string; readonly amojoId: string | null }[];
  }[];
  readonly channels: readonly {
    readonly id: string;
    readonly name: string;
    readonly code: string;
    readonly reactions: readonly string[];
    readonly writeFirst: boolean;
    readonly hookUrl: string;
  }[];
  readonly scopes: readonly {
    readonly scopeId: string;
    readonly channelId: string;
    readonly accountId: string;
    readonly title: string;
    readonly connected: boolean;
    readonly hookApiVersion: 'v1' | 'v2';
  }[];
}

/** Builds the view of a chat; `contactId` falls back to a REST contact<->chat link. */
export function chatView(chat: ChatRecord, client: ParticipantRecord, linkedContactId: number | null): SandboxChatView {
  return {
    id: chat.id,
    scopeId: chat.scopeId,
    accountId: chat.accountId,
    conversationId: chat.conversationId,
    sourceExternalId: chat.sourceExternalId,
    client: {
      id: client.id,
      clientId: client.clientId,
      name: client.name,
      ...(client.phone === undefined ? {} : { phone: client.phone }),
      ...(client.email === undefined ? {} : { email: client.email }),
      ...(client.avatar === undefined ? {} : { avatar: client.avatar }),
    },
    contactId: chat.contactId ?? linkedContactId,
    leadId: chat.leadId,
    unread: chat.unread,
    lastMessageAt: chat.lastMessageAt,
    lastMessageText: chat.lastMessageText,
    typingUntil: chat.typingUntil,
  };
}

/** Builds the view of a message. */
export function messageView(message: MessageRecord, author: ParticipantRecord): SandboxMessageView {
  return {
    id: message.id,
    clientId: message.clientMsgId,
    chatId: message.chatId,
    direction: message.direction,
    author: { id: author.id, name: author.name, kind: author.kind },
    type: message.type,
    text: message.text,
    ...(message.media === '' ? {} : { media: message.media }),
    ...(message.fileName === '' ? {} : { fileName: message.fileName }),
    ...(message.fileSize === 0 ? {} : { fileSize: message.fileSize }),
    ...(message.thumbnail === '' ? {} : { thumbnail: message.thumbnail }),
    ...(message.mediaGroupId === undefined ? {} : { mediaGroupId: message.mediaGroupId }),
    replyTo: message.replyTo?.id ? { id: message.replyTo.id, text: message.replyTo.text ?? '' } : null,
    ...(message.forwards?.messages[0]
      ? {
          forwarded: {
            id: message.forwards.messages[0].id ?? null,
            text: message.forwards.messages[0].text ?? '',
            author: message.forwards.messages[0].senderName ?? null,
          },
        }
      : {}),
    createdAt: message.createdAt,
    silent: message.silent,
    edited: message.edited,
    status: message.status,
    ...(message.error === undefined ? {} : { error: message.error }),
    reactions: message.reactions.map((r) => ({ emoji: r.emoji, by: r.by, byKind: r.byKind })),
    rev: message.rev ?? 0,
  };
}

/** Text shown as a chat's last message: the text, else a placeholder naming the type. */
export function previewText(message: MessageRecord): string {
  if (message.text !== '') return message.text;
  return message.fileName !== '' ? `[${message.type}] ${message.fileName}` : `[${message.type}]`;
}
