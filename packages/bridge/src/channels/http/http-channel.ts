import type {
  ChannelAdapter,
  ChannelContext,
  ChannelFactory,
  ChannelInstanceRecord,
  ChannelSendResult,
  OutboundChannelMessage,
  OutboundReaction,
  OutboundTyping,
} from '../channel-adapter.js';
import { httpCapabilitiesOf } from './http-capabilities.js';
import { type HttpChannelFetch, postChannelEvent } from './post-channel-event.js';

/** Options of {@link createHttpChannelFactory}. */
export interface HttpChannelOptions {
  readonly fetch?: HttpChannelFetch;
  /** Timeout of one POST to the customer system, ms; default 10 000. */
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

/** The instance's webhook URL, or undefined when it has none (sends are then refused as retryable 902). */
export function httpChannelUrl(instance: ChannelInstanceRecord): string | undefined {
  const url = instance.settings.url;
  return typeof url === 'string' && /^https?:\/\//.test(url) ? url : undefined;
}

/**
 * The `http` channel: customer systems POST customer events to the bridge (see `register-http-channel-routes.ts`)
 * and receive manager events on their own signed webhook. One adapter per instance; sending is one POST per call,
 * retries belong to the job queue so they survive restarts.
 */
export function createHttpChannelFactory(options: HttpChannelOptions = {}): ChannelFactory {
  return ({ instance }) => createHttpChannel(instance, options);
}

function createHttpChannel(instance: ChannelInstanceRecord, options: HttpChannelOptions): ChannelAdapter {
  let ctx: ChannelContext | undefined;
  const post = async (eventId: string, body: unknown): Promise<ChannelSendResult> => {
    const url = httpChannelUrl(instance);
    if (!url || !instance.secret) {
      return {
        ok: false,
        errorCode: 902,
        reason: `http channel instance ${instance.id} has no webhook URL or secret configured`,
        retryable: true,
      };
    }
    const result = await postChannelEvent({
      url,
      secret: instance.secret,
      eventId,
      // Binds the signature to its direction: the inbound route refuses a body saying "outbound".
      body: { direction: 'outbound', ...(body as Record<string, unknown>) },
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.now ? { now: options.now() } : {}),
    });
    if (!result.ok)
      ctx?.log.warn({ instanceId: instance.id, eventId, reason: result.reason }, 'http channel send failed');
    return result;
  };
  return {
    kind: 'http',
    capabilities: httpCapabilitiesOf(instance),
    async start(context) {
      ctx = context;
    },
    async stop() {
      ctx = undefined;
    },
    send(message: OutboundChannelMessage) {
      return post(message.messageId, {
        type: 'message',
        messageId: message.messageId,
        chatKey: message.recipient.chatKey,
        recipient: message.recipient,
        sender: message.sender,
        message: message.message,
        timestamp: Math.floor(message.sentAt.getTime() / 1000),
      });
    },
    typing(event: OutboundTyping) {
      return post(event.eventId, {
        type: 'typing',
        chatKey: event.recipient.chatKey,
        recipient: event.recipient,
        sender: { id: event.senderId },
        expiresAt: Math.floor(event.expiresAt.getTime() / 1000),
      });
    },
    react(event: OutboundReaction) {
      return post(event.eventId, {
        type: 'reaction',
        chatKey: event.recipient.chatKey,
        recipient: event.recipient,
        sender: { id: event.senderId },
        messageId: event.messageId,
        reaction: event.type,
        ...(event.emoji ? { emoji: event.emoji } : {}),
      });
    },
  };
}
