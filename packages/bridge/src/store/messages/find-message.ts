import type { AmojoMsgId, ConversationRowId, MessageRowId, Msgid } from '../ids.js';
import type { Executor } from '../store.js';
import { type Message, toMessage } from './message.js';

/** The ids a message is known by. */
export type FindMessageBy =
  | { readonly id: MessageRowId }
  | { readonly msgid: Msgid }
  | { readonly amojoMsgId: AmojoMsgId }
  | {
      readonly conversationRowId: ConversationRowId;
      readonly direction: 'in' | 'out';
      readonly channelMessageId: string;
    };

/** Finds one message; `undefined` when unknown. */
export async function findMessage(db: Executor, by: FindMessageBy): Promise<Message | undefined> {
  let query = db.selectFrom('messages').selectAll();
  if ('id' in by) query = query.where('id', '=', by.id);
  else if ('msgid' in by) query = query.where('msgid', '=', by.msgid);
  else if ('amojoMsgId' in by) query = query.where('amojo_msgid', '=', by.amojoMsgId);
  else
    query = query
      .where('conversation_row_id', '=', by.conversationRowId)
      .where('direction', '=', by.direction)
      .where('channel_message_id', '=', by.channelMessageId);
  const row = await query.executeTakeFirst();
  return row && toMessage(row);
}

/** Lists a conversation's messages in id order (the order they were accepted), after `afterId`. */
export async function listMessages(
  db: Executor,
  options: {
    readonly conversationRowId: ConversationRowId;
    readonly afterId?: MessageRowId | undefined;
    readonly limit: number;
  },
): Promise<Message[]> {
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_row_id', '=', options.conversationRowId)
    .where('id', '>', options.afterId ?? 0)
    .orderBy('id')
    .limit(options.limit)
    .execute();
  return rows.map(toMessage);
}
