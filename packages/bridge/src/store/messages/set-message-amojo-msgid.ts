import type { Executor } from '../store.js';
import { type Message, toMessage } from './message.js';

/** Stores amojo's message id for our message (from the `new_message` answer); `undefined` when unknown. */
export async function setMessageAmojoMsgid(
  db: Executor,
  input: { readonly id: number; readonly amojoMsgid: string; readonly now?: number },
): Promise<Message | undefined> {
  const row = await db
    .updateTable('messages')
    .set({ amojo_msgid: input.amojoMsgid, updated_at: input.now ?? Date.now() })
    .where('id', '=', input.id)
    .returningAll()
    .executeTakeFirst();
  return row && toMessage(row);
}
