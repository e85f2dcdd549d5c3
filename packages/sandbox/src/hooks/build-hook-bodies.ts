import type { HookEmbeddedMessage, HookMessageV1Body, HookReactionBody, HookTypingBody } from '@amojo-bridge/sdk';
import type { ChatRecord, EmbeddedRecord, MessageRecord, ParticipantRecord, ScopeRecord } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';

function conversation(chat: ChatRecord) {
  // An unbound "write first" chat has no client_id (spec 3.4.7).
  return chat.conversationId === null ? { id: chat.id } : { id: chat.id, client_id: chat.conversationId };
}

function receiverOf(p: ParticipantRecord) {
  return {
    id: p.id,
    name: p.name,
    // Spec 4.2: "" when no profile was sent.
    phone: p.phone ?? '',
    email: p.email ?? '',
    ...(p.clientId === null ? {} : { client_id: p.clientId }),
  };
}

function senderOf(p: ParticipantRecord) {
  return { id: p.id, name: p.name, ...(p.clientId === null ? {} : { client_id: p.clientId }) };
}

function embedded(state: SandboxState, e: EmbeddedRecord): HookEmbeddedMessage {
  const sender = e.senderId ? state.participants.get(e.senderId) : undefined;
  return {
    id: e.id ?? '',
    ...(e.msgid === undefined ? {} : { msgid: e.msgid }),
    type: e.type ?? 'text',
    text: e.text ?? '',
    media: e.media ?? '',
    thumbnail: '',
    file_name: e.fileName ?? '',
    file_size: e.fileSize ?? 0,
    timestamp: e.timestamp ?? 0,
    msec_timestamp: e.msecTimestamp ?? 0,
    ...(sender
      ? { sender: senderOf(sender) }
      : e.senderName
        ? { sender: { id: e.senderId ?? '', name: e.senderName } }
        : {}),
  };
}

// Guide, "Внедрение множественных источников", stage 1: hooks of a chat no source is pinned to carry the external_id
// of the channel integration's default source, when it has one; a pinned chat carries its own.
function sourceOf(state: SandboxState, scope: ScopeRecord, chat: ChatRecord): { source?: { external_id: string } } {
  if (chat.sourceExternalId !== null) return { source: { external_id: chat.sourceExternalId } };
  const clientIds = state.crm.config.integrations.filter((i) => i.channelId === scope.channelId).map((i) => i.clientId);
  const fallback = state.crm.sourceStore.all(scope.accountId).find((s) => s.default && clientIds.includes(s.clientId));
  return fallback ? { source: { external_id: fallback.external_id } } : {};
}

/** The v2 outgoing-message hook of spec 4.2 (4.3 when the message answers a comment), keys in the seed's order. */
export function messageHookBody(state: SandboxState, scope: ScopeRecord, chat: ChatRecord, m: MessageRecord) {
  const receiver = state.participant(m.receiverId ?? chat.clientParticipantId);
  const sender = state.participant(m.senderId);
  const content = {
    id: m.id,
    type: m.type,
    text: m.text,
    // Managers cannot pick tags for third-party channels: always "" (spec 4.2).
    tag: '',
    media: m.media,
    thumbnail: m.thumbnail,
    file_name: m.fileName,
    file_size: m.fileSize,
    ...(m.mediaGroupId === undefined ? {} : { media_group_id: m.mediaGroupId }),
    ...(m.markup !== undefined ? { markup: m.markup } : m.post ? { markup: null } : {}),
    ...(m.template === undefined ? {} : { template: m.template }),
    ...(m.replyTo ? { reply_to: { message: embedded(state, m.replyTo) } } : {}),
    ...(m.forwards
      ? {
          forwards: {
            messages: m.forwards.messages.map((e) => embedded(state, e)),
            ...(m.forwards.conversationRefId ? { conversation_ref_id: m.forwards.conversationRefId } : {}),
          },
        }
      : {}),
    ...(m.post ? { post: { id: m.post.id } } : {}),
  };
  return {
    account_id: scope.accountId,
    time: Math.floor(state.nowMs() / 1000),
    message: {
      receiver: receiverOf(receiver),
      sender: senderOf(sender),
      conversation: conversation(chat),
      ...sourceOf(state, scope, chat),
      timestamp: Math.floor(m.createdAt / 1000),
      msec_timestamp: m.createdAt,
      message: content,
    },
  };
}

/** The deprecated v1 hook (spec 4.6), for scopes connected with `hook_api_version: "v1"`. */
export function messageHookV1Body(state: SandboxState, chat: ChatRecord, m: MessageRecord): HookMessageV1Body {
  const receiver = state.participant(m.receiverId ?? chat.clientParticipantId);
  return {
    receiver: receiver.clientId ?? '',
    conversation_id: chat.conversationId ?? '',
    type: m.type,
    text: m.text,
    media: m.media,
    thumbnail: m.thumbnail,
    file_name: m.fileName,
    file_size: m.fileSize,
    msec_timestamp: m.createdAt,
  };
}

/** The manager typing hook (spec 4.4): `expired_at` = now + 5 s. */
export function typingHookBody(
  state: SandboxState,
  scope: ScopeRecord,
  chat: ChatRecord,
  userId: string,
  postId?: string,
): HookTypingBody {
  const now = Math.floor(state.nowMs() / 1000);
  return {
    account_id: scope.accountId,
    time: now,
    action: {
      typing: {
        user: { id: userId },
        conversation: conversation(chat),
        expired_at: now + 5,
        ...(postId === undefined ? {} : { post_id: postId }),
      },
    },
  };
}

/** The manager reaction hook (spec 4.5) with both the 2023 `message` object and the older `msgid`. */
export function reactionHookBody(
  state: SandboxState,
  scope: ScopeRecord,
  chat: ChatRecord,
  m: MessageRecord,
  userId: string,
  type: 'react' | 'unreact',
  emoji?: string,
): HookReactionBody {
  // An incoming message has no receiver of its own: the hook names the reacting manager as its sender and the
  // client as receiver (as amojo does), never the client twice.
  const incoming = m.receiverId === null;
  const manager = incoming ? state.participants.get(userId) : undefined;
  const sender = manager ?? state.participant(m.senderId);
  const receiver = state.participant(incoming ? chat.clientParticipantId : (m.receiverId ?? chat.clientParticipantId));
  return {
    account_id: scope.accountId,
    time: Math.floor(state.nowMs() / 1000),
    action: {
      reaction: {
        message: {
          id: m.id,
          ...(m.clientMsgId === null ? {} : { client_id: m.clientMsgId }),
          sender: senderOf(sender),
          receiver: senderOf(receiver),
          timestamp: Math.floor(m.createdAt / 1000),
          msec_timestamp: m.createdAt,
        },
        msgid: m.id,
        user: { id: userId },
        conversation: conversation(chat),
        type,
        ...(type === 'react' && emoji !== undefined ? { emoji } : {}),
      },
    },
  };
}
