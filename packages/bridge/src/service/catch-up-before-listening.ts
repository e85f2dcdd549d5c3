import type { Logger } from '../log.js';
import type { OutboundRecovery } from '../pipelines/index.js';
import { withTimeout } from './with-timeout.js';

/**
 * Guarantee (c) of outbound recovery: before the bridge listens again, messages whose hooks were lost while it was
 * down are queued ahead of any hook that arrives once it listens. Waits at most `timeoutMs` (0: not at all); past
 * it, or when the catch-up fails, the bridge listens anyway (the order check keeps order even then) and says so.
 */
export async function catchUpBeforeListening(
  recovery: Pick<OutboundRecovery, 'catchUp'>,
  options: { readonly timeoutMs: number; readonly log: Logger },
): Promise<void> {
  const { timeoutMs, log } = options;
  if (timeoutMs <= 0) return;
  const caughtUp = await withTimeout(
    recovery.catchUp().catch((error: unknown) => {
      log.error({ err: error, event: 'start_recovery_failed' }, 'start-up recovery failed; listening anyway');
    }),
    timeoutMs,
  );
  if (!caughtUp) {
    log.warn(
      { event: 'start_reconcile_timeout', timeoutMs },
      'listening before the start-up recovery finished: recovered messages may follow newer ones',
    );
  }
}
