import type {
  AccountRowId,
  AmojoChatId,
  ChannelChatKey,
  ChannelInstanceRowId,
  ConversationId,
  ConversationRowId,
} from '../ids.js';
import type { Executor } from '../store.js';
import { type Conversation, toConversation } from './conversation.js';

/** The keys a conversation is known by. `{ accountId, phone }` finds the most recently active chat with that phone. */
export type FindConversationBy =
  | { readonly id: ConversationRowId }
  | { readonly accountId: AccountRowId; readonly conversationId: ConversationId }
  | { readonly accountId: AccountRowId; readonly amojoChatId: AmojoChatId }
  | { readonly channelInstanceId: ChannelInstanceRowId; readonly channelChatKey: ChannelChatKey }
  | { readonly accountId: AccountRowId; readonly phone: string };

/** Finds one conversation; `undefined` when unknown. */
export async function findConversation(db: Executor, by: FindConversationBy): Promise<Conversation | undefined> {
  let query = db.selectFrom('conversations').selectAll();
  if ('id' in by) query = query.where('id', '=', by.id);
  else if ('conversationId' in by)
    query = query.where('account_id', '=', by.accountId).where('conversation_id', '=', by.conversationId);
  else if ('amojoChatId' in by)
    query = query.where('account_id', '=', by.accountId).where('amojo_chat_id', '=', by.amojoChatId);
  else if ('channelChatKey' in by)
    query = query
      .where('channel_instance_id', '=', by.channelInstanceId)
      .where('channel_chat_key', '=', by.channelChatKey);
  else
    query = query
      .where('account_id', '=', by.accountId)
      .where('phone', '=', by.phone)
      .orderBy('last_activity_at', 'desc')
      .orderBy('id', 'desc');
  const row = await query.executeTakeFirst();
  return row && toConversation(row);
}
