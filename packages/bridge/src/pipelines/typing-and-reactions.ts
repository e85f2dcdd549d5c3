import type { ChannelRegistry } from '../channels/channel-registry.js';
import { classifySendResult } from '../channels/health/index.js';
import type { BridgeMetrics } from '../metrics/index.js';
import type { Job } from '../queue/index.js';
import { findAccountByScope } from '../store/accounts/index.js';
import {
  type AmojoChatId,
  type AmojoMsgId,
  asAmojoMsgId,
  type ConversationId,
  type HookRowId,
  type Msgid,
  type ScopeId,
} from '../store/ids.js';
import { findMessage } from '../store/messages/index.js';
import { type HoldForBrokenChannelDeps, holdWhileBroken, recordSendOutcome } from './hold-for-broken-channel.js';
import type { ManagerMessage } from './manager-message.js';
import { RetryableJobError } from './relay-errors.js';
import { type ResolveRouteDeps, resolveRoute } from './resolve-route.js';

/** What {@link typingToChannel} and {@link reactionToChannel} use: routing, holding, the adapters, the send count. */
export type TypingAndReactionsDeps = ResolveRouteDeps &
  HoldForBrokenChannelDeps & {
    readonly channels: Pick<ChannelRegistry, 'adapterFor'>;
    readonly metrics: Pick<BridgeMetrics, 'channelSends'>;
  };

/** Payload of a `typing-to-channel` job (manager typing hook, spec 4.4). */
export interface TypingToChannelPayload {
  readonly scopeId: ScopeId;
  readonly amojoChatId: AmojoChatId;
  readonly conversationId: ConversationId | null;
  readonly amojoUserId: string;
  /** Unix ms when the typing indication is over. */
  readonly expiresAtMs: number;
  readonly hookId: HookRowId;
  /** The event's `webhook-id`, from the hook's bytes (absent on jobs queued before it existed). */
  readonly eventId?: string;
}

/** Payload of a `reaction-to-channel` job (manager reaction hook, spec 4.5). */
export interface ReactionToChannelPayload {
  readonly scopeId: ScopeId;
  readonly amojoChatId: AmojoChatId;
  readonly conversationId: ConversationId | null;
  readonly amojoMsgId: AmojoMsgId;
  readonly msgid: Msgid | null;
  readonly amojoUserId: string;
  readonly type: 'react' | 'unreact';
  readonly emoji: string | null;
  readonly hookId: HookRowId;
  /** The event's `webhook-id`, from the hook's bytes (absent on jobs queued before it existed). */
  readonly eventId?: string;
}

/** A route-only stand-in for a manager message: typing and reactions use the same routing as messages. */
function routingMessage(p: {
  scopeId: ScopeId;
  amojoChatId: AmojoChatId;
  conversationId: ConversationId | null;
}): ManagerMessage {
  return {
    scopeId: p.scopeId,
    amojoMsgId: asAmojoMsgId(''),
    amojoChatId: p.amojoChatId,
    ...(p.conversationId ? { conversationId: p.conversationId } : {}),
    receiver: {},
    sentAtMs: 0,
    content: { type: 'text', text: '' },
    origin: { via: 'reconcile' },
  };
}

/**
 * Shows a manager typing in the messenger. Ephemeral: dropped when stale (the indication is already over), when
 * the channel cannot show typing, or when the chat is unknown; one attempt only.
 */
export async function typingToChannel(deps: TypingAndReactionsDeps, job: Job<TypingToChannelPayload>): Promise<void> {
  const p = job.payload;
  if (deps.now().getTime() >= p.expiresAtMs) return;
  const account = await findAccountByScope(deps.store.db, p.scopeId);
  if (account?.state !== 'connected' || !p.conversationId) return;
  const route = await resolveRoute(deps, account, routingMessage(p));
  if (!route.ok) return;
  const adapter = await deps.channels.adapterFor(route.instance);
  if (!adapter.capabilities.typing || !adapter.typing) return;
  const result = await adapter.typing({
    eventId: p.eventId ?? `typing-${p.hookId}`,
    recipient: route.recipient,
    senderId: p.amojoUserId,
    expiresAt: new Date(p.expiresAtMs),
  });
  deps.metrics.channelSends.inc({ channel: adapter.kind, outcome: !result || result.ok ? 'ok' : 'dropped' });
}

