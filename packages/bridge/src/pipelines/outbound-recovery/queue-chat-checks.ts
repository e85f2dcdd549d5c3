import { lanesWithWaitingJobs } from '../../queue/index.js';
import { enqueueJob, JOB_KINDS, reconcileLane } from '../job-kinds.js';
import type { OutboundRecoveryDeps } from './recovery-deps.js';
import type { ChatToCheck } from './recovery-state.js';

/**
 * Queues a check (`reconcile` job) for each chat that has none waiting, so a slow amojo never piles up checks.
 * Resolves the number queued.
 */
export async function queueChatChecks(
  deps: Pick<OutboundRecoveryDeps, 'store' | 'now'>,
  chats: readonly ChatToCheck[],
): Promise<number> {
  if (chats.length === 0) return 0;
  const now = deps.now().getTime();
  let queued = 0;
  for (let i = 0; i < chats.length; i += 500) {
    const chunk = chats.slice(i, i + 500);
    queued += await deps.store.transaction(async (trx) => {
      const lanes = chunk.map((chat) => reconcileLane(chat.amojoChatId));
      const waiting = await lanesWithWaitingJobs(trx, lanes);
      let n = 0;
      for (const chat of chunk) {
        const lane = reconcileLane(chat.amojoChatId);
        if (waiting.has(lane)) continue;
        waiting.add(lane);
        await enqueueJob(
          trx,
          JOB_KINDS.reconcile,
          { conversationRowId: chat.conversationRowId, amojoChatId: chat.amojoChatId },
          { now },
        );
        n++;
      }
      return n;
    });
  }
  return queued;
}
