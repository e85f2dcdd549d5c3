import { asChannelChatKey, asMsgid, type ChannelInstanceKey } from '../../store/ids.js';
import type {
  ChannelMessageContent,
  InboundChannelMessage,
  InboundDeliveryFailure,
  InboundReaction,
  InboundReadReceipt,
} from '../channel-adapter.js';
import { failureOfStatus } from './map-send-error.js';

/*
 * Meta's `messages` webhook, as far as the channel reads it:
 * { object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ field: 'messages', value: {
 *     metadata: { phone_number_id, display_phone_number }, contacts: [{ wa_id, profile: { name } }],
 *     messages: [{ from, id, timestamp, type, <type>: {...}, context? }],
 *     statuses: [{ id, status, timestamp, recipient_id, biz_opaque_callback_data?, errors? }] } }] }] }
 */

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** One thing a webhook batch asks of the bridge, in the order Meta listed them. */
export type WebhookItem =
  | {
      readonly kind: 'message';
      readonly phoneNumberId: string;
      readonly waId: string;
      readonly event: InboundChannelMessage;
    }
  | { readonly kind: 'read'; readonly phoneNumberId: string; readonly event: InboundReadReceipt }
  | { readonly kind: 'failed'; readonly phoneNumberId: string; readonly event: InboundDeliveryFailure }
  | { readonly kind: 'reaction'; readonly phoneNumberId: string; readonly event: InboundReaction }
  /** Something the bridge does not pass on (a `sent`/`delivered` status, a system message...): logged. */
  | { readonly kind: 'skipped'; readonly what: string; readonly detail: Json };

/** Where a customer's media is re-served by the bridge. */
export type MediaUrlOf = (mediaId: string, fileName: string) => string;

/** The instance of a business phone number id the webhook may deliver to, or undefined. */
export type InstanceOfNumber = (
  phoneNumberId: string,
) => { readonly instanceKey: ChannelInstanceKey; readonly mediaUrlOf: MediaUrlOf } | undefined;

/** Why a webhook body cannot be read at all (answered 400: Meta's own payloads always pass). */
export class WebhookShapeError extends Error {
  override readonly name = 'WebhookShapeError';
}

const EXTENSION_OF: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'application/pdf': 'pdf',
};

function fileNameOf(type: string, media: Json): string {
  const given = str(media.filename);
  if (given) return given.replace(/[/\\]/g, '_');
  const mime = (str(media.mime_type) ?? '').split(';')[0]!.trim();
  return `${type}.${EXTENSION_OF[mime] ?? 'bin'}`;
}

function contentOf(message: Json, mediaUrlOf: MediaUrlOf): ChannelMessageContent[] | string {
  const type = str(message.type) ?? 'unknown';
  const body = message[type];
  switch (type) {
    case 'text':
      return isObject(body) && str(body.body) ? [{ type: 'text', text: body.body as string }] : 'text without body';
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker': {
      if (!isObject(body) || !str(body.id)) return `${type} without media id`;
      const fileName = fileNameOf(type, body);
      const kind =
        type === 'image'
          ? 'picture'
          : type === 'document'
            ? 'file'
            : type === 'audio'
              ? body.voice === true
                ? 'voice'
                : 'audio'
              : type;
      const caption = str(body.caption);
      return [
        {
          type: kind as ChannelMessageContent['type'],
          media: mediaUrlOf(body.id as string, fileName),
          fileName,
          ...(caption ? { text: caption } : {}),
        },
      ];
    }
    case 'location': {
      if (!isObject(body) || typeof body.latitude !== 'number' || typeof body.longitude !== 'number') {
        return 'location without coordinates';
      }
      const label = [str(body.name), str(body.address)].filter(Boolean).join(', ');
      return [
        { type: 'location', location: { lat: body.latitude, lon: body.longitude }, ...(label ? { text: label } : {}) },
      ];
    }
    case 'contacts': {
      const contacts = list(message.contacts).filter(isObject);
      const mapped = contacts.flatMap((contact): ChannelMessageContent[] => {
        const name = isObject(contact.name)
          ? (str(contact.name.formatted_name) ?? str(contact.name.first_name))
          : undefined;
        const phone = list(contact.phones)
          .filter(isObject)
          .map((p) => str(p.phone) ?? str(p.wa_id))[0];
        return name && phone ? [{ type: 'contact', contact: { name, phone } }] : [];
      });
      return mapped.length > 0 ? mapped : 'contacts without a name and phone';
    }
    case 'interactive': {
      if (!isObject(body)) return 'interactive without body';
      const reply = body[str(body.type) ?? ''];
      const title = isObject(reply) ? str(reply.title) : undefined;
      return title ? [{ type: 'text', text: title }] : 'interactive reply without title';
    }
    case 'button': {
      // A quick-reply button of a template.
      const text = isObject(body) ? (str(body.text) ?? str(body.payload)) : undefined;
      return text ? [{ type: 'text', text }] : 'button without text';
    }
    default:
      return `message type ${type}`;
  }
}

