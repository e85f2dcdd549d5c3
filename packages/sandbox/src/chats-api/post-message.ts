import { randomUUID } from 'node:crypto';
import { AmojoRequestError, invalidRequest } from '../errors.js';
import type { ChatRecord, MessageRecord, ParticipantRecord } from '../state/records.js';
import { previewText } from '../state/views.js';
import type { ChatsAnswer, ChatsContext, ScopeCall } from './chats-context.js';
import { newChat, tagSource } from './create-chat.js';
import { applyStatus } from './delivery-status.js';
import { findMessage, readQuotes } from './read-embedded.js';
import {
  type JsonObject,
  optBool,
  optObject,
  optSource,
  optString,
  reqInt,
  reqObject,
  reqString,
} from './read-fields.js';
import { readMessageContent } from './read-message-content.js';
import { type ParticipantInput, readParticipant, upsertClient } from './upsert-client.js';

/** The answer to a message request (spec 3.4.8), with amojo ids in `conversation_id` / `sender_id` / `receiver_id`. */
function answer(message: MessageRecord, chat: ChatRecord): ChatsAnswer {
  return {
    status: 200,
    body: {
      new_message: {
        msgid: message.id,
        ref_id: message.clientMsgId,
        conversation_id: chat.id,
        sender_id: message.senderId,
        receiver_id: message.receiverId,
      },
    },
  };
}

function duplicate(msgid: string): AmojoRequestError {
  return new AmojoRequestError(400, 'DUPLICATE_MSGID', `a message with msgid ${msgid} already exists in this scope`);
}

/** The staff participant a `sender.ref_id` names: a manager of the scope's account or the channel bot. */
function staffAuthor(ctx: ChatsContext, call: ScopeCall, refId: string | undefined): ParticipantRecord | undefined {
  if (refId === undefined) return undefined;
  if (call.channel.bot && call.channel.bot.id === refId) return ctx.state.participant(refId);
  const account = ctx.state.crm.account(call.scope.accountId);
  if (account?.users.some((u) => u.amojoId === refId)) return ctx.state.participants.get(refId);
  return undefined;
}

/** Finds or binds the chat of a message (spec 3.4.7 for `conversation_ref_id`); creates it for a new conversation. */
function resolveChat(ctx: ChatsContext, call: ScopeCall, payload: JsonObject, client: ParticipantRecord) {
  const { state } = ctx;
  const conversationId = reqString(payload, 'conversation_id', 'payload.conversation_id');
  const refId = optString(payload, 'conversation_ref_id', 'payload.conversation_ref_id');
  const source = optSource(payload, 'payload.source');
  if (refId !== undefined) {
    const chat = state.chats.get(refId);
    if (!chat || chat.scopeId !== call.scope.scopeId) {
      throw invalidRequest(`payload.conversation_ref_id ${refId} is not a chat of this scope`);
    }
    if (chat.conversationId === null) {
      const other = state.chatByConversation(call.scope.scopeId, conversationId);
      if (other) throw invalidRequest(`payload.conversation_id ${conversationId} already belongs to another chat`);
      chat.conversationId = conversationId;
      state.putChat(chat);
    } else if (chat.conversationId !== conversationId) {
      throw invalidRequest('payload.conversation_ref_id is bound to a different payload.conversation_id');
    }
    tagSource(chat, source);
    return { chat, created: false };
  }
  const existing = state.chatByConversation(call.scope.scopeId, conversationId);
  if (existing) {
    tagSource(existing, source);
    return { chat: existing, created: false };
  }
  return { chat: newChat(state, call.scope, conversationId, client, source), created: true };
}

function createLead(ctx: ChatsContext, chat: ChatRecord, client: ParticipantRecord): void {
  try {
    const { contactId, leadId } = ctx.state.crm.createContactAndLead({
      accountAmojoId: chat.accountId,
      chatId: chat.id,
      name: client.name,
      ...(client.phone === undefined ? {} : { phone: client.phone }),
      ...(client.email === undefined ? {} : { email: client.email }),
      ...(chat.sourceExternalId === null ? {} : { sourceExternalId: chat.sourceExternalId }),
    });
    chat.contactId = contactId;
    chat.leadId = leadId;
  } catch (error) {
    ctx.log.error?.({ err: error, chatId: chat.id }, 'creating the contact and lead failed');
  }
}

