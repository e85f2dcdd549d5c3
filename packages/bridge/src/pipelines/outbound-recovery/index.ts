export type { CheckChatPayload } from './check-chat.js';
export {
  createOutboundRecovery,
  type OutboundRecovery,
  type OutboundRecoveryOptions,
  type RecoveryRound,
  type RestClientForAccount,
} from './create-outbound-recovery.js';
export type { OrderCheck, OrderCheckInput } from './deliver-in-order.js';
export type { EventFeedOptions } from './poll-event-feed.js';
export { RECOVERY_REASONS } from './record-recovered-message.js';
export type { OutboundRecoveryDeps } from './recovery-deps.js';
export { recoveryOptionsFromConfig } from './recovery-options-from-config.js';
