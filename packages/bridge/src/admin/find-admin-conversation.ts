import { z } from 'zod';
import { type Conversation, toConversation } from '../store/conversations/conversation.js';
import { type AmojoAccountId, asAmojoAccountId, asScopeId, type ConversationId, type ScopeId } from '../store/ids.js';
import type { Executor } from '../store/store.js';
import { AdminInputError } from './parse-input.js';
import { amojoAccountIdSchema, conversationIdSchema } from './public-ids.js';

/** `:conversationId` of the conversation routes: our `conversation_id`, the one logs and amojo hooks carry. */
export const conversationParams = z.object({ conversationId: conversationIdSchema });
/** `?accountId=` (amojo account id) picks one when two accounts have a conversation with the same id. */
export const conversationAccountQuery = { accountId: amojoAccountIdSchema.optional() };

/** A conversation as the admin routes address it, with the account it belongs to. */
export interface AdminConversation {
  readonly conversation: Conversation;
  readonly account: { readonly amojoAccountId: AmojoAccountId; readonly scopeId: ScopeId };
}

/**
 * Finds a conversation by its public id (our `conversation_id`), optionally within one account (amojo account id).
 * Throws a 404 when none matches and a 409 when the id is taken in several accounts and no account was given:
 * `conversation_id` is unique per account only (migration 0001), though the bridge makes it random or hashed from
 * the globally unique instance key.
 */
export async function findAdminConversation(
  db: Executor,
  by: { readonly conversationId: ConversationId; readonly amojoAccountId?: AmojoAccountId | undefined },
): Promise<AdminConversation> {
  let query = db
    .selectFrom('conversations')
    .innerJoin('accounts', 'accounts.id', 'conversations.account_id')
    .selectAll('conversations')
    .select(['accounts.amojo_account_id', 'accounts.scope_id'])
    .where('conversations.conversation_id', '=', by.conversationId)
    .orderBy('conversations.id')
    .limit(2);
  if (by.amojoAccountId !== undefined) query = query.where('accounts.amojo_account_id', '=', by.amojoAccountId);
  const rows = await query.execute();
  const [row, other] = rows;
  if (!row) throw new AdminInputError('conversationId', `No conversation ${by.conversationId}`, 404);
  if (other) {
    throw new AdminInputError(
      'accountId',
      `Conversation ${by.conversationId} exists in several accounts: add ?accountId=<amojo account id>`,
      409,
    );
  }
  const { amojo_account_id, scope_id, ...conversation } = row;
  return {
    conversation: toConversation(conversation),
    account: { amojoAccountId: asAmojoAccountId(amojo_account_id), scopeId: asScopeId(scope_id) },
  };
}