function newMessage(ctx: ChatsContext, call: ScopeCall, payload: JsonObject): ChatsAnswer {
  const { state } = ctx;
  reqInt(payload, 'timestamp', 'payload.timestamp');
  const msecTimestamp = reqInt(payload, 'msec_timestamp', 'payload.msec_timestamp');
  const msgid = reqString(payload, 'msgid', 'payload.msgid');
  const silent = optBool(payload, 'silent', 'payload.silent') ?? false;
  const senderObj = reqObject(payload, 'sender', 'payload.sender');
  // A manager or the bot may be named by `ref_id` (its amojo id) alone, as public clients running against live
  // amoCRM do; a client always needs `id` and `name`.
  const staff = staffAuthor(ctx, call, optString(senderObj, 'ref_id', 'payload.sender.ref_id'));
  const sender = staff ? undefined : readParticipant(senderObj, 'payload.sender');
  const receiverObj = optObject(payload, 'receiver', 'payload.receiver');
  const content = readMessageContent(reqObject(payload, 'message', 'payload.message'), false);
  if (state.msgidTaken(call.scope.scopeId, msgid)) throw duplicate(msgid);
  let client: ParticipantRecord;
  if (staff) {
    if (!receiverObj) {
      throw invalidRequest('payload.receiver (the client) is required for outgoing messages (sender.ref_id is staff)');
    }
    client = upsertClient(state, call.scope, readParticipant(receiverObj, 'payload.receiver'), 'payload.receiver');
  } else {
    if (receiverObj) {
      throw invalidRequest(
        'payload.receiver is only for outgoing messages: set payload.sender.ref_id to a manager amojo id or the channel bot id',
      );
    }
    client = upsertClient(state, call.scope, sender as ParticipantInput, 'payload.sender');
  }
  const { chat, created } = resolveChat(ctx, call, payload, client);
  const quotes = readQuotes(state, call.scope.scopeId, payload, chat);
  const direction = staff ? 'out' : 'in';
  const message: MessageRecord = {
    id: randomUUID(),
    clientMsgId: msgid,
    chatId: chat.id,
    scopeId: call.scope.scopeId,
    direction,
    senderId: staff ? staff.id : client.id,
    receiverId: staff ? client.id : null,
    origin: 'integration',
    ...content,
    replyTo: quotes.replyTo,
    forwards: quotes.forwards,
    createdAt: msecTimestamp,
    silent,
    edited: false,
    status: direction === 'out' ? 'sent' : null,
    reactions: [],
  };
  // Spec 3.4 / [CAP]: the first non-silent incoming message of a chat creates the contact and the unsorted lead,
  // unless the integration already linked the chat to a contact (POST /chats, then /api/v4/contacts/chats; guide
  // extension 3): then the chat belongs to that contact, no duplicate contact is created and the link stays.
  if (direction === 'in' && !silent && chat.leadId === null && chat.contactId === null) {
    const linked = state.crm.contactForChat(chat.id);
    if (linked) chat.contactId = linked.id;
    else createLead(ctx, chat, client);
  }
  state.addMessage(message);
  chat.messageCount += 1;
  chat.lastMessageAt = chat.messageCount === 1 ? msecTimestamp : Math.max(chat.lastMessageAt, msecTimestamp);
  chat.lastMessageText = previewText(message);
  if (direction === 'in' && !silent) chat.unread += 1;
  if (direction === 'in') chat.typingUntil = null;
  ctx.log.debug?.({ scopeId: call.scope.scopeId, chatId: chat.id, created, direction }, 'message accepted');
  state.emitMessage(message);
  state.emitChat(chat);
  return answer(message, chat);
}

function editMessage(ctx: ChatsContext, call: ScopeCall, payload: JsonObject): ChatsAnswer {
  const { state } = ctx;
  reqInt(payload, 'timestamp', 'payload.timestamp');
  reqInt(payload, 'msec_timestamp', 'payload.msec_timestamp');
  const conversationId = reqString(payload, 'conversation_id', 'payload.conversation_id');
  const id = optString(payload, 'id', 'payload.id');
  const msgid = optString(payload, 'msgid', 'payload.msgid');
  if (id === undefined && msgid === undefined) {
    throw invalidRequest('payload.id (amojo message id) or payload.msgid is required for edit_message');
  }
  const messageObj = reqObject(payload, 'message', 'payload.message');
  const content = readMessageContent(messageObj, true);
  const target = findMessage(state, call.scope.scopeId, id, msgid);
  if (!target) {
    throw new AmojoRequestError(
      404,
      'MESSAGE_NOT_FOUND',
      `no message with ${id ? `id ${id}` : `msgid ${msgid}`} in this scope`,
    );
  }
  const chat = state.chats.get(target.chatId)!;
  if (chat.conversationId !== conversationId) {
    throw invalidRequest('payload.conversation_id is not the chat of the edited message');
  }
  if (id !== undefined && msgid !== undefined && msgid !== target.clientMsgId) {
    // With both ids, msgid becomes the message's new integration id (spec 3.4.2).
    if (state.msgidTaken(call.scope.scopeId, msgid)) throw duplicate(msgid);
    target.clientMsgId = msgid;
    state.indexMsgid(call.scope.scopeId, msgid, target.id);
  }
  const status = optObject(messageObj, 'delivery_status', 'payload.message.delivery_status');
  if (status) applyStatus(target, status, 'status_code', 'payload.message.delivery_status.');
  target.type = content.type;
  target.text = content.text;
  if (content.media !== '') {
    target.media = content.media;
    target.thumbnail = content.thumbnail;
  }
  if (content.fileName !== '') target.fileName = content.fileName;
  if (content.fileSize > 0) target.fileSize = content.fileSize;
  if (content.location) target.location = content.location;
  if (content.contact) target.contact = content.contact;
  target.edited = true;
  const list = state.chatMessageList(chat.id);
  if (list[list.length - 1] === target) chat.lastMessageText = previewText(target);
  state.emitMessage(target);
  state.emitChat(chat);
  return answer(target, chat);
}

/** `POST /v2/origin/custom/{scope_id}` (spec 3.4): new messages, imports, comments and edits. */
export function postMessage(ctx: ChatsContext, call: ScopeCall): ChatsAnswer {
  const eventType = reqString(call.body, 'event_type', 'event_type');
  const payload = reqObject(call.body, 'payload', 'payload');
  if (eventType === 'new_message') return newMessage(ctx, call, payload);
  if (eventType === 'edit_message') return editMessage(ctx, call, payload);
  throw invalidRequest('event_type must be "new_message" or "edit_message"');
}
