import type { Selectable } from 'kysely';
import type { ConversationsTable } from '../database.js';
import type {
  AccountRowId,
  AmojoChatId,
  ChannelChatKey,
  ChannelInstanceRowId,
  ConversationId,
  ConversationRowId,
} from '../ids.js';

/** A chat between one client and the account's managers, as known to us, to amojo and to the messenger. */
export interface Conversation {
  readonly id: ConversationRowId;
  readonly accountId: AccountRowId;
  readonly channelInstanceId: ChannelInstanceRowId | null;
  /** Our integration chat id (`conversation_id`). */
  readonly conversationId: ConversationId;
  /** amojo chat id, once amojo told us. */
  readonly amojoChatId: AmojoChatId | null;
  /** The messenger's chat key. */
  readonly channelChatKey: ChannelChatKey | null;
  readonly sourceExternalId: string | null;
  readonly contactId: number | null;
  readonly phone: string | null;
  /** A "write first" chat's phone key, once it took the messenger's own key of the customer (else null). */
  readonly writeFirstKey: string | null;
  readonly lastActivityAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps a `conversations` row to a {@link Conversation}. */
export function toConversation(row: Selectable<ConversationsTable>): Conversation {
  return {
    id: row.id as ConversationRowId,
    accountId: row.account_id as AccountRowId,
    channelInstanceId: row.channel_instance_id as ChannelInstanceRowId | null,
    conversationId: row.conversation_id as ConversationId,
    amojoChatId: row.amojo_chat_id as AmojoChatId | null,
    channelChatKey: row.channel_chat_key as ChannelChatKey | null,
    sourceExternalId: row.source_external_id,
    contactId: row.contact_id,
    phone: row.phone,
    writeFirstKey: row.write_first_key ?? null,
    lastActivityAt: row.last_activity_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
