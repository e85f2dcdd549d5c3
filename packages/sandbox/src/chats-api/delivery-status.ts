import { AmojoRequestError, invalidRequest } from '../errors.js';
import type { MessageRecord } from '../state/records.js';
import type { ChatsAnswer, ChatsContext, ScopeCall } from './chats-context.js';
import { type JsonObject, optInt, optString } from './read-fields.js';

const RANK = { sent: 0, delivered: 1, read: 2 } as const;

/** Validates a delivery status (1, 2, -1 with 901..905; 905 needs a text) and applies it to a message. */
export function applyStatus(message: MessageRecord, fields: JsonObject, statusField: string, path: string): void {
  const status = optInt(fields, statusField, `${path}${statusField}`);
  if (status === undefined) throw invalidRequest(`${path}${statusField} is required (1, 2 or -1)`);
  if (status === -1) {
    const code = optInt(fields, 'error_code', `${path}error_code`);
    if (code === undefined || code < 901 || code > 905) {
      throw invalidRequest(`${path}error_code (901..905) is required when the status is -1`);
    }
    const text = optString(fields, 'error', `${path}error`) ?? '';
    if (code === 905 && text === '')
      throw invalidRequest(`${path}error (text shown to the manager) is required with error_code 905`);
    message.status = 'error';
    message.error = { code, text };
    return;
  }
  if (status !== 1 && status !== 2)
    throw invalidRequest(`${path}${statusField} must be 1 (delivered), 2 (read) or -1 (error)`);
  const next = status === 1 ? 'delivered' : 'read';
  // A late "delivered" after "read" does not move the status back (the messenger's receipts may arrive out of order).
  const current = message.status === null || message.status === 'error' ? 'sent' : message.status;
  if (message.status === 'error' || RANK[next] >= RANK[current]) {
    message.status = next;
    delete message.error;
  }
}

/** `POST /v2/origin/custom/{scope_id}/{msgid}/delivery_status` (spec 3.5): both body shapes, `status_code` preferred. */
export function deliveryStatus(ctx: ChatsContext, call: ScopeCall, amojoMsgId: string): ChatsAnswer {
  const bodyMsgid = optString(call.body, 'msgid', 'msgid');
  if (bodyMsgid !== undefined && bodyMsgid !== amojoMsgId) {
    throw invalidRequest('msgid in the body must equal the message id in the path');
  }
  const field = call.body.status_code !== undefined ? 'status_code' : 'delivery_status';
  if (call.body[field] === undefined) throw invalidRequest('status_code (or delivery_status) is required');
  const message = ctx.state.messages.get(amojoMsgId);
  if (!message || message.scopeId !== call.scope.scopeId) {
    throw new AmojoRequestError(404, 'MESSAGE_NOT_FOUND', `no message ${amojoMsgId} in this scope`);
  }
  if (message.direction === 'in') {
    // Statuses describe delivery to the client of messages sent from amoCRM (spec 3.5); a client's own message has none.
    throw invalidRequest(
      `message ${amojoMsgId} is an incoming client message: delivery statuses apply to outgoing messages`,
    );
  }
  applyStatus(message, call.body, field, '');
  ctx.state.emitMessage(message);
  return { status: 200 };
}
