import { asChannelChatKey } from '../../store/ids.js';
import {
  CHANNEL_MESSAGE_TYPES,
  type ChannelInstanceRecord,
  type ChannelSendResult,
  type OutboundChannelMessage,
} from '../channel-adapter.js';
import type { ChannelAdapter, ChannelRuntime } from '../channel-plugin.js';
import { GraphApi } from './graph-api.js';
import { mapOutbound } from './map-outbound.js';
import { mapSendError } from './map-send-error.js';
import { OutboundMediaError, uploadOutboundMedia } from './upload-outbound-media.js';
import type { WhatsAppSettings } from './whatsapp-settings.js';
import { buildTemplate } from './whatsapp-template.js';
import { CUSTOMER_SERVICE_WINDOW_MS, lastCustomerMessageAt } from './whatsapp-windows.js';

/** The customer's WhatsApp id (digits of the phone): the chat key, or the phone of a "write first" chat. */
export function waIdOf(recipient: OutboundChannelMessage['recipient']): string | undefined {
  for (const candidate of [recipient.id, recipient.chatKey, recipient.phone]) {
    const digits = candidate?.replace(/[\s()+-]/g, '');
    if (digits && /^\d{7,15}$/.test(digits)) return digits;
  }
  return undefined;
}

/**
 * The outbound side of one business number. Inside the customer's 24-hour window a manager message goes out as
 * its own WhatsApp type; outside it (or to a phone that never wrote: "write first") it goes out as the instance's
 * template, its parameters filled as `templateParameters`/`templateHeader` say (whatsapp-template.ts), or is refused
 * with -1 and the reason when no template is configured.
 */
export function createWhatsAppAdapter(
  instance: ChannelInstanceRecord<WhatsAppSettings>,
  runtime: ChannelRuntime<WhatsAppSettings>,
): ChannelAdapter {
  const api = new GraphApi(instance.settings, runtime.fetch);
  const { templateName, templateLanguage } = instance.settings;
  return {
    // Every Chats API type (media by upload or link, location and contact as WhatsApp's own).
    messageTypes: CHANNEL_MESSAGE_TYPES,
    async react(event): Promise<ChannelSendResult> {
      const to = waIdOf(event.recipient);
      if (!to || !event.channelMessageId) {
        return { ok: false, errorCode: 905, reason: 'the message has no WhatsApp id to react to', retryable: false };
      }
      try {
        // An empty emoji removes the reaction.
        await api.sendMessage({
          to,
          type: 'reaction',
          reaction: { message_id: event.channelMessageId, emoji: event.type === 'react' ? (event.emoji ?? '') : '' },
        });
        return { ok: true };
      } catch (error) {
        return mapSendError(error);
      }
    },
    async send(message): Promise<ChannelSendResult> {
      const to = waIdOf(message.recipient);
      if (!to) {
        return { ok: false, errorCode: 904, reason: 'the chat has no WhatsApp number to send to', retryable: false };
      }
      const last = await lastCustomerMessageAt(runtime.store.db, { instanceRowId: instance.rowId, waId: to });
      const open = last !== undefined && runtime.now().getTime() - last < CUSTOMER_SERVICE_WINDOW_MS;
      // Carried back in every status webhook of the message: the bridge's own id, so `read` finds the message.
      const tag = { to, biz_opaque_callback_data: message.messageId };
      try {
        if (open) {
          let sent: Awaited<ReturnType<GraphApi['send']>> = { id: '' };
          // A quote of a message WhatsApp knows (its wamid) is sent as `context`; on the first body only.
          const context = message.replyTo?.channelMessageId
            ? { context: { message_id: message.replyTo.channelMessageId } }
            : {};
          const mapped = mapOutbound(message.message);
          let bodies = mapped;
          if (instance.settings.mediaSending === 'upload') {
            try {
              bodies = await uploadOutboundMedia(api, runtime.fetch, mapped);
            } catch (error) {
              if (!(error instanceof OutboundMediaError)) throw error;
              return { ok: false, errorCode: 905, reason: error.message, retryable: error.retryable };
            }
          }
          for (const [index, body] of bodies.entries()) {
            sent = await api.send({ ...tag, ...(index === 0 ? context : {}), ...body });
          }
          return {
            ok: true,
            channelMessageId: sent.id,
            ...(sent.waId ? { chatKey: asChannelChatKey(sent.waId) } : {}),
          };
        }
        if (!templateName) {
          return {
            ok: false,
            errorCode: 905,
            reason:
              last === undefined
                ? 'this customer never wrote to this WhatsApp number: only a template can be sent (set templateName)'
                : "outside WhatsApp's 24-hour customer-service window: only a template can be sent (set templateName)",
            retryable: false,
          };
        }
        const built = buildTemplate({
          name: templateName,
          language: templateLanguage,
          parameters: instance.settings.templateParameters,
          header: instance.settings.templateHeader,
          message,
        });
        if (!built.ok) return { ok: false, errorCode: 905, reason: built.reason, retryable: false };
        const sent = await api.send({ ...tag, type: 'template', template: built.template });
        return { ok: true, channelMessageId: sent.id, ...(sent.waId ? { chatKey: asChannelChatKey(sent.waId) } : {}) };
      } catch (error) {
        const refusal = mapSendError(error);
        runtime.log.warn(
          {
            instance: instance.key,
            messageId: message.messageId,
            errorCode: refusal.errorCode,
            reason: refusal.reason,
          },
          'whatsapp send refused',
        );
        return refusal;
      }
    },
  };
}
