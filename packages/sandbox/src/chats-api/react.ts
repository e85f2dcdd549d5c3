import { DEFAULT_REACTIONS } from '../config.js';
import { AmojoRequestError, invalidRequest } from '../errors.js';
import type { ChatsAnswer, ChatsContext, ScopeCall } from './chats-context.js';
import { findMessage } from './read-embedded.js';
import { optObject, optString, reqString } from './read-fields.js';

/** `POST /v2/origin/custom/{scope_id}/react` (spec 3.8): set or remove a reaction; 200 with no body. */
export function react(ctx: ChatsContext, call: ScopeCall): ChatsAnswer {
  const { state } = ctx;
  const { body } = call;
  const type = reqString(body, 'type', 'type');
  if (type !== 'react' && type !== 'unreact') throw invalidRequest('type must be "react" or "unreact"');
  const emoji = optString(body, 'emoji', 'emoji');
  if (type === 'react' && !emoji) throw invalidRequest('emoji is required for type react');
  const reactions = call.channel.reactions ?? DEFAULT_REACTIONS;
  if (type === 'react' && !reactions.includes(emoji!)) {
    throw invalidRequest(`emoji ${emoji} is not in the channel's declared reactions (${reactions.join(' ')})`);
  }
  const conversationId = optString(body, 'conversation_id', 'conversation_id');
  const conversationRefId = optString(body, 'conversation_ref_id', 'conversation_ref_id');
  if (!conversationId && !conversationRefId) throw invalidRequest('conversation_id or conversation_ref_id is required');
  const id = optString(body, 'id', 'id');
  const msgid = optString(body, 'msgid', 'msgid');
  if (!id && !msgid) throw invalidRequest('id (amojo message id) or msgid is required');
  const user = optObject(body, 'user', 'user');
  if (!user) throw invalidRequest('user is required');
  const userId = optString(user, 'id', 'user.id');
  const userRefId = optString(user, 'ref_id', 'user.ref_id');
  if (!userId && !userRefId) throw invalidRequest('user.id (client) or user.ref_id (manager) is required');
  const chat = conversationId
    ? state.chatByConversation(call.scope.scopeId, conversationId)
    : state.chats.get(conversationRefId!);
  const message = findMessage(state, call.scope.scopeId, id, msgid);
  if (!chat || chat.scopeId !== call.scope.scopeId || !message || message.chatId !== chat.id) {
    throw new AmojoRequestError(404, 'MESSAGE_NOT_FOUND', 'no such message in this chat');
  }
  let by: string;
  let byKind: 'client' | 'manager';
  if (userRefId !== undefined && state.crm.account(call.scope.accountId)?.users.some((u) => u.amojoId === userRefId)) {
    by = userRefId;
    byKind = 'manager';
  } else {
    const client = userId ? state.clientByClientId(call.scope.scopeId, userId) : state.participants.get(userRefId!);
    if (client?.kind !== 'client' || client.scopeId !== call.scope.scopeId) {
      throw invalidRequest('user is neither a client of this scope nor a manager of the account');
    }
    by = client.id;
    byKind = 'client';
  }
  if (type === 'react') {
    // One reaction per participant and message, as in messengers: a new emoji replaces the old one.
    message.reactions = message.reactions.filter((r) => r.by !== by);
    message.reactions.push({ emoji: emoji!, by, byKind });
  } else {
    message.reactions = message.reactions.filter((r) => r.by !== by || (emoji !== undefined && r.emoji !== emoji));
  }
  state.emitMessage(message);
  return { status: 200 };
}
