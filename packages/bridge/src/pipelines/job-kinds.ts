/**
 * Job kinds run by the relay's handlers (see `createPipelineHandlers`). Customer typing has no job: it is forwarded
 * to amojo at once and dropped on failure (ephemeral).
 */
export const JOB_KINDS = {
  deliverToAmojo: 'deliver-to-amojo',
  deliverToChannel: 'deliver-to-channel',
  reportStatus: 'report-status',
  reconcile: 'reconcile',
  typingToChannel: 'typing-to-channel',
  reactionToChannel: 'reaction-to-channel',
  editToAmojo: 'edit-to-amojo',
  reactionToAmojo: 'reaction-to-amojo',
  channelHealthAlert: 'channel-health-alert',
} as const;

/** One of {@link JOB_KINDS}. */
export type RelayJobKind = (typeof JOB_KINDS)[keyof typeof JOB_KINDS];

// Lanes: the queue runs one lane's jobs strictly in id order. Each direction of a conversation gets its own lane, so
// a customer system that is down (outbound retries "until a 2xx") never holds back the customer's own messages to
// amoCRM, while each direction keeps its order. Outbound lanes are keyed by the amojo chat id because every hook
// carries it, even for "write first" chats that have no conversation of ours yet.

/** Lane of customer -> amoCRM messages of one conversation (`conversations.id`). */
export const inboundLane = (conversationRowId: number): string => `in:${conversationRowId}`;
/** Lane of manager -> customer messages and reactions of one amojo chat. */
export const outboundLane = (amojoChatId: string): string => `out:${amojoChatId}`;
/** Lane of delivery statuses of one amojo chat, so "delivered" is never reported after "read". */
export const statusLane = (amojoChatId: string): string => `status:${amojoChatId}`;
/** Lane of outbound recovery's checks of one amojo chat (`reconcile` jobs). */
export const reconcileLane = (amojoChatId: string): string => `reconcile:${amojoChatId}`;
/** Lane of typing events of one chat (either direction). */
export const typingLane = (key: string): string => `typing:${key}`;
