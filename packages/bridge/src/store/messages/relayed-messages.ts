import type { AccountRowId, AmojoChatId, AmojoMsgId, ConversationRowId, MessageRowId, Msgid } from '../ids.js';
import type { Executor } from '../store.js';

/** A message of an account that amojo has, as a forward of it needs it. */
export interface RelayedMessage {
  readonly msgid: Msgid;
  readonly amojoMsgId: AmojoMsgId | null;
  readonly direction: 'in' | 'out';
  readonly amojoChatId: AmojoChatId | null;
}

/**
 * A message of the account that amojo has (a customer message past `pending`, or any manager message: those came
 * from amojo), by our `msgid` or by the id the customer system knows it by (`channel_message_id`). Two index
 * lookups (`msgid` is unique; `messages_channel_message_id`, migration 0019), never a scan of the account's messages.
 */
export async function findRelayedMessage(
  db: Executor,
  input: { readonly accountRowId: AccountRowId; readonly id: string },
): Promise<RelayedMessage | undefined> {
  for (const column of ['messages.msgid', 'messages.channel_message_id'] as const) {
    const row = await db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_row_id')
      .select(['messages.msgid', 'messages.amojo_msgid', 'messages.direction', 'conversations.amojo_chat_id'])
      .where(column, '=', input.id)
      .where('conversations.account_id', '=', input.accountRowId)
      .where((eb) => eb.or([eb('messages.direction', '=', 'out'), eb('messages.status', '!=', 'pending')]))
      .limit(1)
      .executeTakeFirst();
    if (row) {
      return {
        msgid: row.msgid as Msgid,
        amojoMsgId: row.amojo_msgid as AmojoMsgId | null,
        direction: row.direction,
        amojoChatId: row.amojo_chat_id as AmojoChatId | null,
      };
    }
  }
  return undefined;
}

/** Whether any customer message of the conversation got past `pending` (amojo has it). */
export async function hasDeliveredCustomerMessage(
  db: Executor,
  conversationRowId: ConversationRowId,
): Promise<boolean> {
  const row = await db
    .selectFrom('messages')
    .select('id')
    .where('conversation_row_id', '=', conversationRowId)
    .where('direction', '=', 'in')
    .where('status', '!=', 'pending')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Records the customer system's id of a message we sent, unless one is recorded already. */
export async function setMessageChannelMessageId(
  db: Executor,
  input: { readonly id: MessageRowId; readonly channelMessageId: string; readonly now: number },
): Promise<void> {
  await db
    .updateTable('messages')
    .set({ channel_message_id: input.channelMessageId, updated_at: input.now })
    .where('id', '=', input.id)
    .where('channel_message_id', 'is', null)
    .execute();
}
