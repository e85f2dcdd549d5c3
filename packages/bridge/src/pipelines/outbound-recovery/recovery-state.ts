import { sql } from 'kysely';
import type { Executor } from '../../store/store.js';

// The SQL of the module's own state (migration 0007). See README.md for the states these rows encode.

/** Records that a conversation's history was read now (the scan then visits it last). */
export async function markChatsChecked(
  db: Executor,
  input: { readonly conversationRowIds: readonly number[]; readonly now: number },
): Promise<void> {
  if (input.conversationRowIds.length === 0) return;
  await db
    .insertInto('recovery_chats')
    .values(input.conversationRowIds.map((id) => ({ conversation_row_id: id, checked_at: input.now })))
    .onConflict((oc) => oc.column('conversation_row_id').doUpdateSet({ checked_at: input.now }))
    .execute();
}

/** A conversation the scan picked. */
export interface ChatToCheck {
  readonly conversationRowId: number;
  readonly amojoChatId: string;
}

/**
 * The `limit` conversations of these accounts whose history was read longest ago (never read first). Not marked
 * here: a check marks its chat when it has read the history, so a chat whose check failed or was cut short by a
 * crash is first again in the next round. Sorting by `coalesce(checked_at, 0)` cannot use the index; it is one sort
 * of the conversation ids per interval, cheaper than keeping a row per conversation at every conversation insert.
 */
export async function listOldestCheckedChats(
  db: Executor,
  input: { readonly accountIds: readonly number[]; readonly limit: number },
): Promise<ChatToCheck[]> {
  if (input.accountIds.length === 0 || input.limit <= 0) return [];
  const rows = await db
    .selectFrom('conversations as c')
    .leftJoin('recovery_chats as r', 'r.conversation_row_id', 'c.id')
    .select(['c.id as id', 'c.amojo_chat_id as amojo_chat_id'])
    .where('c.amojo_chat_id', 'is not', null)
    .where('c.account_id', 'in', input.accountIds)
    .orderBy(sql`coalesce(r.checked_at, 0)`)
    .orderBy('c.id')
    .limit(input.limit)
    .execute();
  return rows.map((row) => ({ conversationRowId: row.id, amojoChatId: row.amojo_chat_id ?? '' }));
}

/** The most recently active conversations of these accounts (the start-up catch-up's order). */
export async function listRecentlyActiveChats(
  db: Executor,
  input: { readonly accountIds: readonly number[]; readonly since: number; readonly limit: number },
): Promise<ChatToCheck[]> {
  if (input.accountIds.length === 0 || input.limit <= 0) return [];
  const rows = await db
    .selectFrom('conversations')
    .select(['id', 'amojo_chat_id'])
    .where('amojo_chat_id', 'is not', null)
    .where('account_id', 'in', input.accountIds)
    .where('last_activity_at', '>=', input.since)
    .orderBy('last_activity_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit)
    .execute();
  return rows.map((row) => ({ conversationRowId: row.id, amojoChatId: row.amojo_chat_id ?? '' }));
}

/**
 * Takes the account's recovery round for this process unless another process took it less than `minGapMs` ago
 * (several bridges on one PostgreSQL then make one feed request per account per interval between them). The
 * conditional upsert is atomic on both engines. Resolves the stored feed position when the turn is ours.
 */
export async function takeAccountTurn(
  db: Executor,
  input: { readonly accountId: number; readonly now: number; readonly minGapMs: number },
): Promise<{ readonly eventsReadUntil: number | null } | undefined> {
  const row = await db
    .insertInto('recovery_accounts')
    .values({ account_id: input.accountId, turn_at: input.now, events_read_until: null })
    .onConflict((oc) =>
      oc
        .column('account_id')
        .doUpdateSet({ turn_at: input.now })
        .where('recovery_accounts.turn_at', '<=', input.now - input.minGapMs),
    )
    .returning(['events_read_until'])
    .executeTakeFirst();
  return row ? { eventsReadUntil: row.events_read_until } : undefined;
}

/** Stores how far the account's event feed has been read (Unix seconds). */
export async function saveEventsReadUntil(
  db: Executor,
  input: { readonly accountId: number; readonly seconds: number },
): Promise<void> {
  await db
    .updateTable('recovery_accounts')
    .set({ events_read_until: input.seconds })
    .where('account_id', '=', input.accountId)
    .execute();
}
