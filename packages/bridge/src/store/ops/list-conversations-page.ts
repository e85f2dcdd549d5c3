import type { Selectable } from 'kysely';
import type { ConversationsTable } from '../database.js';
import type { Executor } from '../store.js';
import { type Page, type PageRequest, toPage } from './page.js';

/** Filters of {@link listConversationsPage}. */
export interface ListConversationsOptions extends PageRequest {
  /** Only conversations of this account (row id). */
  readonly accountId?: number | undefined;
}

/** A conversation row as the admin API lists it. */
export type ConversationRow = Selectable<ConversationsTable>;

/** Lists conversations, newest first, one page at a time (admin API). */
export async function listConversationsPage(
  db: Executor,
  options: ListConversationsOptions,
): Promise<Page<ConversationRow>> {
  let query = db
    .selectFrom('conversations')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.before !== undefined) query = query.where('id', '<', options.before);
  if (options.accountId !== undefined) query = query.where('account_id', '=', options.accountId);
  return toPage(await query.execute(), options.limit);
}
