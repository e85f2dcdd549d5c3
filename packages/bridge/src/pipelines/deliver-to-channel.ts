import { randomUUID } from 'node:crypto';
import type { ChannelErrorCode, ChannelSendResult } from '../channels/channel-adapter.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import { classifySendResult } from '../channels/health/index.js';
import type { BridgeMetrics } from '../metrics/index.js';
import type { Job, JobWrites } from '../queue/index.js';
import { type Account, findAccountByScope } from '../store/accounts/index.js';
import { type Conversation, findConversation, updateConversation } from '../store/conversations/index.js';
import { type AmojoChatId, asMsgid, type ChannelChatKey } from '../store/ids.js';
import {
  findMessage,
  insertMessage,
  type Message,
  recordMessageStatus,
  setMessageChannelMessageId,
} from '../store/messages/index.js';
import { upsertParticipant } from '../store/participants/index.js';
import type { Executor } from '../store/store.js';
import { contentFallback, forwardedIntoText, unsendableReason } from './content-fallbacks.js';
import { type HoldForBrokenChannelDeps, holdWhileBroken, recordSendOutcome } from './hold-for-broken-channel.js';
import { enqueueJob, JOB_KINDS } from './job-kinds.js';
import { splitLongText } from './long-text.js';
import type { ManagerMessage } from './manager-message.js';
import type { OrderCheck } from './outbound-recovery/deliver-in-order.js';
import { PermanentJobError, RetryableJobError } from './relay-errors.js';
import { type ResolveRouteDeps, resolveRoute } from './resolve-route.js';

/**
 * What {@link deliverToChannel} uses: routing, holding for a broken instance, the channel adapters, and the send
 * and latency instruments.
 */
export type DeliverToChannelDeps = ResolveRouteDeps &
  HoldForBrokenChannelDeps & {
    readonly channels: Pick<ChannelRegistry, 'adapterFor'>;
    readonly metrics: Pick<BridgeMetrics, 'channelSends' | 'deliveryLatency'>;
  };

/**
 * Delivers one manager message to the customer (outbound 2): route, store the message once (by its amojo id, with a
 * stable id of ours the customer system can deduplicate on), check the channel's capabilities, send, then record
 * the outcome and enqueue its `report-status` (writes the worker commits with the job's completion). A retryable failure throws, so the queue retries
 * with backoff; when the attempts run out the message is reported failed instead of silently dead-lettered. A send
 * to an instance broken by a revoked token or a blocked number is held instead (`hold-for-broken-channel.ts`).
 * Before it, outbound recovery's order check hands over the chat's older manager messages whose hooks were lost,
 * which are delivered first (guarantee (a) of `outbound-recovery/README.md`).
 */
export async function deliverToChannel(
  deps: DeliverToChannelDeps,
  job: Job<ManagerMessage>,
  orderCheck?: OrderCheck,
): Promise<JobWrites | undefined> {
  const m = job.payload;
  const account = await findAccountByScope(deps.store.db, m.scopeId);
  if (account?.state !== 'connected') {
    throw new PermanentJobError(`scope ${m.scopeId} is not connected; replay after reconnecting`);
  }
  const lastAttempt = job.attempts >= job.maxAttempts;
  if (orderCheck) {
    for (const earlier of await orderCheck({ account, message: m, lastAttempt })) {
      // Committed at once: a later failure of this job must not make an earlier message go out twice.
      const writes = await deliverManagerMessage(deps, account, earlier, { lastAttempt: false, jobId: job.id });
      if (writes) await deps.store.transaction(writes);
    }
  }
  return deliverManagerMessage(deps, account, m, { lastAttempt, jobId: job.id });
}

/**
 * Delivers one manager message, from a job or recovered inline; idempotent by the amojo message id. Throws
 * {@link RetryableJobError} for a passing failure unless `lastAttempt`, when the message is reported failed.
 * Resolves the writes that record the outcome (none when an earlier attempt already recorded it).
 */
