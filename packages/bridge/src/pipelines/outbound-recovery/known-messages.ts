import type { HistoryItem } from '@amojo-bridge/sdk';
import { isImportedMsgid } from '../../import/imported-msgid.js';
import type { ScopeId } from '../../store/ids.js';
import { scopedDedupKey } from '../../store/ops/insert-hook-record.js';
import type { Executor } from '../../store/store.js';

/** What the bridge knows of the manager messages on a history page. */
export interface KnownMessages {
  /** amojo ids with a `messages` row, and its status. */
  readonly statusOf: ReadonlyMap<string, string>;
  /** amojo ids whose hook (or an earlier recovery) is in the hook log. */
  readonly hooked: ReadonlySet<string>;
  /** Our msgids found among the items' `client_id`s (messages the bridge itself sent). */
  readonly ours: ReadonlySet<string>;
}

/**
 * Whether a history item is a manager (or bot) message to the customer that the relay is responsible for: outgoing
 * items name a receiver. Messages `amojo-bridge import` sent are history, never relayed to the customer, so they are
 * not manager messages here (otherwise a live reply in an imported chat would "recover" the whole import).
 */
export const isManagerMessage = (item: HistoryItem): boolean =>
  Boolean(item.receiver) && !isImportedMsgid(item.message.client_id);

/**
 * Looks up, in three queries whatever the page size, which manager messages of `items` (of chats in `scopeId`) the
 * bridge has: as a stored message, as a hook log row (keyed per scope), or as its own message (the item's `client_id` is one of our msgids).
 */
export async function findKnownMessages(
  db: Executor,
  scopeId: ScopeId,
  items: readonly HistoryItem[],
): Promise<KnownMessages> {
  const managerItems = items.filter(isManagerMessage);
  const ids = managerItems.map((item) => item.message.id);
  const msgids = managerItems.map((item) => item.message.client_id).filter((id): id is string => Boolean(id));
  if (ids.length === 0) return { statusOf: new Map(), hooked: new Set(), ours: new Set() };
  const [messages, hooks, ours] = await Promise.all([
    db.selectFrom('messages').select(['amojo_msgid', 'status']).where('amojo_msgid', 'in', ids).execute(),
    db
      .selectFrom('hooks')
      .select('dedup_key')
      .where(
        'dedup_key',
        'in',
        ids.map((id) => scopedDedupKey(scopeId, id)),
      )
      .execute(),
    msgids.length > 0
      ? db.selectFrom('messages').select('msgid').where('msgid', 'in', msgids).execute()
      : Promise.resolve([]),
  ]);
  return {
    statusOf: new Map(messages.map((row) => [row.amojo_msgid ?? '', row.status])),
    hooked: new Set(hooks.map((row) => (row.dedup_key ?? '').slice(scopeId.length + 1))),
    ours: new Set(ours.map((row) => row.msgid)),
  };
}
