import type { Selectable } from 'kysely';
import type { MessageStatusesTable } from '../database.js';
import type { AmojoMsgId, ConversationRowId, Msgid } from '../ids.js';
import type { Executor } from '../store.js';
import type { MessageWithStatuses } from './list-conversation-messages.js';

/**
 * The stored messages of a conversation that match a page of amojo history (by our msgid or by amojo's id), plus
 * those amojo does not know yet (no amojo id, still pending or failed), each with its status history.
 */
export async function findHistoryMessages(
  db: Executor,
  input: {
    readonly conversationRowId: ConversationRowId;
    readonly msgids: readonly Msgid[];
    readonly amojoMsgIds: readonly AmojoMsgId[];
    /** Also return the messages not in amojo yet. */
    readonly withUnsent: boolean;
  },
): Promise<MessageWithStatuses[]> {
  if (input.msgids.length === 0 && input.amojoMsgIds.length === 0 && !input.withUnsent) return [];
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_row_id', '=', input.conversationRowId)
    .where((eb) =>
      eb.or([
        ...(input.msgids.length > 0 ? [eb('msgid', 'in', [...input.msgids])] : []),
        ...(input.amojoMsgIds.length > 0 ? [eb('amojo_msgid', 'in', [...input.amojoMsgIds])] : []),
        ...(input.withUnsent ? [eb('amojo_msgid', 'is', null)] : []),
      ]),
    )
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  const ids = rows.map((r) => r.id);
  const statuses =
    ids.length === 0
      ? []
      : await db.selectFrom('message_statuses').selectAll().where('message_id', 'in', ids).orderBy('id').execute();
  const byMessage = new Map<number, Selectable<MessageStatusesTable>[]>();
  for (const status of statuses) {
    const list = byMessage.get(status.message_id) ?? [];
    list.push(status);
    byMessage.set(status.message_id, list);
  }
  return rows.map((row) => ({ ...row, statuses: byMessage.get(row.id) ?? [] }));
}