async function deliverManagerMessage(
  deps: DeliverToChannelDeps,
  account: Account,
  m: ManagerMessage,
  attempt: { readonly lastAttempt: boolean; readonly jobId: number },
): Promise<JobWrites | undefined> {
  // The instance's settings are read here: a failure of this send says nothing about settings replaced after it.
  const routedAt = deps.now().getTime();
  const route = await resolveRoute(deps, account, m);
  if (!route.ok) {
    deps.log.warn({ amojoMsgId: m.amojoMsgId, reason: route.reason }, 'manager message cannot be routed');
    return reportFailureWithoutMessage(m, route.errorCode, route.reason);
  }
  const { conversation, instance, recipient } = route;
  const now = deps.now().getTime();
  const message = await deps.store.transaction(async (trx) => {
    const manager = m.senderAmojoId
      ? await upsertParticipant(trx, {
          conversationRowId: conversation.id,
          role: 'manager',
          amojoParticipantId: m.senderAmojoId,
          ...(m.senderName ? { name: m.senderName } : {}),
          now,
        })
      : undefined;
    if (m.receiver.amojoId && !recipient.id) {
      // "Write first": remember the client's amojo id; their first answer must send it to bind the chat.
      await upsertParticipant(trx, {
        conversationRowId: conversation.id,
        role: 'client',
        amojoParticipantId: m.receiver.amojoId,
        ...(m.receiver.name ? { name: m.receiver.name } : {}),
        profile: { ...(m.receiver.phone ? { phone: m.receiver.phone } : {}) },
        now,
      });
    }
    const inserted = await insertMessage(trx, {
      conversationRowId: conversation.id,
      direction: 'out',
      msgid: asMsgid(`ab-${randomUUID()}`),
      amojoMsgId: m.amojoMsgId,
      ...(manager ? { senderParticipantId: manager.id } : {}),
      type: m.content.type,
      // The quote is kept with the message, so a channel showing history (webchat) shows it again later.
      payload: m.replyToAmojoMsgId ? { ...m.content, replyTo: { amojoMsgId: m.replyToAmojoMsgId } } : m.content,
      sentAt: m.sentAtMs,
      now,
    });
    await updateConversation(trx, { id: conversation.id, activityAt: now, now });
    return inserted.message;
  });
  if (message.status !== 'pending') return undefined; // an earlier attempt finished (crash after its commit, before completing)
  // A revoked token or a blocked number: wait (held, no attempt used) until it is fixed (hold-for-broken-channel.ts).
  const { probe } = await holdWhileBroken(deps, instance, message.msgid);

  const adapter = await deps.channels.adapterFor(instance);
  const type = m.content.type;
  let result: ChannelSendResult;
  // Content the channel lacks goes as its fallback (content-fallbacks.ts) when one applies.
  const unsendable = unsendableReason(m.content, adapter);
  const fallback = unsendable && contentFallback(m.content, unsendable.carries);
  if (unsendable && fallback) {
    deps.log.info(
      { event: 'content_fallback', msgid: message.msgid, type, sentAs: fallback.content.type, channel: adapter.kind },
      `${unsendable.why}: sent as ${fallback.rule.result}`,
    );
  }
  if (unsendable && !fallback) {
    result = {
      ok: false,
      errorCode: 905,
      reason: `${unsendable.why} (${adapter.kind} channel "${instance.name ?? instance.key}")`,
      retryable: false,
    };
  } else {
    const quoted = m.replyToAmojoMsgId
      ? await findMessage(deps.store.db, { amojoMsgId: m.replyToAmojoMsgId })
      : undefined;
    let content = fallback ? fallback.content : { ...m.content };
    // A channel that cannot show a forward gets it in the text.
    if (content.forwarded && !adapter.capabilities.forwards) content = forwardedIntoText(content);
    const limit = adapter.maxTextLength;
    const length = content.text?.length ?? 0;
    if (limit !== undefined && length > limit && content.type !== 'text') {
      result = {
        ok: false,
        errorCode: 905,
        reason: `the caption is ${length} characters, over the ${limit} of ${adapter.kind} channel "${instance.name ?? instance.key}"`,
        retryable: false,
      };
    } else {
      // A text over the channel's limit goes as several messages, each with its own stable id.
      const parts = limit !== undefined && length > limit ? splitLongText(content.text ?? '', limit) : [undefined];
      if (parts.length > 1) {
        deps.log.info(
          { event: 'long_text_split', msgid: message.msgid, length, limit, parts: parts.length },
          `a text of ${length} characters sent as ${parts.length} messages`,
        );
      }
      let first: string | undefined;
      result = { ok: true };
      for (const [i, part] of parts.entries()) {
        result = await adapter.send({
          messageId: i === 0 ? message.msgid : asMsgid(`${message.msgid}-${i + 1}`),
          recipient,
          sender: { id: m.senderAmojoId ?? 'amocrm', ...(m.senderName ? { name: m.senderName } : {}) },
          message: part === undefined ? content : { ...content, text: part },
          sentAt: new Date(m.sentAtMs),
          ...(i === 0 && quoted && quoted.conversationRowId === conversation.id
            ? {
                replyTo: {
                  messageId: quoted.msgid,
                  ...(quoted.channelMessageId ? { channelMessageId: quoted.channelMessageId } : {}),
                },
              }
            : {}),
        });
        if (!result.ok) break;
        if (i === 0) first = result.channelMessageId;
      }
      // The customer system's id of the first part stands for the message (quotes and reactions name it).
      if (result.ok && parts.length > 1) result = first ? { ok: true, channelMessageId: first } : { ok: true };
    }
  }
  deps.metrics.channelSends.inc({
    channel: adapter.kind,
    outcome: result.ok ? 'ok' : result.retryable ? 'retried' : 'refused',
  });
  // What the send says about the instance (a revoked token, the messenger unreachable): its health, and the alert.
  const signal = !unsendable || fallback ? classifySendResult(result) : undefined;
  await recordSendOutcome(deps, instance, { what: message.msgid, signal, probe, routedAt });
  if (!result.ok && result.retryable) {
    if (!attempt.lastAttempt) {
      throw new RetryableJobError(`sending ${message.msgid} through ${instance.key}: ${result.reason}`, {
        retryAfterMs: result.retryAfterMs,
      });
    }
    result = {
      ...result,
      reason: `gave up after the last attempt (job ${attempt.jobId}): ${result.reason}`,
      retryable: false,
    };
  }
  if (result.ok) {
    deps.metrics.deliveryLatency.observe(
      { direction: 'outbound' },
      Math.max(0, deps.now().getTime() - m.sentAtMs) / 1000,
    );
  }
  return recordOutcome(deps, message, conversation, conversation.amojoChatId ?? m.amojoChatId, result);
}

