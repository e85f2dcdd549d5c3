import { discardDeadJob, findJob, type Job } from '../queue/index.js';
import type { JobId } from '../store/ids.js';
import { findMessage, recordMessageStatus } from '../store/messages/index.js';
import type { Store } from '../store/store.js';
import { enqueueJob, JOB_KINDS } from './job-kinds.js';
import type { ManagerMessage } from './manager-message.js';

/** What {@link discardJob} did: the discarded job, or why nothing changed. */
export type DiscardJobResult =
  | { readonly outcome: 'discarded'; readonly job: Job }
  | { readonly outcome: 'not_found' }
  | { readonly outcome: 'not_dead'; readonly state: string };

/**
 * Gives up on a dead job for good (an operator's decision, from the admin API or the CLI): the job becomes
 * `discarded`, so the next job of its conversation runs. A discarded manager message is not silently dropped: in
 * the same transaction it is recorded as failed and a `report-status` job tells amoCRM (delivery_status -1, code
 * 905, with `reason`), so the manager sees it was not delivered.
 */
export async function discardJob(
  store: Store,
  input: { readonly id: JobId; readonly reason?: string | undefined; readonly now: number },
): Promise<DiscardJobResult> {
  const result = await store.transaction(async (trx): Promise<DiscardJobResult> => {
    const job = await findJob(trx, input.id);
    if (!job) return { outcome: 'not_found' };
    if (!(await discardDeadJob(trx, { id: input.id, now: input.now })))
      return { outcome: 'not_dead', state: job.state };
    if (job.kind === JOB_KINDS.deliverToChannel) {
      const m = job.payload as ManagerMessage;
      const error = `not delivered: discarded by the bridge operator${input.reason ? ` (${input.reason})` : ''}`;
      const message = await findMessage(trx, { amojoMsgId: m.amojoMsgId });
      if (message) {
        await recordMessageStatus(trx, {
          messageId: message.id,
          status: 'failed',
          errorCode: 905,
          error,
          now: input.now,
        });
      }
      await enqueueJob(
        trx,
        JOB_KINDS.reportStatus,
        message
          ? { messageRowId: message.id, amojoChatId: m.amojoChatId }
          : {
              scopeId: m.scopeId,
              amojoMsgId: m.amojoMsgId,
              amojoChatId: m.amojoChatId,
              status: -1,
              errorCode: 905,
              error,
            },
      );
    }
    return { outcome: 'discarded', job: (await findJob(trx, input.id)) ?? job };
  });
  if (result.outcome === 'discarded') store.jobSignal.emit();
  return result;
}
