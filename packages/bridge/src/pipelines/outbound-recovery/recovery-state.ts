import { sql } from 'kysely';
import {
  type AccountRowId,
  type AmojoChatId,
  asAmojoChatId,
  asConversationRowId,
  type ConversationRowId,
} from '../../store/ids.js';
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
  readonly conversationRowId: ConversationRowId;
  readonly amojoChatId: AmojoChatId;
}

/**
 * The `limit` conversations of these accounts whose history was read longest ago (never read first), over all the
 * accounts together, and at most `perAccount` of each account. Not marked here: a check marks its chat when it has
 * read the history, so a chat whose check failed or was cut short by a crash is first again in the next round.
 * Sorting by `coalesce(checked_at, 0)` cannot use the index; it is one sort of the conversation ids per interval,
 * cheaper than keeping a row per conversation at every conversation insert.
 */
export async function listOldestCheckedChats(
  db: Executor,
  input: { readonly accountIds: readonly AccountRowId[]; readonly limit: number; readonly perAccount: number },
): Promise<ChatToCheck[]> {
  if (input.accountIds.length === 0 || input.limit <= 0 || input.perAccount <= 0) return [];
  // A window function (SQLite 3.25+, PostgreSQL) ranks each account's chats, so the global order stays
  // oldest-checked first while no account takes more than its share.
  const ranked = db
    .selectFrom('conversations as c')
    .leftJoin('recovery_chats as r', 'r.conversation_row_id', 'c.id')
    .select([
      'c.id as id',
      'c.amojo_chat_id as amojo_chat_id',
      sql<number>`coalesce(r.checked_at, 0)`.as('checked'),
      sql<number>`row_number() over (partition by c.account_id order by coalesce(r.checked_at, 0), c.id)`.as('rank'),
    ])
    .where('c.amojo_chat_id', 'is not', null)
    .where('c.account_id', 'in', input.accountIds)
    .as('ranked');
  const rows = await db
    .selectFrom(ranked)
    .select(['ranked.id', 'ranked.amojo_chat_id'])
    .where('ranked.rank', '<=', input.perAccount)
    .orderBy('ranked.checked')
    .orderBy('ranked.id')
    .limit(input.limit)
    .execute();
  return rows.map((row) => ({
    conversationRowId: asConversationRowId(row.id),
    amojoChatId: asAmojoChatId(row.amojo_chat_id ?? ''),
  }));
}

/**
 * The accounts in the order their recovery turn is due: never taken first, then the longest-waiting, each with
 * whether its turn is due now (no turn, or taken at least `minGapMs` ago). With a global budget smaller than the
 * number of accounts, the ones a round could not serve are first in the next.
 */
export async function orderByTurn(
  db: Executor,
  input: { readonly accountIds: readonly AccountRowId[]; readonly now: number; readonly minGapMs: number },
): Promise<{ readonly accountId: AccountRowId; readonly due: boolean }[]> {
  if (input.accountIds.length === 0) return [];
  const rows = await db.selectFrom('recovery_accounts').select(['account_id', 'turn_at']).execute();
  const turnAt = new Map(rows.map((row) => [row.account_id, Number(row.turn_at)]));
  return [...input.accountIds]
    .sort((a, b) => (turnAt.get(a) ?? -1) - (turnAt.get(b) ?? -1) || a - b)
    .map((accountId) => {
      const at = turnAt.get(accountId);
      return { accountId, due: at === undefined || at <= input.now - input.minGapMs };
    });
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
  return rows.map((row) => ({
    conversationRowId: asConversationRowId(row.id),
    amojoChatId: asAmojoChatId(row.amojo_chat_id ?? ''),
  }));
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
