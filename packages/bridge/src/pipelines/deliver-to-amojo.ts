import { isDuplicateMsgidError, type MessageContent, type SendMessageOptions } from '@amojo-bridge/sdk';
import type { RestClientDeps } from '../amocrm/amocrm-deps.js';
import { linkNewChatToContact } from '../amocrm/link-new-chat.js';
import type { ChannelMessageContent } from '../channels/channel-adapter.js';
import type { BridgeConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { BridgeMetrics } from '../metrics/index.js';
import type { Job, JobWrites } from '../queue/index.js';
import { findAccount } from '../store/accounts/index.js';
import { findConversation, updateConversation } from '../store/conversations/index.js';
import {
  type AccountRowId,
  type AmojoChatId,
  type AmojoMsgId,
  asAmojoChatId,
  asAmojoMsgId,
  type ChannelChatKey,
  type ConversationRowId,
  type MessageRowId,
} from '../store/ids.js';
import {
  findMessage,
  findRelayedMessage,
  hasDeliveredCustomerMessage,
  recordMessageStatus,
  setMessageAmojoMsgId,
} from '../store/messages/index.js';
import { listParticipants, upsertParticipant } from '../store/participants/index.js';
import type { Store } from '../store/store.js';
import type { RelayAmojo } from './relay-amojo.js';
import { jobErrorFromAmojo, PermanentJobError } from './relay-errors.js';

/**
 * What {@link deliverToAmojo} uses: the store, amojo's send and create-chat calls, the inbound latency, and (with
 * `AMOCRM_CLIENT_ID`) the account's REST client, to put a known customer's new chat into their contact.
 */
export type DeliverToAmojoDeps = RestClientDeps & {
  readonly store: Store;
  readonly amojo: Pick<RelayAmojo, 'sendMessage' | 'createChat'>;
  readonly config: Pick<BridgeConfig, 'amocrm'>;
  readonly metrics: Pick<BridgeMetrics, 'deliveryLatency'>;
  readonly log: Logger;
  readonly now: () => Date;
};

/** Payload of a `deliver-to-amojo` job. */
export interface DeliverToAmojoPayload {
  readonly messageRowId: MessageRowId;
}

/**
 * Sends one stored customer message to amojo (inbound 2). Every attempt sends the msgid stored with the message; a
 * "duplicate msgid" refusal after a retry means an earlier attempt got through, so it counts as delivered. Resolves
 * the writes that record the delivery; the worker commits them with the job's completion.
 */
export async function deliverToAmojo(
  deps: DeliverToAmojoDeps,
  job: Job<DeliverToAmojoPayload>,
): Promise<JobWrites | undefined> {
  const db = deps.store.db;
  const message = await findMessage(db, { id: job.payload.messageRowId });
  if (!message) throw new PermanentJobError(`message row ${job.payload.messageRowId} does not exist`);
  if (message.amojoMsgId || message.status !== 'pending') return undefined;
  let conversation = await findConversation(db, { id: message.conversationRowId });
  if (!conversation) throw new PermanentJobError(`conversation row ${message.conversationRowId} does not exist`);
  const account = await findAccount(db, { id: conversation.accountId });
  if (account?.state !== 'connected') {
    throw new PermanentJobError(`account ${conversation.accountId} is not connected; replay after reconnecting`);
  }
  const participants = await listParticipants(db, conversation.id);
  // A customer message is sent by its client; a mirrored outgoing one (the business wrote it outside amoCRM) by
  // its manager or the bot, to the chat's client.
  const outgoing = message.direction === 'out';
  const author = participants.find((p) => p.id === message.senderParticipantId);
  const client = outgoing ? participants.find((p) => p.role === 'client' && p.participantId) : author;
  if (!client?.participantId)
    throw new PermanentJobError(`message ${message.msgid} has no client ${outgoing ? 'recipient' : 'sender'}`);
  if (outgoing && !author?.amojoParticipantId) {
    throw new PermanentJobError(`outgoing message ${message.msgid} has no manager or bot amojo id`);
  }
  const profile = {
    ...(client.profile.phone ? { phone: client.profile.phone } : {}),
    ...(client.profile.email ? { email: client.profile.email } : {}),
  };
  const bind = !outgoing && (await needsWriteFirstBinding(deps, conversation, client.amojoParticipantId));
  const customer = {
    id: client.participantId,
    name: client.name ?? client.participantId,
    ...(Object.keys(profile).length ? { profile } : {}),
    ...(client.profile.avatar ? { avatar: client.profile.avatar } : {}),
    ...(client.profile.profile_link ? { profileLink: client.profile.profile_link } : {}),
    // "Write first" binding (spec 3.4.7): the client's first answer in a chat amoCRM started carries amojo's ids.
    ...(bind && client.amojoParticipantId ? { refId: client.amojoParticipantId } : {}),
  };
  const staff =
    outgoing && author?.amojoParticipantId
      ? {
          id: `ab-${author.role}-${author.amojoParticipantId}`,
          name: author.name ?? (author.role === 'bot' ? 'Bot' : 'Manager'),
          refId: author.amojoParticipantId,
        }
      : undefined;
  const sender = customer;
  if (!conversation.amojoChatId && deps.config.amocrm) {
    // Extension 3: a new chat of a known customer goes into that contact's chat instead of a new contact and lead.
    try {
      const linked = await linkNewChatToContact(deps, {
        account,
        conversation,
        customer: { id: sender.id, name: sender.name, phone: profile.phone, email: profile.email },
      });
      if (linked) conversation = linked;
    } catch (error) {
      throw jobErrorFromAmojo(error, `linking ${conversation.conversationId} to an amoCRM contact`);
    }
  }
  const request: SendMessageOptions = {
    msgid: message.msgid,
    conversationId: conversation.conversationId,
    ...(bind && conversation.amojoChatId ? { conversationRefId: conversation.amojoChatId } : {}),
    msecTimestamp: message.sentAt,
    ...(conversation.sourceExternalId ? { sourceExternalId: conversation.sourceExternalId } : {}),
    ...(staff ? { sender: staff, receiver: customer } : { sender: customer }),
    message: toMessageContent(message.payload as ChannelMessageContent),
    ...replyToOf(message.payload),
    ...(await forwardsOf(deps, conversation.accountId, message.payload)),
  };

  let amojoMsgId: AmojoMsgId | undefined;
  let amojoChatId = conversation.amojoChatId ?? undefined;
  let clientAmojoId: string | undefined;
  try {
    const sent = await deps.amojo.sendMessage(account.scopeId, request);
    amojoMsgId = asAmojoMsgId(sent.amojoMsgId);
    const answeredChat = sent.response.new_message.conversation_id;
    // The reference docs show our conversation_id here, amojo's chat id elsewhere (spec 3.4.8): trust only a new id.
    if (!amojoChatId && answeredChat && answeredChat !== conversation.conversationId) {
      amojoChatId = asAmojoChatId(answeredChat);
    }
    clientAmojoId =
      (outgoing ? sent.response.new_message.receiver_id : sent.response.new_message.sender_id) ?? undefined;
  } catch (error) {
    if (!isDuplicateMsgidError(error)) {
      throw jobErrorFromAmojo(error, `sending message ${message.msgid}`);
    }
    deps.log.info({ msgid: message.msgid, jobId: job.id }, 'amojo already had this msgid: counted as delivered');
  }
  if (!amojoChatId) {
    // A duplicate answer (or an answer without the chat id): create-chat is idempotent per conversation_id and
    // tells us amojo's chat id, which hooks, history and delivery statuses need.
    try {
      const chat = await deps.amojo.createChat(account.scopeId, {
        conversationId: conversation.conversationId,
        user: { id: sender.id, name: sender.name, ...(sender.profile ? { profile: sender.profile } : {}) },
        ...(conversation.sourceExternalId ? { sourceExternalId: conversation.sourceExternalId } : {}),
      });
      amojoChatId = asAmojoChatId(chat.amojoChatId);
      clientAmojoId ??= chat.amojoUserId;
    } catch (error) {
      throw jobErrorFromAmojo(error, `reading the amojo chat id of ${conversation.conversationId}`);
    }
  }
  const now = deps.now().getTime();
  deps.metrics.deliveryLatency.observe({ direction: 'inbound' }, Math.max(0, now - message.createdAt) / 1000);
  deps.log.debug({ msgid: message.msgid, amojoMsgId, jobId: job.id }, 'customer message delivered to amojo');
  return async (trx) => {
    if (amojoMsgId) await setMessageAmojoMsgId(trx, { id: message.id, amojoMsgId, now });
    await recordMessageStatus(trx, { messageId: message.id, status: 'sent', now });
    await updateConversation(trx, {
      id: conversation.id,
      ...(amojoChatId && amojoChatId !== conversation.amojoChatId ? { amojoChatId } : {}),
      activityAt: now,
      now,
    });
    if (clientAmojoId && !client.amojoParticipantId) {
      await upsertParticipant(trx, {
        conversationRowId: conversation.id,
        role: 'client',
        participantId: client.participantId ?? undefined,
        amojoParticipantId: clientAmojoId,
        now,
      });
    }
  };
}

/**
 * A chat amoCRM started ("write first", spec 3.4.7) is known to us by amojo's chat id and the client's amojo id
 * only; the client's first answer must carry both to bind the chat. Such conversations get a `phone:` chat key
 * from the outbound pipeline; once one inbound message got through, the chat is bound.
 */
async function needsWriteFirstBinding(
  deps: DeliverToAmojoDeps,
  conversation: {
    readonly id: ConversationRowId;
    readonly amojoChatId: AmojoChatId | null;
    readonly channelChatKey: ChannelChatKey | null;
    readonly writeFirstKey: string | null;
  },
  clientAmojoId: string | null,
): Promise<boolean> {
  const writeFirst = conversation.channelChatKey?.startsWith('phone:') || conversation.writeFirstKey !== null;
  if (!conversation.amojoChatId || !clientAmojoId || !writeFirst) return false;
  return !(await hasDeliveredCustomerMessage(deps.store.db, conversation.id));
}

/** The quote stored with a customer message (by receiveFromChannel) as the SDK's `replyTo`. */
function replyToOf(payload: unknown): Pick<SendMessageOptions, 'replyTo'> {
  const replyTo = (payload as { replyTo?: { msgid?: string; amojoMsgId?: string } } | null)?.replyTo;
  if (replyTo?.amojoMsgId) return { replyTo: { amojoMsgId: replyTo.amojoMsgId } };
  if (replyTo?.msgid) return { replyTo: { msgid: replyTo.msgid } };
  return {};
}

/**
 * A customer's forward (`message.forwarded`) as amojo `forwards`: by the original's ids when the bridge relayed it (in
 * any chat of the account: amoCRM links to it), else as an embedded message with its text, time and author.
 */
async function forwardsOf(
  deps: DeliverToAmojoDeps,
  accountId: AccountRowId,
  payload: unknown,
): Promise<Pick<SendMessageOptions, 'forwards'>> {
  const forwarded = (payload as ChannelMessageContent | null)?.forwarded;
  if (!forwarded) return {};
  const known = forwarded.messageId
    ? await findRelayedMessage(deps.store.db, { accountRowId: accountId, id: forwarded.messageId })
    : undefined;
  if (known) {
    return {
      forwards: {
        messages: [
          known.direction === 'out' && known.amojoMsgId ? { amojoMsgId: known.amojoMsgId } : { msgid: known.msgid },
        ],
        ...(known.amojoChatId ? { conversationRefId: known.amojoChatId } : {}),
      },
    };
  }
  return {
    forwards: {
      messages: [
        {
          type: 'text',
          text: forwarded.text || '(forwarded message)',
          msecTimestamp: forwarded.sentAtMs ?? Date.now(),
          sender: { name: forwarded.author || 'Unknown' },
        },
      ],
    },
  };
}

/** Our channel content in the SDK's shape; validation of required fields happened at intake. */
function toMessageContent(content: ChannelMessageContent): MessageContent {
  const text = content.text ?? '';
  switch (content.type) {
    case 'text':
      return { type: 'text', text };
    case 'picture':
    case 'file':
    case 'video':
      return {
        type: content.type,
        text,
        media: content.media ?? '',
        fileName: content.fileName ?? 'file',
        fileSize: content.fileSize ?? 0,
        ...(content.mediaDuration !== undefined ? { mediaDuration: content.mediaDuration } : {}),
      };
    case 'voice':
    case 'audio':
    case 'sticker':
      return {
        type: content.type,
        text,
        media: content.media ?? '',
        ...(content.fileName ? { fileName: content.fileName } : {}),
        ...(content.fileSize !== undefined ? { fileSize: content.fileSize } : {}),
        ...(content.mediaDuration !== undefined ? { mediaDuration: content.mediaDuration } : {}),
      };
    case 'location':
      return { type: 'location', text, location: content.location ?? { lon: 0, lat: 0 } };
    case 'contact':
      return { type: 'contact', text, contact: content.contact ?? { name: '', phone: '' } };
  }
}
