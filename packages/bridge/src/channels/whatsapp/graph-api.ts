import { ResponseTooLargeError, readResponseText } from '@amojo-bridge/sdk';
import { BridgeError } from '../../errors.js';
import type { ChannelFetch } from '../channel-plugin.js';
import type { WhatsAppSettings } from './whatsapp-settings.js';

/** One request to Meta may take this long; retries belong to the queue. */
const REQUEST_TIMEOUT_MS = 15_000;
// The Graph API's answers are small JSON (a message id, a media URL, up to 200 templates); a proxy's page or a
// runaway body is not read past this.
const GRAPH_ANSWER_LIMIT_BYTES = 4 * 1024 * 1024;

/** The Graph API refused (its `error` object) or answered something that is not JSON. */
export class GraphApiRefusal extends BridgeError {
  override readonly name = 'GraphApiRefusal';
  readonly status: number;
  /** Meta's error `code` (190 token, 130429 throughput, 131026 undeliverable...); 0 when the body had none. */
  readonly graphCode: number;
  readonly subcode: number | undefined;
  readonly details: string | undefined;
  constructor(status: number, graphCode: number, message: string, options: { subcode?: number; details?: string }) {
    super('whatsapp_graph_refused', message);
    this.status = status;
    this.graphCode = graphCode;
    this.subcode = options.subcode;
    this.details = options.details;
  }
}

/** Meta could not be reached (connection refused, timeout). */
export class GraphApiUnreachable extends BridgeError {
  override readonly name = 'GraphApiUnreachable';
  constructor(message: string, options?: { cause?: unknown }) {
    super('whatsapp_graph_unreachable', message, options);
  }
}

interface GraphErrorBody {
  readonly error?: {
    readonly message?: string;
    readonly code?: number;
    readonly error_subcode?: number;
    readonly error_data?: { readonly details?: string };
  };
}

/** The few Graph API calls the channel makes, over the runtime's `fetch`, with the instance's token. */
export class GraphApi {
  readonly #settings: WhatsAppSettings;
  readonly #fetch: ChannelFetch;

  constructor(settings: WhatsAppSettings, fetch: ChannelFetch) {
    this.#settings = settings;
    this.#fetch = fetch;
  }

  #url(path: string): string {
    return `${this.#settings.graphRoot.replace(/\/+$/, '')}/${this.#settings.graphVersion}/${path}`;
  }

  async #request(url: string, init: { method: string; body?: unknown; form?: FormData }): Promise<Response> {
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: init.method,
        headers: {
          authorization: `Bearer ${this.#settings.accessToken}`,
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        // multipart: fetch sets the content-type with its boundary
        ...(init.form ? { body: init.form } : {}),
        signal: AbortSignal.timeout(init.form ? REQUEST_TIMEOUT_MS * 4 : REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      // The URL is not secret (the token travels in a header), but keep only the path's shape out of habit.
      throw new GraphApiUnreachable(`the WhatsApp Cloud API could not be reached (${(error as Error).name})`, {
        cause: error,
      });
    }
    if (response.ok) return response;
    const text = await readResponseText(response, GRAPH_ANSWER_LIMIT_BYTES).catch(() => '');
    let body: GraphErrorBody = {};
    try {
      body = JSON.parse(text) as GraphErrorBody;
    } catch {
      // not JSON: a proxy or an outage page
    }
    const error = body.error ?? {};
    throw new GraphApiRefusal(
      response.status,
      typeof error.code === 'number' ? error.code : 0,
      error.message ?? `HTTP ${response.status}`,
      {
        ...(typeof error.error_subcode === 'number' ? { subcode: error.error_subcode } : {}),
        ...(error.error_data?.details ? { details: error.error_data.details } : {}),
      },
    );
  }

  async #json<T>(url: string, init: { method: string; body?: unknown; form?: FormData }): Promise<T> {
    const response = await this.#request(url, init);
    let text: string;
    try {
      text = await readResponseText(response, GRAPH_ANSWER_LIMIT_BYTES);
    } catch (error) {
      const why = error instanceof ResponseTooLargeError ? error.message : `${(error as Error).name}`;
      throw new GraphApiUnreachable(`the WhatsApp Cloud API's answer could not be read (${why})`, { cause: error });
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new GraphApiUnreachable(
        `the WhatsApp Cloud API answered with something that is not JSON (${text.length} characters)`,
      );
    }
  }

  /** `POST /{phone-number-id}/messages`; resolves the new message's wamid. */
  async sendMessage(body: Readonly<Record<string, unknown>>): Promise<string> {
    return (await this.send(body)).id;
  }

  /** `POST /{phone-number-id}/messages`: the new message's wamid and the recipient's `wa_id` (Meta's key of them). */
  async send(body: Readonly<Record<string, unknown>>): Promise<{ readonly id: string; readonly waId?: string }> {
    const answer = await this.#json<{ messages?: { id?: string }[]; contacts?: { wa_id?: string }[] }>(
      this.#url(`${this.#settings.phoneNumberId}/messages`),
      { method: 'POST', body: { messaging_product: 'whatsapp', recipient_type: 'individual', ...body } },
    );
    const id = answer.messages?.[0]?.id;
    if (!id) throw new GraphApiRefusal(200, 0, 'the send was answered without a message id', {});
    const waId = answer.contacts?.[0]?.wa_id;
    return { id, ...(typeof waId === 'string' && /^\d{5,20}$/.test(waId) ? { waId } : {}) };
  }

  /** `POST /{phone-number-id}/media` (multipart: `file`, `type`, `messaging_product`); resolves the media id. */
  async uploadMedia(file: {
    readonly bytes: Uint8Array<ArrayBuffer>;
    readonly mimeType: string;
    readonly fileName: string;
  }) {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', file.mimeType);
    form.set('file', new Blob([file.bytes], { type: file.mimeType }), file.fileName);
    const answer = await this.#json<{ id?: string }>(this.#url(`${this.#settings.phoneNumberId}/media`), {
      method: 'POST',
      form,
    });
    if (!answer.id) throw new GraphApiRefusal(200, 0, 'the upload was answered without a media id', {});
    return answer.id;
  }

  /** Marks a customer message read (blue ticks). */
  async markRead(messageId: string): Promise<void> {
    await this.#request(this.#url(`${this.#settings.phoneNumberId}/messages`), {
      method: 'POST',
      body: { messaging_product: 'whatsapp', status: 'read', message_id: messageId },
    });
  }

  /** `GET /{phone-number-id}`: the number's display phone and verified name. */
  phoneNumber(): Promise<{ display_phone_number?: string; verified_name?: string }> {
    return this.#json(this.#url(this.#settings.phoneNumberId), { method: 'GET' });
  }

  /** `GET /{waba-id}/message_templates` (first page). */
  templates(): Promise<{ data?: { name?: string; language?: string; status?: string; components?: unknown }[] }> {
    return this.#json(this.#url(`${this.#settings.businessAccountId}/message_templates?limit=200`), { method: 'GET' });
  }

  /** A customer's media: `GET /{media-id}` for its URL, then the download (which needs the token too). */
  async downloadMedia(mediaId: string): Promise<{ readonly response: Response; readonly mimeType: string }> {
    const info = await this.#json<{ url?: string; mime_type?: string }>(this.#url(encodeURIComponent(mediaId)), {
      method: 'GET',
    });
    if (!info.url) throw new GraphApiRefusal(200, 0, 'the media object has no url', {});
    const response = await this.#request(info.url, { method: 'GET' });
    return { response, mimeType: info.mime_type ?? response.headers.get('content-type') ?? 'application/octet-stream' };
  }
}
