import type { Selectable } from 'kysely';
import type { MessageStatusName, MessagesTable } from '../database.js';
import type { AmojoMsgId, ConversationRowId, MessageRowId, Msgid, ParticipantRowId } from '../ids.js';
import { fromJson } from '../json.js';

/** A relayed message. */
export interface Message {
  readonly id: MessageRowId;
  readonly conversationRowId: ConversationRowId;
  /** `in`: customer -> amoCRM; `out`: amoCRM -> customer. */
  readonly direction: 'in' | 'out';
  /** Our stable message id (`payload.msgid`). */
  readonly msgid: Msgid;
  /** amojo's message id, once known. */
  readonly amojoMsgId: AmojoMsgId | null;
  /** The messenger's message id. */
  readonly channelMessageId: string | null;
  readonly senderParticipantId: ParticipantRowId | null;
  /** `text`, `picture`, `file`, ... (spec 3.4.4). */
  readonly type: string;
  readonly payload: unknown;
  readonly media: unknown;
  readonly status: MessageStatusName;
  readonly sentAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps a `messages` row to a {@link Message}. */
export function toMessage(row: Selectable<MessagesTable>): Message {
  return {
    id: row.id as MessageRowId,
    conversationRowId: row.conversation_row_id as ConversationRowId,
    direction: row.direction,
    msgid: row.msgid as Msgid,
    amojoMsgId: row.amojo_msgid as AmojoMsgId | null,
    channelMessageId: row.channel_message_id,
    senderParticipantId: row.sender_participant_id as ParticipantRowId | null,
    type: row.type,
    payload: fromJson(row.payload),
    media: row.media === null ? null : fromJson(row.media),
    status: row.status,
    sentAt: row.sent_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
