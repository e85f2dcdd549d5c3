import type { AmojoMsgId, MessageRowId } from '../ids.js';
import type { Executor } from '../store.js';
import { type Message, toMessage } from './message.js';

/** Stores amojo's message id for our message (from the `new_message` answer); `undefined` when unknown. */
export async function setMessageAmojoMsgId(
  db: Executor,
  input: { readonly id: MessageRowId; readonly amojoMsgId: AmojoMsgId; readonly now?: number },
): Promise<Message | undefined> {
  const row = await db
    .updateTable('messages')
    .set({ amojo_msgid: input.amojoMsgId, updated_at: input.now ?? Date.now() })
    .where('id', '=', input.id)
    .returningAll()
    .executeTakeFirst();
  return row && toMessage(row);
}
