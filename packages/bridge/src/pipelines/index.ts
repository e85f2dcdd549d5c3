import type { ChannelRegistry } from '../channels/channel-registry.js';
import type { Job, JobWrites } from '../queue/index.js';
import { type ChannelHealthAlertDeps, sendChannelHealthAlert } from './channel-health-alert.js';
import { type DeliverToAmojoDeps, deliverToAmojo } from './deliver-to-amojo.js';
import { type DeliverToChannelDeps, deliverToChannel } from './deliver-to-channel.js';
import { type EditOrReactionToAmojoDeps, editToAmojo, reactionToAmojo } from './edit-or-reaction-to-amojo.js';
import { JOB_KINDS, type RelayJobKind } from './job-kinds.js';
import type { ManagerMessage } from './manager-message.js';
import type { CheckChatPayload, OutboundRecovery } from './outbound-recovery/index.js';
import { type ReceiveFromChannelDeps, receiveFromChannel } from './receive-from-channel.js';
import { toJobFailure } from './relay-errors.js';
import { type ReportStatusDeps, reportStatus } from './report-status.js';
import { reactionToChannel, type TypingAndReactionsDeps, typingToChannel } from './typing-and-reactions.js';

/** Runs a handler; what it throws reaches the queue as a `JobFailure` where it says how the job failed. */
async function guard<T>(job: Job, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toJobFailure(error, `job ${job.kind} ${job.id}`);
  }
}

/** A job handler as the worker runs it: it may resolve writes to commit with the job's completion. */
export type RelayJobHandler = (job: Job) => Promise<JobWrites | undefined | void>;

/** What {@link createPipelineHandlers} uses: what each handler declares, and the registry to attach the receiver to. */
export type PipelineDeps = DeliverToAmojoDeps &
  DeliverToChannelDeps &
  ReportStatusDeps &
  TypingAndReactionsDeps &
  EditOrReactionToAmojoDeps &
  ChannelHealthAlertDeps &
  ReceiveFromChannelDeps & { readonly channels: Pick<ChannelRegistry, 'setReceiver'> };

/**
 * The relay's job handlers for `createWorker({ handlers })`. Also attaches the inbound transaction to the channel
 * registry, so adapters started from now on hand their events to {@link receiveFromChannel}. Outbound recovery
 * (`outbound-recovery/`) runs the `reconcile` checks and the order check before each manager message.
 */
export function createPipelineHandlers(
  deps: PipelineDeps,
  options: { readonly recovery: OutboundRecovery },
): Record<RelayJobKind, RelayJobHandler> {
  deps.channels.setReceiver((event, receiveOptions) => receiveFromChannel(deps, event, receiveOptions));
  const { recovery } = options;
  const typed =
    <P>(run: (deps: PipelineDeps, job: Job<P>) => Promise<JobWrites | undefined | void>): RelayJobHandler =>
    (job) =>
      guard(job, () => run(deps, job as Job<P>));
  return {
    [JOB_KINDS.deliverToAmojo]: typed(deliverToAmojo),
    [JOB_KINDS.deliverToChannel]: typed<ManagerMessage>((d, job) =>
      deliverToChannel(d, job, recovery.earlierUndelivered),
    ),
    [JOB_KINDS.reportStatus]: typed(reportStatus),
    [JOB_KINDS.reconcile]: (job) => guard(job, () => recovery.checkChat(job as Job<CheckChatPayload>)),
    [JOB_KINDS.typingToChannel]: typed(typingToChannel),
    [JOB_KINDS.reactionToChannel]: typed(reactionToChannel),
    [JOB_KINDS.editToAmojo]: typed(editToAmojo),
    [JOB_KINDS.reactionToAmojo]: typed(reactionToAmojo),
    [JOB_KINDS.channelHealthAlert]: typed(sendChannelHealthAlert),
  };
}

export {
  type ChannelHealthAlertBody,
  type ChannelHealthAlertDeps,
  sendChannelHealthAlert,
} from './channel-health-alert.js';
export { type DeliverToAmojoDeps, type DeliverToAmojoPayload, deliverToAmojo } from './deliver-to-amojo.js';
export { type DeliverToChannelDeps, deliverToChannel } from './deliver-to-channel.js';
export type { EditOrReactionToAmojoDeps } from './edit-or-reaction-to-amojo.js';
export type { HoldForBrokenChannelDeps } from './hold-for-broken-channel.js';
export {
  inboundLane,
  JOB_KINDS,
  outboundLane,
  type RelayJobKind,
  reconcileLane,
  statusLane,
  typingLane,
} from './job-kinds.js';
export {
  clientParticipantId,
  type LoadChannelInstanceDeps,
  loadChannelInstance,
  senderIdOf,
} from './load-channel-instance.js';
export { type ManagerMessage, managerMessageFromHistory, managerMessageFromHook } from './manager-message.js';
export {
  type CheckChatPayload,
  createOutboundRecovery,
  type EventFeedOptions,
  type OutboundRecovery,
  type OutboundRecoveryDeps,
  type OutboundRecoveryOptions,
  RECOVERY_REASONS,
  type RecoveryRound,
  type RestClientForAccount,
  recoveryOptionsFromConfig,
} from './outbound-recovery/index.js';
export {
  type EditToAmojoPayload,
  findChannelMessage,
  type ReactionToAmojoPayload,
  type ReceiveEditOrReactionDeps,
  receiveEditOrReaction,
} from './receive-edit-or-reaction.js';
export { type ReceiveFromChannelDeps, type ReceiveOptions, receiveFromChannel } from './receive-from-channel.js';
export type { RelayAmojo } from './relay-amojo.js';
export {
  jobErrorFromAmojo,
  PermanentJobError,
  RelayInputError,
  RetryableJobError,
} from './relay-errors.js';
export { type ReportStatusDeps, type ReportStatusPayload, reportStatus } from './report-status.js';
export { type ResolveRouteDeps, type Route, resolveRoute } from './resolve-route.js';
export type { TypingAndReactionsDeps } from './typing-and-reactions.js';
