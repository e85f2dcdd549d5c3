import type { RecoveryConfig } from '../../config/index.js';
import type { OutboundRecoveryOptions } from './create-outbound-recovery.js';

/** The options of {@link createOutboundRecovery} that `RECOVERY_*` settings give (all but the REST client). */
export function recoveryOptionsFromConfig(recovery: RecoveryConfig): OutboundRecoveryOptions {
  return {
    intervalMs: recovery.intervalMs,
    scanChatsPerRound: recovery.scanChatsPerRound,
    budgetPerRound: recovery.budgetPerRound,
    catchUpChats: recovery.catchUpChats,
    feed: {
      graceSeconds: recovery.graceSeconds,
      overlapSeconds: recovery.overlapSeconds,
      firstLookbackSeconds: recovery.firstLookbackSeconds,
    },
  };
}
