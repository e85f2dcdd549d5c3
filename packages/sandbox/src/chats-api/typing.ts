import { AmojoRequestError, invalidRequest } from '../errors.js';
import type { ChatsAnswer, ChatsContext, ScopeCall } from './chats-context.js';
import { optInt, optString, reqObject } from './read-fields.js';

// duration_ms has no documented maximum (spec 8.12); a minute keeps a stuck indicator from lasting forever.
const MAX_TYPING_MS = 60_000;

/** `POST /v2/origin/custom/{scope_id}/typing` (spec 3.7): marks the client typing; 204. */
export function typing(ctx: ChatsContext, call: ScopeCall): ChatsAnswer {
  const { state } = ctx;
  const conversationId = optString(call.body, 'conversation_id', 'conversation_id');
  const conversationRefId = optString(call.body, 'conversation_ref_id', 'conversation_ref_id');
  if (!conversationId && !conversationRefId) throw invalidRequest('conversation_id is required');
  const sender = reqObject(call.body, 'sender', 'sender');
  const senderId = optString(sender, 'id', 'sender.id');
  const senderRefId = optString(sender, 'ref_id', 'sender.ref_id');
  if (!senderId && !senderRefId) throw invalidRequest('sender.id is required');
  const duration = optInt(call.body, 'duration_ms', 'duration_ms') ?? 5000;
  if (duration < 1) throw invalidRequest('duration_ms must be a positive integer');
  const chat = conversationId
    ? state.chatByConversation(call.scope.scopeId, conversationId)
    : state.chats.get(conversationRefId!);
  if (!chat || chat.scopeId !== call.scope.scopeId) {
    throw new AmojoRequestError(404, 'CHAT_NOT_FOUND', 'no such chat in this scope');
  }
  const client = senderId ? state.clientByClientId(call.scope.scopeId, senderId) : state.participants.get(senderRefId!);
  if (client?.kind !== 'client') {
    throw new AmojoRequestError(404, 'PARTICIPANT_NOT_FOUND', 'sender is not a participant of this scope');
  }
  const until = state.nowMs() + Math.min(duration, MAX_TYPING_MS);
  chat.typingUntil = until;
  state.emit({ type: 'typing', chatId: chat.id, until });
  return { status: 204 };
}
