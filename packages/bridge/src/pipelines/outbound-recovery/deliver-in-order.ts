import type { HistoryItem } from '@amojo-bridge/sdk';
import type { Account } from '../../store/accounts/index.js';
import type { ScopeId } from '../../store/ids.js';
import { type ManagerMessage, managerMessageFromHistory } from '../manager-message.js';
import { jobErrorFromAmojo } from '../relay-errors.js';
import {
  HISTORY_PAGE_SIZE,
  type HistoryPage,
  joinPages,
  type RecentPages,
  readHistoryPage,
  sentAtOf,
} from './history-page.js';
import { findKnownMessages, isManagerMessage, type KnownMessages } from './known-messages.js';
import { RECOVERY_REASONS, recordRecoveredMessage } from './record-recovered-message.js';
import type { OutboundRecoveryDeps } from './recovery-deps.js';

/** What the order check is asked about: the message about to be delivered, its account, and whether it is the job's last attempt. */
export interface OrderCheckInput {
  readonly account: Account;
  readonly message: ManagerMessage;
  readonly lastAttempt: boolean;
}

/**
 * The order check as the outbound pipeline calls it: {@link earlierUndelivered} bound to outbound recovery's deps and
 * its cache of recently read history pages (`createOutboundRecovery` binds it).
 */
export type OrderCheck = (input: OrderCheckInput) => Promise<ManagerMessage[]>;

/**
 * Guarantee (a), order: the manager messages of `m`'s chat that are older than `m` and were never delivered (their
 * hooks were lost), oldest first, to be delivered before `m`. The read goes back from the newest page until it holds
 * `m` and, older than `m`, a settled manager message (delivered, read or failed), since that one's own check covered
 * everything before it; usually one page, at most {@link MAX_ORDER_PAGES}. One such read serves a whole delivery
 * batch of a lane: a later message of the batch is in the window already read, and everything older than it in that
 * window was visible then. Each message returned gets a hook-log row (deduplicated by its amojo id).
 *
 * When history cannot be read the delivery is retried (the error is a retryable job error), because delivering now
 * could put `m` before an older lost message; on the job's last attempt `m` is delivered anyway, so an amojo outage
 * can delay a message but never lose it.
 */
export async function earlierUndelivered(
  deps: OutboundRecoveryDeps,
  pages: RecentPages,
  input: OrderCheckInput,
): Promise<ManagerMessage[]> {
  const m = input.message;
  const cached = pages.holding(m.amojoChatId, m.amojoMsgId);
  let found = cached ? await olderThan(deps, cached, m) : undefined;
  if (!found?.complete) {
    try {
      found = await readUntilComplete(deps, input.account.scopeId, m);
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
    pages.remember(found.window);
    if (!found.complete) {
      deps.log.warn(
        {
          amojoChatId: m.amojoChatId,
          amojoMsgId: m.amojoMsgId,
          items: found.window.items.length,
          event: 'order_check_bounded',
        },
        'no settled manager message within the order check window: older lost messages are left to recovery checks',
      );
    }
  }
  const { older, known } = found;
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

/** History pages the order check reads at most for one batch (the usual case is one). */
const MAX_ORDER_PAGES = 10;

interface OlderMessages {
  readonly window: HistoryPage;
  /** Manager messages older than `m` in the window, newest first, down to the newest settled one. */
  readonly older: readonly HistoryItem[];
  readonly known: KnownMessages;
  /**
   * Whether the window reaches back to a settled manager message older than `m` (delivered, read or failed: its
   * own order check handled everything before it) or to the chat's start. Only then is nothing older unseen.
   */
  readonly complete: boolean;
}

// What the window shows before `m`. Newest first: what follows `m` is older. Not in the window (not yet visible in
// history, or older than it): compare times instead.
async function olderThan(deps: OutboundRecoveryDeps, window: HistoryPage, m: ManagerMessage): Promise<OlderMessages> {
  const at = window.items.findIndex((item) => item.message.id === m.amojoMsgId);
  const candidates = (
    at >= 0 ? window.items.slice(at + 1) : window.items.filter((item) => sentAtOf(item) <= m.sentAtMs)
  ).filter((item) => isManagerMessage(item) && item.message.id !== m.amojoMsgId);
  const known = await findKnownMessages(deps.store.db, m.scopeId, candidates);
  const settledAt = candidates.findIndex((item) => {
    const status = known.statusOf.get(item.message.id);
    return status !== undefined && status !== 'pending';
  });
  return {
    window,
    older: settledAt >= 0 ? candidates.slice(0, settledAt) : candidates,
    known,
    complete: (at >= 0 || candidates.length > 0) && (settledAt >= 0 || window.reachesStart),
  };
}

// Reads newest pages until the window holds `m` and reaches a settled older manager message (or the chat's start).
async function readUntilComplete(
  deps: OutboundRecoveryDeps,
  scopeId: ScopeId,
  m: ManagerMessage,
): Promise<OlderMessages> {
  const read: HistoryPage[] = [];
  let found: OlderMessages | undefined;
  for (let p = 0; p < MAX_ORDER_PAGES; p++) {
    read.push(await readHistoryPage(deps, { scopeId, amojoChatId: m.amojoChatId, offset: p * HISTORY_PAGE_SIZE }));
    found = await olderThan(deps, joinPages(read), m);
    if (found.complete || found.window.reachesStart) break;
  }
  return found!;
}