function recordOutcome(
  deps: DeliverToChannelDeps,
  message: Message,
  conversation: Conversation,
  amojoChatId: AmojoChatId,
  result: ChannelSendResult,
): JobWrites {
  const now = deps.now().getTime();
  return async (trx: Executor) => {
    if (result.ok) {
      await recordMessageStatus(trx, { messageId: message.id, status: 'delivered', now });
      if (result.channelMessageId) {
        await setMessageChannelMessageId(trx, { id: message.id, channelMessageId: result.channelMessageId, now });
      }
      await adoptChatKey(trx, conversation, result.chatKey, now);
    } else {
      await recordMessageStatus(trx, {
        messageId: message.id,
        status: 'failed',
        errorCode: result.errorCode,
        error: result.reason,
        now,
      });
    }
    await enqueueJob(trx, JOB_KINDS.reportStatus, { messageRowId: message.id, amojoChatId });
  };
}

/**
 * A "write first" chat is keyed by the phone the manager chose (`phone:...`); when the send tells the messenger's own
 * key of that customer, the chat takes it so the customer's reply finds it (the old key is kept as `write_first_key`:
 * the reply still binds the amoCRM chat). A bound chat never changes its key, and a key another chat of the
 * instance already has is left alone (the reply then goes to that older chat).
 */
async function adoptChatKey(
  trx: Executor,
  conversation: Conversation,
  chatKey: ChannelChatKey | undefined,
  now: number,
): Promise<void> {
  if (!chatKey || conversation.channelInstanceId === null || !conversation.channelChatKey?.startsWith('phone:')) return;
  const current = await findConversation(trx, { id: conversation.id });
  if (!current?.channelChatKey?.startsWith('phone:')) return;
  const taken = await findConversation(trx, {
    channelInstanceId: conversation.channelInstanceId,
    channelChatKey: chatKey,
  });
  if (taken) return;
  await updateConversation(trx, {
    id: conversation.id,
    channelChatKey: chatKey,
    writeFirstKey: current.channelChatKey,
    now,
  });
}

/** A message that cannot be routed has no conversation to store it in; report the refusal straight from the hook. */
function reportFailureWithoutMessage(m: ManagerMessage, errorCode: ChannelErrorCode, reason: string): JobWrites {
  return async (trx: Executor) => {
    await enqueueJob(trx, JOB_KINDS.reportStatus, {
      scopeId: m.scopeId,
      amojoMsgId: m.amojoMsgId,
      amojoChatId: m.amojoChatId,
      status: -1,
      errorCode,
      error: reason,
    });
  };
}
