import type { AmojoChatId, ChannelChatKey, ChannelInstanceRowId, ConversationRowId } from '../ids.js';
import type { Executor } from '../store.js';
import { type Conversation, toConversation } from './conversation.js';

/** Fields {@link updateConversation} can set; undefined ones are left alone. */
export interface UpdateConversationInput {
  readonly id: ConversationRowId;
  /** Binds amojo's chat id (answer to the first message, or "write first" binding, spec 3.4.7). */
  readonly amojoChatId?: AmojoChatId | undefined;
  readonly channelInstanceId?: ChannelInstanceRowId | null | undefined;
  readonly channelChatKey?: ChannelChatKey | null | undefined;
  /** The "write first" key (`phone:...`) a conversation keeps after the messenger's own chat key replaced it. */
  readonly writeFirstKey?: string | null | undefined;
  readonly sourceExternalId?: string | null | undefined;
  readonly contactId?: number | null | undefined;
  readonly phone?: string | null | undefined;
  /** Moves `last_activity_at` forward (never back). */
  readonly activityAt?: number | undefined;
  readonly now?: number | undefined;
}

/** Updates a conversation's ids and links; `undefined` when it does not exist. */
export async function updateConversation(
  db: Executor,
  input: UpdateConversationInput,
): Promise<Conversation | undefined> {
  const now = input.now ?? Date.now();
  let query = db
    .updateTable('conversations')
    .set({
      updated_at: now,
      ...(input.amojoChatId !== undefined && { amojo_chat_id: input.amojoChatId }),
      ...(input.channelInstanceId !== undefined && { channel_instance_id: input.channelInstanceId }),
      ...(input.channelChatKey !== undefined && { channel_chat_key: input.channelChatKey }),
      ...(input.writeFirstKey !== undefined && { write_first_key: input.writeFirstKey }),
      ...(input.sourceExternalId !== undefined && { source_external_id: input.sourceExternalId }),
      ...(input.contactId !== undefined && { contact_id: input.contactId }),
      ...(input.phone !== undefined && { phone: input.phone }),
    })
    .where('id', '=', input.id);
  if (input.activityAt !== undefined) {
    const at = input.activityAt;
    // `eb.val`: a bare number in `then` is inlined into the SQL text, so every call was a new statement (on SQLite a
    // new prepared statement of ~20 KB native memory, freed only when the cache drops it and GC runs).
    query = query.set((eb) => ({
      last_activity_at: eb
        .case()
        .when('last_activity_at', '<', at)
        .then(eb.val(at))
        .else(eb.ref('last_activity_at'))
        .end(),
    }));
  }
  const row = await query.returningAll().executeTakeFirst();
  return row && toConversation(row);
}
