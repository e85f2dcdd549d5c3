import type { EmulatedNumber } from './emulated-number.js';

/** What a customer can send: the Cloud API message types, without the ids and timestamps the platform adds. */
export type CustomerContent =
  | { readonly type: 'text'; readonly body: string }
  | {
      readonly type: 'image' | 'video' | 'document' | 'audio' | 'sticker';
      readonly bytes: Buffer;
      readonly mimeType: string;
      readonly caption?: string;
      readonly filename?: string;
      /** audio only: recorded as a voice note. */
      readonly voice?: boolean;
    }
  | {
      readonly type: 'location';
      readonly latitude: number;
      readonly longitude: number;
      readonly name?: string;
      readonly address?: string;
    }
  | { readonly type: 'contacts'; readonly contacts: readonly { readonly name: string; readonly phone: string }[] }
  | { readonly type: 'button_reply' | 'list_reply'; readonly id: string; readonly title: string }
  | { readonly type: 'reaction'; readonly messageId: string; readonly emoji: string };

/** Options of {@link EmulatedCustomer.send}. */
export interface SendOptions {
  /** The wamid of the message this one replies to (`context.id`). */
  readonly replyTo?: string;
}

/** A WhatsApp user writing to one business number. */
export class EmulatedCustomer {
  readonly waId: string;
  readonly name: string;
  /** When the customer last wrote (emulator clock, ms); undefined if never: the 24-hour window is closed. */
  lastInboundAt: number | undefined;
  /** The messages the business sent this customer, as accepted by the API (body as posted). */
  readonly received: Record<string, unknown>[] = [];
  readonly #number: EmulatedNumber;

  constructor(number: EmulatedNumber, waId: string, name: string) {
    this.#number = number;
    this.waId = waId;
    this.name = name;
  }

  /** Writes to the business: queues a `messages` webhook and (re)opens the customer-service window. */
  send(content: CustomerContent, options: SendOptions = {}): string {
    return this.#number.receiveFromCustomer(this, content, options);
  }

  /** Reads a message the business sent: queues a `read` status for it. */
  read(messageId: string): void {
    this.#number.emitStatus(messageId, 'read');
  }
}
