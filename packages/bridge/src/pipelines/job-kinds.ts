import type { ChannelHealthChange } from '../channels/health/index.js';
import { enqueue } from '../queue/index.js';
import type { AmojoChatId, ConversationRowId } from '../store/ids.js';
import type { Executor } from '../store/store.js';
import type { DeliverToAmojoPayload } from './deliver-to-amojo.js';
import type { ManagerMessage } from './manager-message.js';
import type { CheckChatPayload } from './outbound-recovery/check-chat.js';
import type { EditToAmojoPayload, ReactionToAmojoPayload } from './receive-edit-or-reaction.js';
import type { ReportStatusPayload } from './report-status.js';
import type { ReactionToChannelPayload, TypingToChannelPayload } from './typing-and-reactions.js';

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
export const inboundLane = (conversationRowId: ConversationRowId): string => `in:${conversationRowId}`;
/** Lane of manager -> customer messages and reactions of one amojo chat. */
export const outboundLane = (amojoChatId: AmojoChatId): string => `out:${amojoChatId}`;
/** Lane of delivery statuses of one amojo chat, so "delivered" is never reported after "read". */
export const statusLane = (amojoChatId: AmojoChatId): string => `status:${amojoChatId}`;
/** Lane of outbound recovery's checks of one amojo chat (`reconcile` jobs). */
export const reconcileLane = (amojoChatId: AmojoChatId): string => `reconcile:${amojoChatId}`;
/** Lane of typing events of one chat (either direction). */
export const typingLane = (key: string): string => `typing:${key}`;

// Every kind's spec in one place: its lane rule (from the payload, so a caller cannot put a job in the wrong lane),
// its attempts before dead-lettering, and its payload type (the schema; checked at compile time, nothing runs on
// the hot path). `enqueueJob(trx, kind, payload)` is how the relay adds jobs; `relayJob` gives the same input for
// batch writers (the PostgreSQL intake).

/** What each kind's payload must carry at enqueue: the handler's payload plus the key its lane is derived from. */
export interface RelayJobPayloads {
  'deliver-to-amojo': DeliverToAmojoPayload & { readonly conversationRowId: ConversationRowId };
  'deliver-to-channel': ManagerMessage;
  'report-status': ReportStatusPayload & { readonly amojoChatId: AmojoChatId };
  reconcile: CheckChatPayload & { readonly amojoChatId: AmojoChatId };
  'typing-to-channel': TypingToChannelPayload;
  'reaction-to-channel': ReactionToChannelPayload;
  'edit-to-amojo': EditToAmojoPayload & { readonly conversationRowId: ConversationRowId };
  'reaction-to-amojo': ReactionToAmojoPayload & { readonly conversationRowId: ConversationRowId };
  'channel-health-alert': ChannelHealthChange;
}

/** How the queue runs one kind. */
export interface RelayJobSpec<P> {
  /** The lane of a job with this payload (jobs of one lane run strictly in order); `null` = unordered. */
  readonly lane: (payload: P) => string | null;
  /** Attempts before the job is dead-lettered. */
  readonly maxAttempts: number;
}

export const JOB_SPECS: { readonly [K in RelayJobKind]: RelayJobSpec<RelayJobPayloads[K]> } = {
  'deliver-to-amojo': { lane: (p) => inboundLane(p.conversationRowId), maxAttempts: 25 },
  'deliver-to-channel': { lane: (p) => outboundLane(p.amojoChatId), maxAttempts: 30 },
  'report-status': { lane: (p) => statusLane(p.amojoChatId), maxAttempts: 25 },
  // Checks fail only on database errors; history failures re-queue the check (outbound-recovery/check-chat.ts).
  reconcile: { lane: (p) => reconcileLane(p.amojoChatId), maxAttempts: 10 },
  // Typing is stale by the time a retry would run.
  'typing-to-channel': { lane: (p) => typingLane(`out:${p.amojoChatId}`), maxAttempts: 1 },
  'reaction-to-channel': { lane: (p) => outboundLane(p.amojoChatId), maxAttempts: 10 },
  'edit-to-amojo': { lane: (p) => inboundLane(p.conversationRowId), maxAttempts: 25 },
  'reaction-to-amojo': { lane: (p) => inboundLane(p.conversationRowId), maxAttempts: 25 },
  // Enqueued by channels/health (record-channel-health.ts) with these same settings; unordered, so an alert
  // endpoint that is down never holds back another instance's alert.
  'channel-health-alert': { lane: () => null, maxAttempts: 25 },
};

/** The queue input of a relay job: kind, the lane and attempts of its spec, and the payload. */
export function relayJob<K extends RelayJobKind>(
  kind: K,
  payload: RelayJobPayloads[K],
): { kind: K; lane: string | null; payload: RelayJobPayloads[K]; maxAttempts: number } {
  const spec = JOB_SPECS[kind] as RelayJobSpec<RelayJobPayloads[K]>;
  return { kind, lane: spec.lane(payload), payload, maxAttempts: spec.maxAttempts };
}

/**
 * Adds a relay job inside the caller's transaction, with its kind's lane and attempts; resolves the job id.
 *
 * @example
 * await enqueueJob(trx, JOB_KINDS.deliverToAmojo, { messageRowId: message.id, conversationRowId: conversation.id });
 */
export function enqueueJob<K extends RelayJobKind>(
  trx: Executor,
  kind: K,
  payload: RelayJobPayloads[K],
  options: { readonly runAt?: number | undefined; readonly now?: number | undefined } = {},
): Promise<number> {
  return enqueue(trx, { ...relayJob(kind, payload), ...options });
}