/**
 * Shows a manager reaction in the messenger, on the message as the customer system knows it (our msgid). Runs in
 * the chat's outbound lane, after the message it reacts to.
 *
 * A channel without reactions gets nothing, and the message's delivery status is left as it is. Decision (issue
 * 14, "unsupported reaction -> failed status"): amoCRM's `delivery_status` belongs to a message, not to a
 * reaction; setting the reacted message to -1 would tell the manager the MESSAGE was not delivered, which is false
 * (the customer has it), and the status the manager sees would flip for a reaction. So nothing is reported to
 * amoCRM; the drop is logged as a warning (`manager_reaction_not_shown`) and counted (`channel_sends` outcome
 * `dropped`), and the README's feature table says which channels show manager reactions.
 */
export async function reactionToChannel(
  deps: TypingAndReactionsDeps,
  job: Job<ReactionToChannelPayload>,
): Promise<void> {
  const p = job.payload;
  const account = await findAccountByScope(deps.store.db, p.scopeId);
  if (account?.state !== 'connected') return;
  const target =
    (await findMessage(deps.store.db, { amojoMsgId: p.amojoMsgId })) ??
    (p.msgid ? await findMessage(deps.store.db, { msgid: p.msgid }) : undefined);
  if (!target) {
    deps.log.info({ amojoMsgId: p.amojoMsgId }, 'reaction to a message the bridge does not know: dropped');
    return;
  }
  const routedAt = deps.now().getTime();
  const route = await resolveRoute(deps, account, routingMessage(p));
  if (!route.ok) return;
  const adapter = await deps.channels.adapterFor(route.instance);
  if (!adapter.capabilities.reactions || !adapter.react) {
    deps.log.warn(
      { event: 'manager_reaction_not_shown', msgid: target.msgid, channel: adapter.kind, emoji: p.emoji },
      `the ${adapter.kind} channel cannot show reactions: the manager's reaction was not sent (the message keeps its status)`,
    );
    deps.metrics.channelSends.inc({ channel: adapter.kind, outcome: 'dropped' });
    return;
  }
  // In the conversation's lane like the answers: held with them while the instance is broken (a revoked token).
  const what = `the reaction on ${target.msgid}`;
  const { probe } = await holdWhileBroken(deps, route.instance, what);
  const result = await adapter.react({
    eventId: p.eventId ?? `reaction-${p.hookId}`,
    recipient: route.recipient,
    messageId: target.msgid,
    ...(target.channelMessageId ? { channelMessageId: target.channelMessageId } : {}),
    type: p.type,
    ...(p.emoji ? { emoji: p.emoji } : {}),
    senderId: p.amojoUserId,
  });
  const outcome = !result || result.ok ? 'ok' : result.retryable ? 'retried' : 'refused';
  deps.metrics.channelSends.inc({ channel: adapter.kind, outcome });
  const signal = result ? classifySendResult(result) : undefined;
  await recordSendOutcome(deps, route.instance, { what, signal, probe, routedAt });
  if (result && !result.ok && result.retryable) {
    throw new RetryableJobError(`reaction not delivered: ${result.reason}`, { retryAfterMs: result.retryAfterMs });
  }
  if (result && !result.ok) {
    // Refused for good (an emoji the messenger does not allow): amoCRM has no status for reactions, so the log says it.
    deps.log.warn(
      {
        event: 'manager_reaction_refused',
        msgid: target.msgid,
        channel: adapter.kind,
        emoji: p.emoji,
        reason: result.reason,
      },
      `the ${adapter.kind} channel refused the manager's reaction: ${result.reason}`,
    );
  }
}
