import { randomUUID } from 'node:crypto';
import type {
  ChannelInstanceRecord,
  InboundChannelEvent,
  InboundChannelMessage,
  InboundDeliveryFailure,
  InboundReadReceipt,
  InboundTyping,
  ReceiveResult,
} from '../channels/channel-adapter.js';
import type { ChannelConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import { findAccount } from '../store/accounts/index.js';
import { findConversation, findOrCreateConversation, updateConversation } from '../store/conversations/index.js';
import { asConversationId, asMsgid } from '../store/ids.js';
import { findMessage, insertMessage, recordMessageStatus } from '../store/messages/index.js';
import { adoptClientParticipantId, upsertParticipant } from '../store/participants/index.js';
import { listSources } from '../store/sources/index.js';
import { enqueueJob, JOB_KINDS } from './job-kinds.js';
import { clientParticipantId, loadChannelInstance } from './load-channel-instance.js';
import { AMOJO_TEXT_LIMIT } from './long-text.js';
import {
  findChannelMessage,
  type ReceiveEditOrReactionDeps,
  receiveEditOrReaction,
} from './receive-edit-or-reaction.js';
import type { RelayAmojo } from './relay-amojo.js';
import { RelayInputError } from './relay-errors.js';

/**
 * What {@link receiveFromChannel} uses: what an edit or reaction needs, plus amojo's typing call, the bot's id and
 * name (an outgoing message the business wrote outside amoCRM) and the log.
 */
export type ReceiveFromChannelDeps = ReceiveEditOrReactionDeps & {
  readonly amojo: Pick<RelayAmojo, 'typing'>;
  readonly config: { readonly channel: Pick<ChannelConfig, 'botId' | 'botName'> };
  readonly log: Logger;
};

/**
 * The inbound transaction (ARCHITECTURE "The life of a message", inbound 1): stores a customer event and its job
 * in ONE grouped commit and resolves only after it, so a channel acknowledges only what is durable. The same
 * channel event id twice stores nothing and answers the first message's id.
 */
export function receiveFromChannel(
  deps: ReceiveFromChannelDeps,
  event: InboundChannelEvent,
  options: ReceiveOptions = {},
): Promise<ReceiveResult> {
  switch (event.kind) {
    case 'message':
      return receiveMessage(deps, event, options);
    case 'read':
    case 'failed':
      return receiveLaterStatus(deps, event);
    case 'typing':
      return receiveTyping(deps, event);
    case 'edit':
    case 'reaction':
      return receiveEditOrReaction(deps, event);
  }
}

/** Options of {@link receiveFromChannel}. */
export interface ReceiveOptions {
  /** The event's channel instance when the caller already loaded it (to verify a signature), saving a read. */
  readonly instance?: ChannelInstanceRecord;
}

async function receiveMessage(
  deps: ReceiveFromChannelDeps,
  event: InboundChannelMessage,
  options: ReceiveOptions,
): Promise<ReceiveResult> {
  const length = event.message.text?.length ?? 0;
  if (length > AMOJO_TEXT_LIMIT) {
    throw new RelayInputError(
      `the text is ${length} characters; the bridge sends at most ${AMOJO_TEXT_LIMIT} to amoCRM (split it into several messages)`,
      400,
    );
  }
  const instance =
    options.instance?.key === event.instanceId
      ? options.instance
      : await loadChannelInstance(deps, { key: event.instanceId });
  if (!instance) throw new RelayInputError(`channel instance ${event.instanceId} does not exist`, 404);
  if (instance.accountId === null) {
    throw new RelayInputError(`channel instance ${event.instanceId} is not attached to an amoCRM account`, 409);
  }
  const account = await findAccount(deps.store.db, { id: instance.accountId });
  if (account?.state !== 'connected') {
    throw new RelayInputError(`the amoCRM account of channel instance ${event.instanceId} is not connected`, 409);
  }
  const bot = deps.config.channel.botId;
  if (event.outgoing && !event.outgoing.userAmojoId && !bot) {
    throw new RelayInputError(
      'senderUserId is required for an outgoing message: AMOJO_CHANNEL_BOT_ID is not set, so it cannot be sent as the channel bot',
      400,
    );
  }
  const [source] = await listSources(deps.store.db, { channelInstanceId: instance.rowId });
  const now = deps.now().getTime();
  const result = await deps.batcher.submit(async (trx) => {
    const { conversation } = await findOrCreateConversation(trx, {
      accountId: account.id,
      channelInstanceId: instance.rowId,
      channelChatKey: event.chatKey,
      conversationId: asConversationId(`ab-c-${randomUUID()}`),
      sourceExternalId: source?.externalId ?? null,
      phone: event.sender.phone ?? null,
      now,
    });
    const participantId = clientParticipantId(instance.key, event.sender.id);
    // A "write first" chat knows its client only by amojo's id until the client answers: give that row our id.
    await adoptClientParticipantId(trx, { conversationRowId: conversation.id, participantId, now });
    const participant = await upsertParticipant(trx, {
      conversationRowId: conversation.id,
      role: 'client',
      participantId,
      name: event.sender.name,
      profile: {
        ...(event.sender.phone ? { phone: event.sender.phone } : {}),
        ...(event.sender.email ? { email: event.sender.email } : {}),
        ...(event.sender.avatar ? { avatar: event.sender.avatar } : {}),
        ...(event.sender.profileLink ? { profile_link: event.sender.profileLink } : {}),
      },
      now,
    });
    // A mirrored outgoing message is the manager's (or the bot's): its author is a staff participant of the chat.
    const author = event.outgoing
      ? await upsertParticipant(trx, {
          conversationRowId: conversation.id,
          role: event.outgoing.userAmojoId ? 'manager' : 'bot',
          amojoParticipantId: event.outgoing.userAmojoId ?? bot,
          ...(event.outgoing.name || (!event.outgoing.userAmojoId && deps.config.channel.botName)
            ? { name: event.outgoing.name ?? deps.config.channel.botName }
            : {}),
          now,
        })
      : participant;
    // A quote of a message the bridge relayed is kept by its amojo-facing ids; an unknown one is left out.
    const quoted = event.replyToEventId
      ? await findChannelMessage(trx, conversation.id, event.replyToEventId)
      : undefined;
    const replyTo = quoted
      ? quoted.direction === 'out' && quoted.amojoMsgId
        ? { amojoMsgId: quoted.amojoMsgId }
        : { msgid: quoted.msgid }
      : undefined;
    // The msgid is chosen here, once, and stored with the job: every attempt to amojo sends this same id.
    const inserted = await insertMessage(trx, {
      conversationRowId: conversation.id,
      direction: event.outgoing ? 'out' : 'in',
      msgid: asMsgid(`ab-${randomUUID()}`),
      channelMessageId: event.eventId,
      senderParticipantId: author.id,
      type: event.message.type,
      payload: replyTo ? { ...event.message, replyTo } : event.message,
      sentAt: event.sentAt.getTime(),
      now,
    });
    if (!inserted.created) return { messageId: inserted.message.msgid, duplicate: true };
    await enqueueJob(trx, JOB_KINDS.deliverToAmojo, {
      messageRowId: inserted.message.id,
      conversationRowId: conversation.id,
    });
    await updateConversation(trx, { id: conversation.id, activityAt: now, now });
    return { messageId: inserted.message.msgid, duplicate: false };
  });
  deps.log.debug({ instanceId: instance.key, eventId: event.eventId, ...result }, 'customer message received');
  return result;
}

/**
 * A status the messenger reports after the send: `read` (moves the message up, never back), or `failed` (final:
 * recorded with its 90x code and reason even after `delivered`, so amoCRM is told -1 after it showed 1).
 */
async function receiveLaterStatus(
  deps: ReceiveFromChannelDeps,
  event: InboundReadReceipt | InboundDeliveryFailure,
): Promise<ReceiveResult> {
  const message = await findMessage(deps.store.db, { msgid: event.messageId });
  if (message?.direction !== 'out') {
    throw new RelayInputError(`message ${event.messageId} is not a manager message sent by this bridge`, 404);
  }
  const conversation = await findConversation(deps.store.db, { id: message.conversationRowId });
  const instance = await loadChannelInstance(deps, { key: event.instanceId });
  if (!conversation || !instance || conversation.channelInstanceId !== instance.rowId) {
    throw new RelayInputError(
      `message ${event.messageId} was not sent through channel instance ${event.instanceId}`,
      404,
    );
  }
  const status = event.kind === 'read' ? 'read' : 'failed';
  if (message.status === status || message.status === 'failed') return { messageId: message.msgid, duplicate: true };
  const now = deps.now().getTime();
  await deps.batcher.submit(async (trx) => {
    const after = await recordMessageStatus(trx, {
      messageId: message.id,
      status,
      ...(event.kind === 'failed' ? { errorCode: event.errorCode, error: event.reason } : {}),
      now,
    });
    if (after === status && message.amojoMsgId && conversation.amojoChatId) {
      await enqueueJob(trx, JOB_KINDS.reportStatus, {
        messageRowId: message.id,
        amojoChatId: conversation.amojoChatId,
      });
    }
  });
  return { messageId: message.msgid, duplicate: false };
}

/**
 * Typing is ephemeral: it is not stored and not retried. It is forwarded at once when the chat is known to amojo and
 * dropped otherwise (a customer typing before their first message has no amoCRM chat to show it in).
 */
async function receiveTyping(deps: ReceiveFromChannelDeps, event: InboundTyping): Promise<ReceiveResult> {
  const instance = await loadChannelInstance(deps, { key: event.instanceId });
  if (!instance) throw new RelayInputError(`channel instance ${event.instanceId} does not exist`, 404);
  const conversation = await findConversation(deps.store.db, {
    channelInstanceId: instance.rowId,
    channelChatKey: event.chatKey,
  });
  const account = conversation && (await findAccount(deps.store.db, { id: conversation.accountId }));
  if (!conversation?.amojoChatId || !account || account.state !== 'connected') {
    return { messageId: '', duplicate: false };
  }
  const typing = deps.amojo.typing(account.scopeId, {
    conversationId: conversation.conversationId,
    senderId: clientParticipantId(instance.key, event.senderId),
  });
  typing.catch((error: unknown) => {
    deps.log.debug({ err: error, conversationId: conversation.conversationId }, 'typing dropped');
  });
  return { messageId: '', duplicate: false };
}
