import type { Account } from '../../store/accounts/index.js';
import type { RelayDeps } from '../deps.js';
import { type ManagerMessage, managerMessageFromHistory } from '../manager-message.js';
import { jobErrorFromAmojo } from '../relay-errors.js';
import { type HistoryPage, type RecentPages, readHistoryPage, sentAtOf } from './history-page.js';
import { findKnownMessages, isManagerMessage } from './known-messages.js';
import { RECOVERY_REASONS, recordRecoveredMessage } from './record-recovered-message.js';

/**
 * Guarantee (a), order: the manager messages of `m`'s chat that are older than `m` and were never delivered (their
 * hooks were lost), oldest first, to be delivered before `m`. One bounded read (the newest history page) serves a
 * whole delivery batch of a lane: a later message of the batch is on the page already read, and everything older
 * than it on that page was visible then. Each message returned gets a hook-log row (deduplicated by its amojo id).
 *
 * When history cannot be read the delivery is retried (the error is a retryable job error), because delivering now
 * could put `m` before an older lost message; on the job's last attempt `m` is delivered anyway, so an amojo outage
 * can delay a message but never lose it.
 */
export async function earlierUndelivered(
  deps: RelayDeps,
  pages: RecentPages,
  input: { readonly account: Account; readonly message: ManagerMessage; readonly lastAttempt: boolean },
): Promise<ManagerMessage[]> {
  const m = input.message;
  let page: HistoryPage | undefined = pages.holding(m.amojoChatId, m.amojoMsgId);
  if (!page) {
    try {
      page = await readHistoryPage(deps, { scopeId: input.account.scopeId, amojoChatId: m.amojoChatId });
    } catch (error) {
      if (input.lastAttempt) {
        deps.log.warn(
          { err: error, amojoChatId: m.amojoChatId, amojoMsgId: m.amojoMsgId, event: 'order_check_skipped' },
          'chat history unreadable on the last attempt: delivering without the order check',
        );
        return [];
      }
      throw jobErrorFromAmojo(error, `reading history of chat ${m.amojoChatId} before delivering ${m.amojoMsgId}`);
    }
    pages.remember(page);
  }
  // Newest first: what follows `m` on the page is older. Not on the page (older than the whole page, or not yet
  // visible in history): compare times instead.
  const at = page.items.findIndex((item) => item.message.id === m.amojoMsgId);
  const older = (at >= 0 ? page.items.slice(at + 1) : page.items.filter((item) => sentAtOf(item) <= m.sentAtMs)).filter(
    (item) => isManagerMessage(item) && item.message.id !== m.amojoMsgId,
  );
  if (older.length === 0) return [];
  const known = await findKnownMessages(deps.store.db, older);
  const earlier: ManagerMessage[] = [];
  for (const item of [...older].reverse()) {
    if (item.message.client_id && known.ours.has(item.message.client_id)) continue;
    const status = known.statusOf.get(item.message.id);
    if (status !== undefined && status !== 'pending') continue;
    const message = managerMessageFromHistory(input.account.scopeId, m.amojoChatId, m.conversationId, item);
    earlier.push(message);
    if (!known.hooked.has(item.message.id)) {
      await recordRecoveredMessage(deps, { item, message, reason: RECOVERY_REASONS.beforeLater, enqueue: false });
    }
  }
  if (earlier.length > 0) {
    deps.log.info(
      { event: 'order_check_recovered', amojoChatId: m.amojoChatId, before: m.amojoMsgId, recovered: earlier.length },
      'delivering missed earlier manager messages first',
    );
  }
  return earlier;
}
