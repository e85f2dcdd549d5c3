import type { InboundEdit, InboundReaction, ReceiveResult } from '../channels/channel-adapter.js';
import type { CommitBatcher } from '../queue/index.js';
import { findConversation } from '../store/conversations/index.js';
import { asMsgid, type ConversationRowId, type MessageRowId } from '../store/ids.js';
import { findMessage, type Message } from '../store/messages/index.js';
import type { Executor } from '../store/store.js';
import { rememberChannelEvent } from './channel-events-table.js';
import { enqueueJob, JOB_KINDS } from './job-kinds.js';
import { clientParticipantId, type LoadChannelInstanceDeps, loadChannelInstance } from './load-channel-instance.js';
import { RelayInputError } from './relay-errors.js';

/** What {@link receiveEditOrReaction} uses: the store (and instance secrets), the commit batcher and the clock. */
export interface ReceiveEditOrReactionDeps extends LoadChannelInstanceDeps {
  readonly batcher: Pick<CommitBatcher, 'submit'>;
  readonly now: () => Date;
}

/** Payload of an `edit-to-amojo` job. */
export interface EditToAmojoPayload {
  readonly messageRowId: MessageRowId;
  readonly text: string;
  readonly editedAtMs: number;
}

/** Payload of a `reaction-to-amojo` job. */
export interface ReactionToAmojoPayload {
  readonly messageRowId: MessageRowId;
  /** Our participant id of the customer who reacted. */
  readonly participantId: string;
  readonly type: 'react' | 'unreact';
  readonly emoji: string;
}

/**
 * A message of a conversation by the messenger's id, customer's (`in`) or manager's (`out`). A manager message is
 * also found by our own id (`msgid`): a messenger that never answered an id of its own (the http channel's customer
 * system may not) knows it only by the id the bridge sent it with.
 */
export async function findChannelMessage(
  db: Executor,
  conversationRowId: ConversationRowId,
  channelMessageId: string,
  directions: readonly ('in' | 'out')[] = ['in', 'out'],
): Promise<Message | undefined> {
  for (const direction of directions) {
    const found = await findMessage(db, { conversationRowId, direction, channelMessageId });
    if (found) return found;
  }
  if (directions.includes('out')) {
    const ours = await findMessage(db, { msgid: asMsgid(channelMessageId) });
    if (ours?.direction === 'out' && ours.conversationRowId === conversationRowId) return ours;
  }
  return undefined;
}

/**
 * A customer edit or reaction: stored as a job in the conversation's inbound lane (so it reaches amoCRM after the
 * message it changes) in one grouped commit with its event id, which makes a redelivery a duplicate. An event about
 * a chat or message the bridge never relayed is refused with 404.
 */
export async function receiveEditOrReaction(
  deps: ReceiveEditOrReactionDeps,
  event: InboundEdit | InboundReaction,
): Promise<ReceiveResult> {
  const instance = await loadChannelInstance(deps, { key: event.instanceId });
  if (!instance) throw new RelayInputError(`channel instance ${event.instanceId} does not exist`, 404);
  const conversation = await findConversation(deps.store.db, {
    channelInstanceId: instance.rowId,
    channelChatKey: event.chatKey,
  });
  if (!conversation) throw new RelayInputError(`chat ${event.chatKey} is not known to this bridge`, 404);
  const target = await findChannelMessage(
    deps.store.db,
    conversation.id,
    event.messageEventId,
    // A customer edits only their own messages; they react to anyone's.
    event.kind === 'edit' ? ['in'] : ['in', 'out'],
  );
  if (!target) throw new RelayInputError(`message ${event.messageEventId} of chat ${event.chatKey} is not known`, 404);
  const now = deps.now().getTime();
  return deps.batcher.submit(async (trx) => {
    const fresh = await rememberChannelEvent(trx, {
      instanceRowId: instance.rowId,
      eventId: event.eventId,
      kind: event.kind,
      now,
    });
    if (!fresh) return { messageId: target.msgid, duplicate: true };
    const lane = { messageRowId: target.id, conversationRowId: conversation.id };
    if (event.kind === 'edit') {
      await enqueueJob(trx, JOB_KINDS.editToAmojo, {
        ...lane,
        text: event.text,
        editedAtMs: event.editedAt.getTime(),
      });
    } else {
      await enqueueJob(trx, JOB_KINDS.reactionToAmojo, {
        ...lane,
        participantId: clientParticipantId(instance.key, event.senderId),
        type: event.type,
        emoji: event.emoji,
      });
    }
    return { messageId: target.msgid, duplicate: false };
  });
}
