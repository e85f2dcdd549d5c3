import type { ChannelErrorCode, ChannelInstanceRecord, ChannelRecipient } from '../channels/channel-adapter.js';
import type { Account } from '../store/accounts/index.js';
import { listChannelInstances } from '../store/channel-instances/index.js';
import type { Conversation } from '../store/conversations/index.js';
import { findConversation, findOrCreateConversation, updateConversation } from '../store/conversations/index.js';
import { asChannelChatKey } from '../store/ids.js';
import { listParticipants } from '../store/participants/index.js';
import { findSource } from '../store/sources/index.js';
import type { Executor } from '../store/store.js';
import { type LoadChannelInstanceDeps, loadChannelInstance, senderIdOf } from './load-channel-instance.js';
import type { ManagerMessage } from './manager-message.js';

/** What {@link resolveRoute} uses: the store (and instance secrets) and the clock, for a new "write first" chat. */
export interface ResolveRouteDeps extends LoadChannelInstanceDeps {
  readonly now: () => Date;
}

/** Where a manager message goes, or why it cannot go anywhere (reported to amoCRM as delivery status -1). */
export type Route =
  | {
      readonly ok: true;
      readonly conversation: Conversation;
      readonly instance: ChannelInstanceRecord;
      readonly recipient: ChannelRecipient;
    }
  | { readonly ok: false; readonly errorCode: ChannelErrorCode; readonly reason: string };

/**
 * Resolves scope -> account -> source -> channel instance -> conversation -> recipient (outbound 2). A bound chat is
 * found by our conversation_id (or amojo's chat id); a "write first" chat (no conversation_id, spec 3.4.7) is routed
 * by its source to a channel instance and keyed by the phone the manager chose, creating the conversation.
 */
export async function resolveRoute(deps: ResolveRouteDeps, account: Account, message: ManagerMessage): Promise<Route> {
  const db = deps.store.db;
  let conversation =
    (message.conversationId
      ? await findConversation(db, { accountId: account.id, conversationId: message.conversationId })
      : undefined) ?? (await findConversation(db, { accountId: account.id, amojoChatId: message.amojoChatId }));
  if (!conversation && message.conversationId) {
    return {
      ok: false,
      errorCode: 901,
      reason: `the chat ${message.conversationId} is not known to this bridge (deleted or started elsewhere)`,
    };
  }
  if (!conversation) {
    const created = await createWriteFirstConversation(deps, account, message);
    if (!created.ok) return created;
    conversation = created.conversation;
  }
  if (conversation.channelInstanceId === null) {
    return { ok: false, errorCode: 902, reason: 'the chat has no messenger channel attached in the bridge' };
  }
  const instance = await loadChannelInstance(deps, { id: conversation.channelInstanceId });
  if (!instance) return { ok: false, errorCode: 902, reason: 'the messenger channel of this chat is disabled' };
  const participants = await listParticipants(db, conversation.id);
  const client = participants.find((p) => p.role === 'client');
  const phone = client?.profile.phone ?? conversation.phone ?? message.receiver.phone;
  const email = client?.profile.email ?? message.receiver.email;
  const name = client?.name ?? message.receiver.name;
  const recipient: ChannelRecipient = {
    chatKey: conversation.channelChatKey ?? asChannelChatKey(`amojo:${message.amojoChatId}`),
    ...(client?.participantId ? { id: senderIdOf(instance.key, client.participantId) } : {}),
    ...(name ? { name } : {}),
    ...(phone ? { phone } : {}),
    ...(email ? { email } : {}),
  };
  return { ok: true, conversation, instance, recipient };
}

async function createWriteFirstConversation(
  deps: ResolveRouteDeps,
  account: Account,
  message: ManagerMessage,
): Promise<{ ok: true; conversation: Conversation } | { ok: false; errorCode: ChannelErrorCode; reason: string }> {
  const db = deps.store.db;
  const phone = message.receiver.phone;
  if (!phone) return { ok: false, errorCode: 904, reason: 'cannot start a chat: the manager chose no phone number' };
  const source = message.sourceExternalId
    ? await findSource(db, { accountId: account.id, externalId: message.sourceExternalId })
    : await findSource(db, { accountId: account.id, isDefault: true });
  let instanceRowId = source?.channelInstanceId ?? null;
  if (instanceRowId === null && !message.sourceExternalId) {
    // No sources configured: an account with exactly one channel instance routes everything there.
    const instances = await listChannelInstances(db, { accountId: account.id });
    if (instances.length === 1 && instances[0]) instanceRowId = instances[0].rowId;
  }
  if (instanceRowId === null) {
    const which = message.sourceExternalId ? `source ${message.sourceExternalId}` : 'the default source';
    return {
      ok: false,
      errorCode: 904,
      reason: `cannot start a chat: ${which} has no messenger channel in the bridge`,
    };
  }
  const now = deps.now().getTime();
  const conversation = await deps.store.transaction(async (trx: Executor) => {
    const { conversation: found, created } = await findOrCreateConversation(trx, {
      accountId: account.id,
      amojoChatId: message.amojoChatId,
      channelInstanceId: instanceRowId,
      sourceExternalId: message.sourceExternalId ?? null,
      phone,
      now,
    });
    if (!created || found.channelChatKey) return found;
    // The phone is the key of "write first" chats; the customer system answers with this chat key.
    const taken = await findConversation(trx, {
      channelInstanceId: instanceRowId,
      channelChatKey: asChannelChatKey(`phone:${phone}`),
    });
    const channelChatKey = asChannelChatKey(taken ? `phone:${phone}:${message.amojoChatId}` : `phone:${phone}`);
    return (await updateConversation(trx, { id: found.id, channelChatKey, now })) ?? found;
  });
  return { ok: true, conversation };
}
