import { randomUUID } from 'node:crypto';
import { newChat } from '../chats-api/create-chat.js';
import { ControlRequestError } from '../errors.js';
import type { HookLogEntry } from '../hooks/hook-log.js';
import type { ParticipantRecord } from '../state/records.js';
import type { SandboxChatView, SandboxMessageView } from '../state/views.js';
import { actingUser, connectedScope, type ManagerContext, sendManagerMessage, text } from './manager-actions.js';

const digits = (phone: string): string => phone.replace(/\D/g, '');

/**
 * The manager starts a "write first" chat by phone (spec 3.4.7): an unbound chat (reused for the same phone until the
 * integration binds it) and a hook without `conversation.client_id`. A phone that already has a chat in the scope
 * gets the message in that chat instead.
 */
export async function writeFirst(
  ctx: ManagerContext,
  input: { scopeId?: string; phone?: string; text?: string; sourceExternalId?: string; userId?: string },
): Promise<{ chat: SandboxChatView; message: SandboxMessageView; hooks: readonly HookLogEntry[] }> {
  const { state } = ctx;
  if (typeof input.scopeId !== 'string') throw new ControlRequestError(400, 'scopeId is required');
  const { scope, channel } = connectedScope(state, input.scopeId);
  if (channel.writeFirst === false)
    throw new ControlRequestError(409, 'the channel was not registered with "write first"');
  const phone = text(input.phone, 'phone');
  if (!phone || digits(phone) === '') throw new ControlRequestError(400, 'phone is required');
  const messageText = text(input.text, 'text');
  if (!messageText) throw new ControlRequestError(400, 'text is required');
  const source = text(input.sourceExternalId, 'sourceExternalId');
  if (source !== undefined && !/^[\x20-\x7e]{1,40}$/.test(source)) {
    throw new ControlRequestError(400, 'sourceExternalId must be 1..40 printable ASCII characters');
  }
  const author = actingUser(state, scope, input.userId);
  const samePhone = (c: { scopeId: string; clientParticipantId: string }) =>
    c.scopeId === scope.scopeId && digits(state.participant(c.clientParticipantId).phone ?? '') === digits(phone);
  const chats = [...state.chats.values()];
  // An unbound chat for the phone is reused until the integration binds it. A contact who already talks through
  // this channel (a bound chat with this phone) gets the message in that chat, as a manager writing from the lead
  // card does: no second chat the integration could not route.
  let chat = chats.find((c) => samePhone(c) && c.conversationId === null) ?? chats.findLast((c) => samePhone(c));
  if (!chat) {
    const client: ParticipantRecord = {
      id: randomUUID(),
      kind: 'client',
      scopeId: scope.scopeId,
      clientId: null,
      name: phone,
      phone,
    };
    state.putParticipant(scope.scopeId, client);
    chat = newChat(state, scope, null, client, source);
    // The manager starts from a lead card, so the CRM side has a contact and a lead for this phone already.
    const { contactId, leadId } = state.crm.createContactAndLead({
      accountAmojoId: scope.accountId,
      chatId: chat.id,
      name: phone,
      phone,
      ...(source === undefined ? {} : { sourceExternalId: source }),
    });
    chat.contactId = contactId;
    chat.leadId = leadId;
  }
  const result = await sendManagerMessage(ctx, chat.id, { text: messageText, userId: author.id });
  return { chat: state.chatView(chat), message: result.messages[0]!, hooks: result.hooks };
}
