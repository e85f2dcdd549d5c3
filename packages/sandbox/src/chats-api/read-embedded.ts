import { invalidRequest } from '../errors.js';
import type { ChatRecord, EmbeddedRecord, MessageRecord } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { type JsonObject, optInt, optObject, optString, reqInt, reqObject, reqString } from './read-fields.js';

/** An embedded message built from a stored one (what amojo fills in when only `id`/`msgid` is given). */
export function embedStored(state: SandboxState, m: MessageRecord): EmbeddedRecord {
  const sender = state.participant(m.senderId);
  return {
    id: m.id,
    ...(m.clientMsgId === null ? {} : { msgid: m.clientMsgId }),
    type: m.type,
    text: m.text,
    media: m.media,
    fileName: m.fileName,
    fileSize: m.fileSize,
    timestamp: Math.floor(m.createdAt / 1000),
    msecTimestamp: m.createdAt,
    senderId: sender.id,
    senderName: sender.name,
  };
}

/** Finds a stored message of a scope by amojo `id` or integration `msgid`. */
export function findMessage(
  state: SandboxState,
  scopeId: string,
  id: string | undefined,
  msgid: string | undefined,
): MessageRecord | undefined {
  if (id !== undefined) {
    const m = state.messages.get(id);
    return m && m.scopeId === scopeId ? m : undefined;
  }
  return msgid === undefined ? undefined : state.messageByMsgid(scopeId, msgid);
}

/**
 * Reads an embedded (quoted / forwarded) message (spec 3.4.5). With `id` or `msgid` it must exist in the scope (and in
 * `sameChat` when given); otherwise type, timestamps and sender are required.
 */
export function readEmbedded(
  state: SandboxState,
  scopeId: string,
  obj: JsonObject,
  path: string,
  sameChat: ChatRecord | null,
): EmbeddedRecord {
  const id = optString(obj, 'id', `${path}.id`);
  const msgid = optString(obj, 'msgid', `${path}.msgid`);
  if (id !== undefined || msgid !== undefined) {
    const found = findMessage(state, scopeId, id, msgid);
    if (!found) throw invalidRequest(`${path}: no message with ${id ? `id ${id}` : `msgid ${msgid}`} in this scope`);
    if (sameChat && found.chatId !== sameChat.id) throw invalidRequest(`${path} must quote a message of the same chat`);
    return embedStored(state, found);
  }
  const type = reqString(obj, 'type', `${path}.type`);
  const text = optString(obj, 'text', `${path}.text`);
  if (type === 'text' && !text) throw invalidRequest(`${path}.text is required for type text`);
  if (type === 'location') reqObject(obj, 'location', `${path}.location`);
  if (type === 'contact') reqObject(obj, 'contact', `${path}.contact`);
  const sender = reqObject(obj, 'sender', `${path}.sender`);
  const senderId = optString(sender, 'id', `${path}.sender.id`) ?? optString(sender, 'ref_id', `${path}.sender.ref_id`);
  const senderName = optString(sender, 'name', `${path}.sender.name`);
  if (senderId === undefined && !senderName) throw invalidRequest(`${path}.sender needs id, ref_id or name`);
  const fileName = optString(obj, 'file_name', `${path}.file_name`);
  const fileSize = optInt(obj, 'file_size', `${path}.file_size`);
  return {
    type,
    text: text ?? '',
    ...(fileName === undefined ? {} : { fileName }),
    ...(fileSize === undefined ? {} : { fileSize }),
    timestamp: reqInt(obj, 'timestamp', `${path}.timestamp`),
    msecTimestamp: reqInt(obj, 'msec_timestamp', `${path}.msec_timestamp`),
    ...(senderId === undefined ? {} : { senderId }),
    ...(senderName === undefined ? {} : { senderName }),
  };
}

/** Reads `reply_to` (same chat) and `forwards` (at most one message, any chat of the scope). */
export function readQuotes(state: SandboxState, scopeId: string, payload: JsonObject, chat: ChatRecord) {
  const replyTo = optObject(payload, 'reply_to', 'payload.reply_to');
  const forwards = optObject(payload, 'forwards', 'payload.forwards');
  let forwarded: MessageRecord['forwards'] = null;
  if (forwards) {
    const list = forwards.messages;
    if (!Array.isArray(list) || list.length === 0) {
      throw invalidRequest('payload.forwards.messages must be a non-empty array');
    }
    // "currently at most 1" (spec 3.4.5); refusing more keeps integrations honest with the real limit.
    if (list.length > 1) throw invalidRequest('payload.forwards.messages: amojo accepts at most 1 forwarded message');
    const refId = optString(forwards, 'conversation_ref_id', 'payload.forwards.conversation_ref_id');
    forwarded = {
      messages: list.map((m, i) => {
        if (m === null || typeof m !== 'object' || Array.isArray(m)) {
          throw invalidRequest(`payload.forwards.messages[${i}] must be an object`);
        }
        return readEmbedded(state, scopeId, m as JsonObject, `payload.forwards.messages[${i}]`, null);
      }),
      ...(refId === undefined ? {} : { conversationRefId: refId }),
    };
  }
  return {
    replyTo: replyTo
      ? readEmbedded(
          state,
          scopeId,
          reqObject(replyTo, 'message', 'payload.reply_to.message'),
          'payload.reply_to.message',
          chat,
        )
      : null,
    forwards: forwarded,
  };
}
