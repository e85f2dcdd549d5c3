import type { HistoryItem } from '@amojo-bridge/sdk';
import type { Job } from '../../queue/index.js';
import { findAccount } from '../../store/accounts/index.js';
import { findConversation } from '../../store/conversations/index.js';
import type { AmojoChatId, ConversationRowId } from '../../store/ids.js';
import { enqueueJob, JOB_KINDS } from '../job-kinds.js';
import { managerMessageFromHistory } from '../manager-message.js';
import { jobErrorFromAmojo } from '../relay-errors.js';
import { HISTORY_PAGE_SIZE, type RecentPages, readHistoryPage } from './history-page.js';
import { findKnownMessages, isManagerMessage } from './known-messages.js';
import { RECOVERY_REASONS, recordRecoveredMessage } from './record-recovered-message.js';
import type { OutboundRecoveryDeps } from './recovery-deps.js';
import { markChatsChecked } from './recovery-state.js';

/** Payload of a `reconcile` job: check one conversation's chat for manager messages that never came as hooks. */
export interface CheckChatPayload {
  readonly conversationRowId: ConversationRowId;
  /** How many checks of this chat in a row could not read its history (0 or absent: none). */
  readonly failures?: number;
}

/** Longest wait before a check whose history read failed runs again, ms. */
const MAX_RETRY_DELAY_MS = 5 * 60_000;

/** History pages one check reads at most, newest first (a downtime with more manager messages needs more checks). */
const MAX_PAGES = 4;

/** Outcome of {@link checkConversation}. */
export type CheckOutcome =
  | { readonly kind: 'checked'; readonly recovered: number }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'unreadable'; readonly amojoChatId: AmojoChatId; readonly error: unknown };

/**
 * One chat's check: read the newest history and queue, oldest first, every manager message the bridge has neither
 * as a message, nor in the hook log, nor as its own. Reading goes on to older pages only while a page holds nothing
 * known, since a known manager message means everything older was seen by that message's order check. The hook
 * log's unique dedup key makes a late real hook, or a concurrent check, a harmless duplicate. The chat is marked
 * checked only when its history was read.
 */
export async function checkConversation(
  deps: OutboundRecoveryDeps,
  pages: RecentPages,
  conversationRowId: ConversationRowId,
): Promise<CheckOutcome> {
  const db = deps.store.db;
  const conversation = await findConversation(db, { id: conversationRowId });
  if (!conversation?.amojoChatId) return { kind: 'skipped' };
  const account = await findAccount(db, { id: conversation.accountId });
  if (account?.state !== 'connected') return { kind: 'skipped' };
  const amojoChatId = conversation.amojoChatId;

  const missed: HistoryItem[] = [];
  for (let p = 0; p < MAX_PAGES; p++) {
    let page: Awaited<ReturnType<typeof readHistoryPage>>;
    try {
      page = await readHistoryPage(deps, { scopeId: account.scopeId, amojoChatId, offset: p * HISTORY_PAGE_SIZE });
    } catch (error) {
      return { kind: 'unreadable', amojoChatId, error };
    }
    if (p === 0) pages.remember(page);
    const managerItems = page.items.filter(isManagerMessage);
    const known = await findKnownMessages(db, account.scopeId, managerItems);
    let sawKnown = false;
    for (const item of managerItems) {
      const isOurs = Boolean(item.message.client_id && known.ours.has(item.message.client_id));
      if (isOurs || known.statusOf.has(item.message.id) || known.hooked.has(item.message.id)) {
        sawKnown = true;
        continue;
      }
      missed.push(item);
    }
    if (sawKnown || page.items.length < HISTORY_PAGE_SIZE) break;
  }

  let recovered = 0;
  // Collected newest first; queued oldest first so the lane delivers them in the chat's order.
  for (const item of missed.reverse()) {
    const message = managerMessageFromHistory(account.scopeId, amojoChatId, conversation.conversationId, item);
    if (await recordRecoveredMessage(deps, { item, message, reason: RECOVERY_REASONS.checked, enqueue: true })) {
      recovered++;
    }
  }
  await markChatsChecked(db, { conversationRowIds: [conversation.id], now: deps.now().getTime() });
  if (recovered > 0) {
    deps.log.info(
      { event: 'recovery_check_recovered', amojoChatId, recovered },
      'recovery check queued manager messages whose hooks never arrived',
    );
  }
  return { kind: 'checked', recovered };
}

/**
 * The `reconcile` job: {@link checkConversation} for a chat the event feed named (durable, since the feed position
 * has moved past it). When history cannot be read it is not a job failure: a dead check would block its lane, and
 * with it every later check of the chat. The next check is queued behind this one instead, with backoff, for as
 * long as amojo's history stays unreadable.
 */
export async function checkChat(
  deps: OutboundRecoveryDeps,
  pages: RecentPages,
  job: Job<CheckChatPayload>,
): Promise<void> {
  const outcome = await checkConversation(deps, pages, job.payload.conversationRowId);
  if (outcome.kind !== 'unreadable') return;
  const failures = (job.payload.failures ?? 0) + 1;
  const delayMs = Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** Math.min(failures, 16));
  const now = deps.now().getTime();
  await deps.store.transaction((trx) =>
    enqueueJob(
      trx,
      JOB_KINDS.reconcile,
      { conversationRowId: job.payload.conversationRowId, amojoChatId: outcome.amojoChatId, failures },
      { runAt: now + delayMs, now },
    ),
  );
  deps.log.warn(
    {
      err: jobErrorFromAmojo(outcome.error, 'history'),
      amojoChatId: outcome.amojoChatId,
      failures,
      retryInMs: delayMs,
      event: 'check_deferred',
    },
    'recovery check could not read the chat history; checking again later',
  );
}
