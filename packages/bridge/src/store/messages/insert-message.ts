import { randomUUID } from 'node:crypto';
import { BridgeError } from '../../errors.js';
import type { MessageStatusName } from '../database.js';
import { type AmojoMsgId, asMsgid, type ConversationRowId, type Msgid, type ParticipantRowId } from '../ids.js';
import { toJson } from '../json.js';
import type { Executor } from '../store.js';
import { findMessage } from './find-message.js';
import { type Message, toMessage } from './message.js';

/** Input of {@link insertMessage}. */
export interface InsertMessageInput {
  readonly conversationRowId: ConversationRowId;
  readonly direction: 'in' | 'out';
  /** Our msgid; generated (a UUID) when absent. Stored before the first delivery attempt and never changed. */
  readonly msgid?: Msgid | undefined;
  readonly amojoMsgId?: AmojoMsgId | undefined;
  readonly channelMessageId?: string | undefined;
  readonly senderParticipantId?: ParticipantRowId | undefined;
  readonly type: string;
  readonly payload: unknown;
  readonly media?: unknown;
  /** Default `pending`. */
  readonly status?: MessageStatusName | undefined;
  /** When the author wrote it; default `now`. */
  readonly sentAt?: number | undefined;
  readonly now?: number | undefined;
}

/** What {@link insertMessage} stored or found. */
export interface InsertedMessage {
  readonly message: Message;
  /** False when the same message was already stored (a retried request, a duplicated hook). */
  readonly created: boolean;
}

/**
 * Stores a message once. A second call for the same message (same msgid, same amojo message id, or same
 * (conversation, direction, channel message id)) stores nothing and returns the first row with `created: false`,
 * so the caller acknowledges a retried request without enqueueing a second delivery.
 */
export async function insertMessage(db: Executor, input: InsertMessageInput): Promise<InsertedMessage> {
  const now = input.now ?? Date.now();
  const status = input.status ?? 'pending';
  const row = await db
    .insertInto('messages')
    .values({
      conversation_row_id: input.conversationRowId,
      direction: input.direction,
      msgid: input.msgid ?? asMsgid(randomUUID()),
      amojo_msgid: input.amojoMsgId ?? null,
      channel_message_id: input.channelMessageId ?? null,
      sender_participant_id: input.senderParticipantId ?? null,
      type: input.type,
      payload: toJson(input.payload),
      media: input.media === undefined || input.media === null ? null : toJson(input.media),
      status,
      sent_at: input.sentAt ?? now,
      created_at: now,
      updated_at: now,
    })
    // No conflict target: any of the three unique keys means "already stored".
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row) {
    await db.insertInto('message_statuses').values({ message_id: row.id, status, created_at: now }).execute();
    return { message: toMessage(row), created: true };
  }
  const existing =
    (input.msgid !== undefined ? await findMessage(db, { msgid: input.msgid }) : undefined) ??
    (input.amojoMsgId !== undefined ? await findMessage(db, { amojoMsgId: input.amojoMsgId }) : undefined) ??
    (input.channelMessageId !== undefined
      ? await findMessage(db, {
          conversationRowId: input.conversationRowId,
          direction: input.direction,
          channelMessageId: input.channelMessageId,
        })
      : undefined);
  if (!existing) {
    throw new BridgeError('message_conflict', 'insertMessage: a unique key conflicted but no matching message exists');
  }
  return { message: existing, created: false };
}
