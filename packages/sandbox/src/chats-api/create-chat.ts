import { randomUUID } from 'node:crypto';
import type { ChatRecord, ParticipantRecord, ScopeRecord } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import type { ChatsAnswer, ChatsContext, ScopeCall } from './chats-context.js';
import { optSource, reqObject, reqString } from './read-fields.js';
import { readParticipant, upsertClient } from './upsert-client.js';

/** Creates a chat record in a scope (bound when `conversationId` is given). */
export function newChat(
  state: SandboxState,
  scope: ScopeRecord,
  conversationId: string | null,
  client: ParticipantRecord,
  sourceExternalId: string | undefined,
): ChatRecord {
  const now = state.nowMs();
  const chat: ChatRecord = {
    id: randomUUID(),
    scopeId: scope.scopeId,
    accountId: scope.accountId,
    channelId: scope.channelId,
    conversationId,
    sourceExternalId: sourceExternalId ?? null,
    clientParticipantId: client.id,
    contactId: null,
    leadId: null,
    unread: 0,
    lastMessageAt: now,
    lastMessageText: '',
    typingUntil: null,
    messageCount: 0,
    createdAt: now,
  };
  state.putChat(chat);
  return chat;
}

/** Sets a chat's source unless one is already set: a tagged chat keeps its source for good (spec 1.3). */
export function tagSource(chat: ChatRecord, sourceExternalId: string | undefined): void {
  if (sourceExternalId !== undefined && chat.sourceExternalId === null) chat.sourceExternalId = sourceExternalId;
}

/** `POST /v2/origin/custom/{scope_id}/chats` (spec 3.3): idempotent per conversation_id; no contact, no lead. */
export function createChat(ctx: ChatsContext, call: ScopeCall): ChatsAnswer {
  const conversationId = reqString(call.body, 'conversation_id', 'conversation_id');
  const source = optSource(call.body, 'source');
  const user = readParticipant(reqObject(call.body, 'user', 'user'), 'user');
  const client = upsertClient(ctx.state, call.scope, user, 'user');
  let chat = ctx.state.chatByConversation(call.scope.scopeId, conversationId);
  if (chat) tagSource(chat, source);
  else chat = newChat(ctx.state, call.scope, conversationId, client, source);
  ctx.state.emitChat(chat);
  // The reference shape (phone/email flat in `user`, spec 3.3); SDKs must accept the seed's nested shape too.
  return {
    status: 200,
    body: {
      id: chat.id,
      user: {
        id: client.id,
        client_id: client.clientId,
        name: client.name,
        avatar: client.avatar ?? '',
        ...(client.phone === undefined ? {} : { phone: client.phone }),
        ...(client.email === undefined ? {} : { email: client.email }),
      },
    },
  };
}
