import type { Selectable } from 'kysely';
import type { MessageStatusesTable, MessagesTable } from '../database.js';
import type { ConversationRowId } from '../ids.js';
import type { Executor } from '../store.js';
import { type Page, type PageRequest, toPage } from './page.js';

/** A message with its status history, oldest status first. */
export interface MessageWithStatuses extends Selectable<MessagesTable> {
  readonly statuses: readonly Selectable<MessageStatusesTable>[];
}

/** Options of {@link listConversationMessages}. */
export interface ListConversationMessagesOptions extends PageRequest {
  /** `conversations.id` (the row id, not the protocol's `conversation_id`). */
  readonly conversationRowId: ConversationRowId;
}

/** Lists the messages of one conversation, newest first, each with its status history (admin API). */
export async function listConversationMessages(
  db: Executor,
  options: ListConversationMessagesOptions,
): Promise<Page<MessageWithStatuses>> {
  let query = db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_row_id', '=', options.conversationRowId)
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.before !== undefined) query = query.where('id', '<', options.before);
  const page = toPage(await query.execute(), options.limit);
  const ids = page.items.map((message) => message.id);
  // One query for the statuses of the whole page rather than one per message.
  const statuses =
    ids.length === 0
      ? []
      : await db
          .selectFrom('message_statuses')
          .selectAll()
          .where('message_id', 'in', ids)
          .orderBy('message_id')
          .orderBy('id')
          .execute();
  const byMessage = new Map<number, Selectable<MessageStatusesTable>[]>();
  for (const status of statuses) {
    const list = byMessage.get(status.message_id) ?? [];
    list.push(status);
    byMessage.set(status.message_id, list);
  }
  return {
    items: page.items.map((message) => ({ ...message, statuses: byMessage.get(message.id) ?? [] })),
    nextBefore: page.nextBefore,
  };
}
