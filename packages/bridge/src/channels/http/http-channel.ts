import type {
  ChannelInstanceRecord,
  ChannelMessageType,
  ChannelSendResult,
  OutboundChannelMessage,
  OutboundReaction,
  OutboundTyping,
} from '../channel-adapter.js';
import type { ChannelAdapter, ChannelRuntime } from '../channel-plugin.js';
import { HTTP_DEFAULT_CAPABILITIES, httpCapabilitiesOf } from './http-capabilities.js';
import type { HttpSettings } from './http-settings.js';
import { postChannelEvent } from './post-channel-event.js';

/** Timeout of one POST to the customer system, ms, when the runtime has no `tuning` (`HTTP_CHANNEL_POST_TIMEOUT_MS`). */
export const HTTP_CHANNEL_TIMEOUT_MS = 10_000;

const MESSAGE_TYPES = Object.keys(HTTP_DEFAULT_CAPABILITIES).filter(
  (key) => key !== 'typing' && key !== 'reactions',
) as ChannelMessageType[];

/**
 * The outbound side of one `http` instance: customer systems POST customer events to the bridge (see
 * `register-http-channel-routes.ts`) and receive manager events on their own signed webhook. Sending is one POST
 * per call; retries belong to the job queue so they survive restarts. Typing and reactions are methods only when
 * the instance's capabilities allow them.
 */
export function createHttpAdapter(
  instance: ChannelInstanceRecord<HttpSettings>,
  runtime: Pick<ChannelRuntime, 'fetch' | 'now' | 'log' | 'tuning'>,
): ChannelAdapter {
  const capabilities = httpCapabilitiesOf(instance.settings);
  const post = async (eventId: string, body: unknown): Promise<ChannelSendResult> => {
    const url = instance.settings.url;
    if (!url || !instance.secret) {
      return {
        ok: false,
        errorCode: 902,
        reason: `http channel instance ${instance.key} has no webhook URL or secret configured`,
        retryable: true,
      };
    }
    const result = await postChannelEvent({
      url,
      secret: instance.secret,
      eventId,
      // Binds the signature to its direction: the inbound route refuses a body saying "outbound".
      body: { direction: 'outbound', ...(body as Record<string, unknown>) },
      fetch: runtime.fetch,
      timeoutMs: runtime.tuning?.httpPostTimeoutMs ?? HTTP_CHANNEL_TIMEOUT_MS,
      now: runtime.now(),
    });
    if (!result.ok)
      runtime.log.warn({ instanceId: instance.key, eventId, reason: result.reason }, 'http channel send failed');
    return result;
  };
  const adapter: ChannelAdapter = {
    messageTypes: MESSAGE_TYPES.filter((type) => capabilities[type]),
    ...(instance.settings.maxFileBytes !== undefined ? { maxFileBytes: instance.settings.maxFileBytes } : {}),
    ...(instance.settings.maxTextLength !== undefined ? { maxTextLength: instance.settings.maxTextLength } : {}),
    showsForwards: true,
    send(message: OutboundChannelMessage) {
      const { forwarded, ...content } = message.message;
      return post(message.messageId, {
        type: 'message',
        messageId: message.messageId,
        chatKey: message.recipient.chatKey,
        recipient: message.recipient,
        sender: message.sender,
        message: content,
        ...(forwarded
          ? {
              forwarded: {
                text: forwarded.text,
                ...(forwarded.author ? { author: forwarded.author } : {}),
                ...(forwarded.sentAtMs ? { timestamp: Math.floor(forwarded.sentAtMs / 1000) } : {}),
              },
            }
          : {}),
        timestamp: Math.floor(message.sentAt.getTime() / 1000),
        // The quoted message by the id the customer system knows: what it answered for it, else ours.
        ...(message.replyTo ? { replyTo: message.replyTo.channelMessageId ?? message.replyTo.messageId } : {}),
      });
    },
  };
  const typing = (event: OutboundTyping) =>
    post(event.eventId, {
      type: 'typing',
      chatKey: event.recipient.chatKey,
      recipient: event.recipient,
      sender: { id: event.senderId },
      expiresAt: Math.floor(event.expiresAt.getTime() / 1000),
    });
  const react = (event: OutboundReaction) =>
    post(event.eventId, {
      type: 'reaction',
      chatKey: event.recipient.chatKey,
      recipient: event.recipient,
      sender: { id: event.senderId },
      messageId: event.messageId,
      reaction: event.type,
      ...(event.emoji ? { emoji: event.emoji } : {}),
    });
  return {
    ...adapter,
    ...(capabilities.typing ? { typing } : {}),
    ...(capabilities.reactions ? { react } : {}),
  };
}
