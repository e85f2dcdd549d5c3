import { randomBytes } from 'node:crypto';
import type { EmulatedBusiness } from './emulated-business.js';
import { type CustomerContent, EmulatedCustomer, type SendOptions } from './emulated-customer.js';
import type { StatusError } from './graph-api-error.js';

/** A message status as the Cloud API reports it in `statuses[]`. */
export type MessageStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** A message the business sent through the API, as accepted. */
export interface SentMessage {
  readonly id: string;
  readonly to: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly statuses: MessageStatus[];
}

/** How statuses of an accepted message are emitted. */
export type StatusOrder = 'in-order' | 'reversed';

const CUSTOMER_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Makes a message id shaped like Meta's (`wamid.` + base64). */
export function newMessageId(): string {
  return `wamid.${randomBytes(24).toString('base64')}`;
}

/** One business phone number of a WhatsApp Business Account. */
export class EmulatedNumber {
  readonly phoneNumberId: string;
  /** E.164 digits without `+`, as `metadata.display_phone_number` carries it. */
  readonly displayPhoneNumber: string;
  readonly business: EmulatedBusiness;
  readonly sent: SentMessage[] = [];
  /** `'reversed'` emits `delivered` before `sent` (Meta does not promise order); default in order. */
  statusOrder: StatusOrder = 'in-order';
  /** Whether accepted messages go on to `delivered` by themselves; default true. */
  autoDeliver = true;
  readonly #customers = new Map<string, EmulatedCustomer>();

  constructor(business: EmulatedBusiness, phoneNumberId: string, displayPhoneNumber: string) {
    this.business = business;
    this.phoneNumberId = phoneNumberId;
    this.displayPhoneNumber = displayPhoneNumber;
  }

  /** The customer of a phone number on WhatsApp (created if new; a new customer has never written). */
  customer(phone: string, name = `Customer ${phone.slice(-4)}`): EmulatedCustomer {
    const waId = phone.replace(/\D/g, '');
    let customer = this.#customers.get(waId);
    if (!customer) {
      customer = new EmulatedCustomer(this, waId, name);
      this.#customers.set(waId, customer);
    }
    return customer;
  }

  /** The customer of a WhatsApp id, if the number is on WhatsApp. */
  findCustomer(waId: string): EmulatedCustomer | undefined {
    return this.#customers.get(waId);
  }

  /** Whether free-form messages to this customer are allowed now. */
  windowOpen(customer: EmulatedCustomer): boolean {
    return customer.lastInboundAt !== undefined && this.business.now() - customer.lastInboundAt < CUSTOMER_WINDOW_MS;
  }

  #metadata() {
    return { display_phone_number: this.displayPhoneNumber, phone_number_id: this.phoneNumberId };
  }

  #timestamp(): string {
    return String(Math.floor(this.business.now() / 1000));
  }

  /** @internal Called by {@link EmulatedCustomer.send}. */
  receiveFromCustomer(customer: EmulatedCustomer, content: CustomerContent, options: SendOptions): string {
    const id = newMessageId();
    customer.lastInboundAt = this.business.now();
    const message: Record<string, unknown> = {
      from: customer.waId,
      id,
      timestamp: this.#timestamp(),
      ...(options.replyTo ? { context: { from: this.displayPhoneNumber, id: options.replyTo } } : {}),
      ...this.#contentOf(content),
    };
    this.business.queueWebhook({
      messaging_product: 'whatsapp',
      metadata: this.#metadata(),
      contacts: [{ profile: { name: customer.name }, wa_id: customer.waId }],
      messages: [message],
    });
    return id;
  }

  #contentOf(content: CustomerContent): Record<string, unknown> {
    switch (content.type) {
      case 'text':
        return { type: 'text', text: { body: content.body } };
      case 'image':
      case 'video':
      case 'document':
      case 'audio':
      case 'sticker': {
        const media = this.business.media.add(this.business.id, content.bytes, content.mimeType);
        return {
          type: content.type,
          [content.type]: {
            id: media.id,
            mime_type: content.mimeType,
            sha256: media.sha256,
            ...(content.caption !== undefined ? { caption: content.caption } : {}),
            ...(content.type === 'document' && content.filename ? { filename: content.filename } : {}),
            ...(content.type === 'audio' ? { voice: content.voice === true } : {}),
            ...(content.type === 'sticker' ? { animated: false } : {}),
          },
        };
      }
      case 'location': {
        const { type: _type, ...location } = content;
        return { type: 'location', location };
      }
      case 'contacts':
        return {
          type: 'contacts',
          contacts: content.contacts.map((c) => ({
            name: { formatted_name: c.name, first_name: c.name },
            phones: [{ phone: c.phone, wa_id: c.phone.replace(/\D/g, ''), type: 'CELL' }],
          })),
        };
      case 'button_reply':
      case 'list_reply':
        return {
          type: 'interactive',
          interactive: { type: content.type, [content.type]: { id: content.id, title: content.title } },
        };
      case 'reaction':
        return { type: 'reaction', reaction: { message_id: content.messageId, emoji: content.emoji } };
    }
  }

  /** @internal Records an accepted send and schedules its statuses (or its asynchronous failure). */
  accept(to: string, body: Record<string, unknown>, failure: StatusError | undefined): SentMessage {
    const sent: SentMessage = { id: newMessageId(), to, body, statuses: [] };
    this.sent.push(sent);
    if (failure) {
      this.emitStatus(sent.id, 'failed', failure);
      return sent;
    }
    this.findCustomer(to)?.received.push(body);
    const order: MessageStatus[] = this.autoDeliver ? ['sent', 'delivered'] : ['sent'];
    if (this.statusOrder === 'reversed') order.reverse();
    for (const status of order) this.emitStatus(sent.id, status);
    return sent;
  }

  /** Queues a status webhook for a sent message. */
  emitStatus(messageId: string, status: MessageStatus, error?: StatusError): void {
    const sent = this.sent.find((m) => m.id === messageId);
    if (!sent) throw new Error(`no message ${messageId} was sent from ${this.displayPhoneNumber}`);
    sent.statuses.push(status);
    this.business.queueWebhook({
      messaging_product: 'whatsapp',
      metadata: this.#metadata(),
      statuses: [
        {
          id: messageId,
          status,
          timestamp: this.#timestamp(),
          recipient_id: sent.to,
          ...(typeof sent.body.biz_opaque_callback_data === 'string'
            ? { biz_opaque_callback_data: sent.body.biz_opaque_callback_data }
            : {}),
          ...(error ? { errors: [error] } : {}),
        },
      ],
    });
  }
}
