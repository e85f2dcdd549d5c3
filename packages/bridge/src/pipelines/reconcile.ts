import type { HistoryItem } from '@amojo-bridge/sdk';
import { isImportedMsgid } from '../import/imported-msgid.js';
import type { Job } from '../queue/index.js';
import { enqueue } from '../queue/index.js';
import { findAccount } from '../store/accounts/index.js';
import { findConversation } from '../store/conversations/index.js';
import { findMessage } from '../store/messages/index.js';
import { insertHookRecord } from '../store/ops/insert-hook-record.js';
import type { RelayDeps } from './deps.js';
import { JOB_KINDS, outboundLane } from './job-kinds.js';
import { managerMessageFromHistory } from './manager-message.js';
import { amojoOutcome, jobErrorFromAmojo } from './relay-errors.js';

/** Payload of a `reconcile` job. */
export interface ReconcilePayload {
  readonly conversationRowId: number;
}

/** How many history pages (50 messages each) one run reads, newest first. */
const MAX_PAGES = 4;

/**
 * amojo sends each hook once and never retries (spec 4.1), so hooks lost while the bridge was down or on the way are
 * recovered here: read the chat's recent history and process every manager message (outgoing, not sent by us) whose
 * amojo id we have neither in `messages` nor in the hook log, exactly as if its hook had arrived. The hook log's
 * unique dedup key (the amojo message id) makes a late real hook, or a concurrent run, a harmless duplicate.
 */
export async function reconcile(deps: RelayDeps, job: Job<ReconcilePayload>): Promise<void> {
  const db = deps.store.db;
  const conversation = await findConversation(db, { id: job.payload.conversationRowId });
  if (!conversation?.amojoChatId) return;
  const account = await findAccount(db, { id: conversation.accountId });
  if (account?.state !== 'connected') return;
  const amojoChatId = conversation.amojoChatId;

  const items: HistoryItem[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    let batch: readonly HistoryItem[];
    try {
      batch = await deps.amojo.getHistory(account.scopeId, amojoChatId, { offset: page * 50, limit: 50 });
      deps.metrics.amojoCalls.inc({ method: 'getHistory', outcome: 'ok' });
    } catch (error) {
      deps.metrics.amojoCalls.inc({ method: 'getHistory', outcome: amojoOutcome(error) });
      throw jobErrorFromAmojo(error, `reading history of chat ${amojoChatId}`);
    }
    items.push(...batch);
    if (batch.length < 50) break;
  }

  let recovered = 0;
  // History is newest first; replay oldest first so recovered messages keep their order in the lane.
  for (const item of items.reverse()) {
    if (!item.receiver) continue; // incoming: the customer's own message
    if (isImportedMsgid(item.message.client_id)) continue; // imported history, never relayed
    if (item.message.client_id && (await findMessage(db, { msgid: item.message.client_id }))) continue; // ours
    if (await findMessage(db, { amojoMsgid: item.message.id })) continue;
    const message = managerMessageFromHistory(account.scopeId, amojoChatId, conversation.conversationId, item);
    const now = deps.now().getTime();
    const fresh = await deps.store.transaction(async (trx) => {
      const stored = await insertHookRecord(trx, {
        scopeId: account.scopeId,
        kind: 'message',
        rawBody: JSON.stringify(item),
        signatureOk: true,
        dedupKey: item.message.id,
        outcome: 'accepted',
        reason: 'recovered from chat history by reconciliation (the hook never arrived)',
        receivedAt: now,
      });
      if (stored.duplicateOf !== undefined) {
        // Already known: drop the extra log row again, reconciliation is not a delivery by amojo.
        await trx.deleteFrom('hooks').where('id', '=', stored.hookId).execute();
        return false;
      }
      const jobId = await enqueue(trx, {
        kind: JOB_KINDS.deliverToChannel,
        lane: outboundLane(amojoChatId),
        payload: message,
        maxAttempts: 30,
      });
      await trx.updateTable('hooks').set({ job_id: jobId }).where('id', '=', stored.hookId).execute();
      return true;
    });
    if (fresh) recovered++;
  }
  if (recovered > 0) {
    deps.log.info({ amojoChatId, recovered, jobId: job.id }, 'reconciliation recovered manager messages');
  }
}
