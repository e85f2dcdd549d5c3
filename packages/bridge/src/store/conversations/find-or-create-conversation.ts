import { randomUUID } from 'node:crypto';
import { BridgeError } from '../../errors.js';
import {
  type AccountRowId,
  type AmojoChatId,
  asConversationId,
  type ChannelChatKey,
  type ChannelInstanceRowId,
  type ConversationId,
} from '../ids.js';
import type { Executor } from '../store.js';
import { type Conversation, toConversation } from './conversation.js';
import { findConversation } from './find-conversation.js';

/** Fields of a new conversation besides the key it is found by. */
interface NewConversationFields {
  readonly accountId: AccountRowId;
  /** Our chat id; generated (a UUID) when absent. Chosen once, never changed. */
  readonly conversationId?: ConversationId | undefined;
  readonly sourceExternalId?: string | null | undefined;
  readonly phone?: string | null | undefined;
  readonly contactId?: number | null | undefined;
  readonly now?: number | undefined;
}

/** Input of {@link findOrCreateConversation}: exactly one lookup key, the messenger's chat or amojo's chat. */
export type FindOrCreateConversationInput = NewConversationFields &
  (
    | {
        /** Customer side: the messenger's chat key within a channel instance. */
        readonly channelInstanceId: ChannelInstanceRowId;
        readonly channelChatKey: ChannelChatKey;
        readonly amojoChatId?: undefined;
      }
    | {
        /** amoCRM side: a hook's `conversation.id` (also "write first" chats, which have no chat key yet). */
        readonly amojoChatId: AmojoChatId;
        readonly channelInstanceId?: ChannelInstanceRowId | null | undefined;
        readonly channelChatKey?: undefined;
      }
  );

/** What {@link findOrCreateConversation} found or made. */
export interface FoundConversation {
  readonly conversation: Conversation;
  readonly created: boolean;
}

/**
 * Returns the conversation for a messenger chat key or an amojo chat id, creating it if needed. Concurrent callers
 * for the same key get the same row (insert ... on conflict do nothing, then read), so it is safe without locks.
 */
export async function findOrCreateConversation(
  db: Executor,
  input: FindOrCreateConversationInput,
): Promise<FoundConversation> {
  const now = input.now ?? Date.now();
  const existing = await lookup(db, input);
  if (existing) return { conversation: existing, created: false };
  const row = await db
    .insertInto('conversations')
    .values({
      account_id: input.accountId,
      channel_instance_id: input.channelInstanceId ?? null,
      conversation_id: input.conversationId ?? asConversationId(randomUUID()),
      amojo_chat_id: input.amojoChatId ?? null,
      channel_chat_key: input.channelChatKey ?? null,
      source_external_id: input.sourceExternalId ?? null,
      phone: input.phone ?? null,
      contact_id: input.contactId ?? null,
      last_activity_at: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row) return { conversation: toConversation(row), created: true };
  const raced = await lookup(db, input);
  if (raced) return { conversation: raced, created: false };
  // The insert conflicted on something other than the lookup key: the caller's conversationId is taken.
  throw new BridgeError(
    'conversation_conflict',
    `conversation_id ${input.conversationId} already belongs to another chat of account ${input.accountId}`,
  );
}

function lookup(db: Executor, input: FindOrCreateConversationInput): Promise<Conversation | undefined> {
  return input.amojoChatId !== undefined
    ? findConversation(db, { accountId: input.accountId, amojoChatId: input.amojoChatId })
    : findConversation(db, { channelInstanceId: input.channelInstanceId, channelChatKey: input.channelChatKey });
}
