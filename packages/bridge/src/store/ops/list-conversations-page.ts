import type { Selectable } from 'kysely';
import type { ConversationsTable } from '../database.js';
import type { AmojoAccountId } from '../ids.js';
import type { Executor } from '../store.js';
import { type Page, type PageRequest, toPage } from './page.js';

/** Filters of {@link listConversationsPage}. */
export interface ListConversationsOptions extends PageRequest {
  /** Only conversations of this account (its amojo account id). */
  readonly amojoAccountId?: AmojoAccountId | undefined;
}

/** A conversation row as the admin API lists it, with its customer's name and its channel instance. */
export type ConversationRow = Selectable<ConversationsTable> & {
  readonly amojo_account_id: string;
  readonly customer_name: string | null;
  readonly channel_key: string | null;
  readonly channel_kind: string | null;
  readonly channel_name: string | null;
};

/** Lists conversations, newest first, one page at a time (admin API). */
export async function listConversationsPage(
  db: Executor,
  options: ListConversationsOptions,
): Promise<Page<ConversationRow>> {
  let query = db
    .selectFrom('conversations')
    .innerJoin('accounts', 'accounts.id', 'conversations.account_id')
    .leftJoin('channel_instances', 'channel_instances.id', 'conversations.channel_instance_id')
    .selectAll('conversations')
    .select((eb) => [
      'accounts.amojo_account_id',
      'channel_instances.key as channel_key',
      'channel_instances.kind as channel_kind',
      'channel_instances.name as channel_name',
      // The chat's first client (a chat has one; "write first" may add its row before the client is known).
      eb
        .selectFrom('participants')
        .select('participants.name')
        .whereRef('participants.conversation_row_id', '=', 'conversations.id')
        .where('participants.role', '=', 'client')
        .orderBy('participants.id')
        .limit(1)
        .as('customer_name'),
    ])
    .orderBy('conversations.id', 'desc')
    .limit(options.limit + 1);
  if (options.before !== undefined) query = query.where('conversations.id', '<', options.before);
  if (options.amojoAccountId !== undefined)
    query = query.where('accounts.amojo_account_id', '=', options.amojoAccountId);
  return toPage(await query.execute(), options.limit);
}