/**
 * Reads a verified webhook body into items, each for the instance of its change's `metadata.phone_number_id` (one
 * Meta app has one callback URL for all its numbers): customer messages (one per contact card for `contacts`), read
 * and failed statuses of messages the bridge sent (by `biz_opaque_callback_data`, which carries the bridge's message
 * id), and the rest as skipped with the reason.
 */
export function mapWebhook(input: { readonly body: unknown; readonly instanceOf: InstanceOfNumber }): WebhookItem[] {
  const { body } = input;
  if (!isObject(body) || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry)) {
    throw new WebhookShapeError('object: expected "whatsapp_business_account" with an entry array');
  }
  const items: WebhookItem[] = [];
  for (const entry of list(body.entry).filter(isObject)) {
    for (const change of list(entry.changes).filter(isObject)) {
      const value = change.value;
      if (change.field !== 'messages' || !isObject(value)) {
        items.push({ kind: 'skipped', what: `change of field ${String(change.field)}`, detail: {} });
        continue;
      }
      const metadata = isObject(value.metadata) ? value.metadata : {};
      const phoneNumberId = str(metadata.phone_number_id) ?? '';
      const target = input.instanceOf(phoneNumberId);
      if (!target) {
        items.push({
          kind: 'skipped',
          what: 'change for a phone number id without an instance',
          detail: { phoneNumberId },
        });
        continue;
      }
      const { instanceKey } = target;
      const names = new Map(
        list(value.contacts)
          .filter(isObject)
          .map((c) => [str(c.wa_id), isObject(c.profile) ? str(c.profile.name) : undefined] as const),
      );
      for (const message of list(value.messages).filter(isObject)) {
        const from = str(message.from);
        const id = str(message.id);
        if (!from || !id) {
          items.push({ kind: 'skipped', what: 'message without from or id', detail: {} });
          continue;
        }
        if (message.type === 'reaction') {
          const reaction = isObject(message.reaction) ? message.reaction : {};
          const target = str(reaction.message_id);
          if (!target) {
            items.push({ kind: 'skipped', what: 'reaction without message_id', detail: { id } });
            continue;
          }
          // An empty emoji is WhatsApp's "reaction removed".
          const emoji = typeof reaction.emoji === 'string' ? reaction.emoji : '';
          items.push({
            kind: 'reaction',
            phoneNumberId,
            event: {
              kind: 'reaction',
              instanceId: instanceKey,
              eventId: id,
              chatKey: asChannelChatKey(from),
              senderId: from,
              messageEventId: target,
              type: emoji ? 'react' : 'unreact',
              emoji,
            },
          });
          continue;
        }
        if (message.type === 'system' || message.type === 'ephemeral') {
          items.push({ kind: 'skipped', what: `${String(message.type)} message`, detail: { id } });
          continue;
        }
        const contents = contentOf(message, target.mediaUrlOf);
        const seconds = Number(message.timestamp);
        const sentAt = new Date(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : Date.now());
        const sender = { id: from, name: names.get(from) ?? `+${from}`, phone: `+${from}` };
        const shown: ChannelMessageContent[] =
          typeof contents === 'string'
            ? [{ type: 'text', text: `(a WhatsApp ${contents} that the bridge cannot show)` }]
            : contents;
        shown.forEach((content, index) => {
          items.push({
            kind: 'message',
            phoneNumberId,
            waId: from,
            event: {
              kind: 'message',
              instanceId: instanceKey,
              // Meta's wamid: a redelivered webhook carries the same one, so `receive` stores it once.
              eventId: index === 0 ? id : `${id}#${index}`,
              chatKey: asChannelChatKey(from),
              sender,
              message: content,
              sentAt,
              // A quote (`context.id`): a customer message's wamid or the wamid a manager message was sent as.
              ...(index === 0 && isObject(message.context) && str(message.context.id)
                ? { replyToEventId: message.context.id as string }
                : {}),
            },
          });
        });
      }
      for (const status of list(value.statuses).filter(isObject)) {
        const ourId = str(status.biz_opaque_callback_data);
        if (status.status === 'read' && ourId) {
          items.push({
            kind: 'read',
            phoneNumberId,
            event: { kind: 'read', instanceId: instanceKey, messageId: asMsgid(ourId) },
          });
        } else if (status.status === 'failed' && ourId) {
          // Final, even after `sent`/`delivered` (Meta does not promise their order): amoCRM gets -1 and the reason.
          const errors = list(status.errors)
            .filter(isObject)
            .map((e) => ({
              code: e.code,
              title: e.title,
              message: e.message,
              details: isObject(e.error_data) ? str(e.error_data.details) : undefined,
            }));
          items.push({
            kind: 'failed',
            phoneNumberId,
            event: { kind: 'failed', instanceId: instanceKey, messageId: asMsgid(ourId), ...failureOfStatus(errors) },
          });
        } else {
          // `sent` and `delivered`: amoCRM was told 1 when Meta accepted the message.
          items.push({
            kind: 'skipped',
            what: `status ${String(status.status)}`,
            detail: {
              wamid: String(status.id),
              ...(ourId ? { messageId: ourId } : {}),
              errors: list(status.errors)
                .filter(isObject)
                .map((e) => `${String(e.code)} ${String(e.title ?? e.message ?? '')}`),
            },
          });
        }
      }
    }
  }
  return items;
}
