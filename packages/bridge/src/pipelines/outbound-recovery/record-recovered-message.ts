import type { HistoryItem } from '@amojo-bridge/sdk';
import { insertHookRecord } from '../../store/ops/insert-hook-record.js';
import { enqueueJob, JOB_KINDS } from '../job-kinds.js';
import type { ManagerMessage } from '../manager-message.js';
import type { OutboundRecoveryDeps } from './recovery-deps.js';

/** Why a message came from history instead of a hook; written to the hook log's `reason`. */
export const RECOVERY_REASONS = {
  beforeLater: 'recovered from chat history before a later message of the chat (the hook never arrived)',
  checked: 'recovered from chat history by a recovery check (the hook never arrived)',
} as const;

/**
 * Logs a manager message found in history as a hook-log row keyed by its amojo id (the dedup key hooks use), and,
 * with `enqueue`, queues its delivery in the chat's outbound lane in the same transaction. Resolves false when the
 * amojo id was already in the log (its hook arrived, or another check was first): then nothing is queued and the
 * extra row is removed again, since a recovery is not a delivery by amojo.
 */
export async function recordRecoveredMessage(
  deps: Pick<OutboundRecoveryDeps, 'store' | 'now'>,
  input: {
    readonly item: HistoryItem;
    readonly message: ManagerMessage;
    readonly reason: string;
    readonly enqueue: boolean;
  },
): Promise<boolean> {
  const now = deps.now().getTime();
  return deps.store.transaction(async (trx) => {
    const stored = await insertHookRecord(trx, {
      scopeId: input.message.scopeId,
      kind: 'message',
      rawBody: JSON.stringify(input.item),
      signatureOk: true,
      dedupKey: input.message.amojoMsgId,
      outcome: 'accepted',
      reason: input.reason,
      receivedAt: now,
    });
    if (stored.duplicateOf !== undefined) {
      await trx.deleteFrom('hooks').where('id', '=', stored.hookId).execute();
      return false;
    }
    if (input.enqueue) {
      const jobId = await enqueueJob(trx, JOB_KINDS.deliverToChannel, input.message, { now });
      await trx.updateTable('hooks').set({ job_id: jobId }).where('id', '=', stored.hookId).execute();
    }
    return true;
  });
}
