import { findMessage } from '../../store/messages/index.js';
import type { Store } from '../../store/store.js';
import {
  CHANNEL_MESSAGE_TYPES,
  type ChannelInstanceRecord,
  type ChannelMessageType,
  type ChannelSendResult,
  type OutboundChannelMessage,
  type OutboundReaction,
  type OutboundTyping,
} from '../channel-adapter.js';
import type { ChannelAdapter } from '../channel-plugin.js';
import type { WebchatHub } from './webchat-hub.js';
import { webchatQuoteOf } from './webchat-quotes.js';
import { listWebchatReactions, setWebchatReaction } from './webchat-store.js';
import { toWireMessage } from './wire-message.js';

/** What the widget can show: every Chats API type (media by URL, location as a map link). */
export const WEBCHAT_MESSAGE_TYPES: readonly ChannelMessageType[] = CHANNEL_MESSAGE_TYPES;

/** What {@link createWebchatAdapter} needs besides the instance. */
export interface WebchatAdapterOptions {
  /** Where open visitor sockets are; the same hub the socket routes use. */
  readonly hub: WebchatHub;
  readonly store: Store;
  readonly now?: () => Date;
}

/**
 * The `webchat` channel's outbound side: the bridge itself is the messenger server. A manager message is already
 * stored by the outbound pipeline, so "delivered" means stored where the visitor's widget reads it; it is pushed at
 * once to the visitor's open tabs, and a visitor who is away gets it from the history when the widget connects again.
 */
export function createWebchatAdapter(
  instance: Pick<ChannelInstanceRecord, 'key'>,
  options: WebchatAdapterOptions,
): ChannelAdapter {
  const now = options.now ?? (() => new Date());
  const visitorOf = (chatKey: string): string | undefined => (chatKey.startsWith('phone:') ? undefined : chatKey);
  const notAVisitor: ChannelSendResult = {
    ok: false,
    errorCode: 904,
    reason: 'a website visitor cannot be written to first: they have no chat until they open the widget',
    retryable: false,
  };
  return {
    messageTypes: WEBCHAT_MESSAGE_TYPES,
    // The widget shows a forwarded message above the manager's text.
    showsForwards: true,
    async send(message: OutboundChannelMessage): Promise<ChannelSendResult> {
      const visitorId = visitorOf(message.recipient.chatKey);
      if (!visitorId) return notAVisitor;
      // The quote the manager replied with: the pipeline checked it is a message of this conversation.
      const quotedRow = message.replyTo && (await findMessage(options.store.db, { msgid: message.replyTo.messageId }));
      const replyTo = quotedRow
        ? await webchatQuoteOf(options.store.db, quotedRow.conversationRowId, { msgid: quotedRow.msgid })
        : undefined;
      options.hub.publish(instance.key, visitorId, {
        type: 'message',
        message: toWireMessage({
          id: message.messageId,
          direction: 'out',
          content: message.message,
          author: message.sender.name ?? null,
          sentAt: message.sentAt.getTime(),
          replyTo,
        }),
      });
      return { ok: true };
    },
    async typing(event: OutboundTyping) {
      const visitorId = visitorOf(event.recipient.chatKey);
      if (!visitorId) return notAVisitor;
      options.hub.publish(instance.key, visitorId, { type: 'typing', until: event.expiresAt.getTime() });
      return { ok: true };
    },
    async react(event: OutboundReaction) {
      const visitorId = visitorOf(event.recipient.chatKey);
      if (!visitorId) return notAVisitor;
      const message = await findMessage(options.store.db, { msgid: event.messageId });
      if (!message) return { ok: true };
      await setWebchatReaction(options.store.db, {
        messageRowId: message.id,
        senderId: event.senderId,
        emoji: event.type === 'react' ? (event.emoji ?? null) : null,
        now: now().getTime(),
      });
      const reactions = (await listWebchatReactions(options.store.db, [message.id])).get(message.id) ?? [];
      options.hub.publish(instance.key, visitorId, { type: 'reaction', id: message.msgid, reactions });
      return { ok: true };
    },
  };
}
