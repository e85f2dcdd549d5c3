import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { EmulatedBusiness } from './emulated-business.js';
import type { EmulatedNumber } from './emulated-number.js';
import { GraphApiError, graphErrors, statusErrors } from './graph-api-error.js';
import { MediaStore } from './media-store.js';
import { MEDIA_LIMITS, mediaProblem, validateSend } from './validate-send.js';
import { WebhookSender } from './webhook-sender.js';

/** Options of {@link startWhatsAppEmulator}. */
export interface WhatsAppEmulatorOptions {
  /** How long a webhook delivery may take before it counts as failed; default 10 s. */
  readonly webhookTimeoutMs?: number;
  /** Pause before a failed webhook delivery is retried; default 100 ms. */
  readonly webhookRetryDelayMs?: number;
}

/** A local WhatsApp Cloud API (Graph API): point the channel's Graph base URL at {@link WhatsAppEmulator.graphRoot}. */
export interface WhatsAppEmulator {
  /** e.g. `http://127.0.0.1:PORT`; requests go to `${graphRoot}/v21.0/...`. */
  readonly graphRoot: string;
  /** Creates a Meta app with one WhatsApp Business Account (add numbers to it). */
  addBusiness(): EmulatedBusiness;
  /** Moves the emulator's clock forward (the 24-hour window, timestamps). */
  advanceClock(ms: number): void;
  now(): number;
  close(): Promise<void>;
}

const VERSION = /^v\d+\.\d+$/;

function answer(response: ServerResponse, status: number, body: unknown): void {
  if (response.writableEnded || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw graphErrors.invalidParameter('The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw graphErrors.invalidParameter('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/** Meta downloads a `link` itself: the send fails by status when it cannot, or when the file breaks the limits. */
async function linkProblem(link: string, type: string): Promise<string | undefined> {
  try {
    const response = await fetch(link, { signal: AbortSignal.timeout(10_000) });
    const bytes = Buffer.from(await response.arrayBuffer());
    if (!response.ok) return `Failed to download ${link}: HTTP ${response.status}`;
    return mediaProblem(type, (response.headers.get('content-type') ?? '').split(';')[0]!.trim(), bytes.length);
  } catch {
    return `Failed to download ${link}`;
  }
}

/** `POST /{phone-number-id}/media`: multipart `messaging_product`, `type` (the MIME type) and `file`. */
async function readUpload(request: IncomingMessage): Promise<{ bytes: Buffer; mimeType: string }> {
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw graphErrors.invalidParameter('The upload must be multipart/form-data.');
  }
  let form: FormData;
  try {
    form = await new Request('http://emulator/upload', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: Readable.toWeb(request) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit).formData();
  } catch {
    throw graphErrors.invalidParameter('The multipart body could not be read.');
  }
  if (form.get('messaging_product') !== 'whatsapp') {
    throw graphErrors.invalidParameter('The parameter messaging_product is required and must be "whatsapp".');
  }
  const file = form.get('file');
  if (!(file instanceof Blob)) throw graphErrors.missingParameter('The parameter file is required.');
  const type = form.get('type');
  if (typeof type !== 'string' || type === '') throw graphErrors.missingParameter('The parameter type is required.');
  const bytes = Buffer.from(await file.arrayBuffer());
  const kind = Object.entries(MEDIA_LIMITS).find(([, rule]) => rule.types.includes(type))?.[0];
  const problem = kind ? mediaProblem(kind, type, bytes.length) : `Unsupported media type ${type}`;
  if (problem) throw graphErrors.mediaUpload(problem);
  return { bytes, mimeType: type };
}

/** Starts the emulator on 127.0.0.1 and a free port. */
export async function startWhatsAppEmulator(options: WhatsAppEmulatorOptions = {}): Promise<WhatsAppEmulator> {
  const media = new MediaStore();
  const businesses: EmulatedBusiness[] = [];
  const senders: WebhookSender[] = [];
  let clockOffset = 0;
  const now = () => Date.now() + clockOffset;

  const authenticate = (request: IncomingMessage): EmulatedBusiness => {
    const header = request.headers.authorization ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1]?.trim();
    if (!token) throw graphErrors.noToken();
    const business = businesses.find((b) => b.accessToken === token);
    if (business) return business;
    const revokedBy = businesses.find((b) => b.revokedTokens.has(token));
    if (revokedBy) {
      revokedBy.revokedTokenCalls.push({ method: request.method ?? '', path: request.url ?? '' });
      throw graphErrors.revokedToken();
    }
    throw graphErrors.invalidToken();
  };
  const numberOf = (business: EmulatedBusiness, id: string): EmulatedNumber => {
    const number = business.numbers.find((n) => n.phoneNumberId === id);
    if (!number) throw graphErrors.unknownObject(id);
    return number;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'media-download' && parts.length === 2 && request.method === 'GET') {
      const business = authenticate(request);
      const stored = media.get(parts[1]!);
      if (!stored || stored.businessId !== business.id) return answer(response, 404, { error: 'not found' });
      response.writeHead(200, { 'content-type': stored.mimeType, 'content-length': stored.bytes.length });
      response.end(stored.bytes);
      return;
    }
    if (!parts[0] || !VERSION.test(parts[0])) throw graphErrors.unknownPath();
    const business = authenticate(request);
    if (request.method !== 'POST') {
      const injected = business.takeFailure();
      if (injected) throw injected;
    }
    const [, objectId, edge] = parts;
    if (!objectId || parts.length > 3) throw graphErrors.unknownPath();
    if (request.method === 'GET' && edge === undefined) {
      const stored = media.get(objectId);
      if (stored && stored.businessId === business.id) {
        return answer(response, 200, {
          messaging_product: 'whatsapp',
          url: `http://127.0.0.1:${port}/media-download/${stored.id}`,
          mime_type: stored.mimeType,
          sha256: stored.sha256,
          file_size: stored.bytes.length,
          id: stored.id,
        });
      }
      const number = numberOf(business, objectId);
      return answer(response, 200, {
        id: number.phoneNumberId,
        display_phone_number: `+${number.displayPhoneNumber}`,
        verified_name: 'Emulated business',
        quality_rating: 'GREEN',
      });
    }
    if (request.method === 'GET' && edge === 'message_templates') {
      if (objectId !== business.id) throw graphErrors.unknownObject(objectId);
      return answer(response, 200, {
        data: business.templates.map((t) => ({
          name: t.name,
          language: t.language,
          status: t.status,
          category: t.category,
          components: [...(t.header ? [{ type: 'HEADER', ...t.header }] : []), { type: 'BODY', text: t.body }],
        })),
        paging: { cursors: {} },
      });
    }
    if (request.method === 'POST' && edge === 'media') {
      numberOf(business, objectId);
      const injected = business.takeFailure();
      if (injected) throw injected;
      const upload = await readUpload(request);
      const stored = media.add(business.id, upload.bytes, upload.mimeType);
      business.uploads.push(stored.id);
      return answer(response, 200, { id: stored.id });
    }
    if (request.method === 'POST' && edge === 'messages') {
      const number = numberOf(business, objectId);
      const body = await readJson(request);
      const call = { path: url.pathname, body, status: 0 };
      business.calls.push(call);
      try {
        const injected = business.takeFailure();
        if (injected) throw injected;
        if (body.status === 'read') {
          if (body.messaging_product !== 'whatsapp' || typeof body.message_id !== 'string') {
            throw graphErrors.missingParameter('The parameters messaging_product and message_id are required.');
          }
          call.status = 200;
          return answer(response, 200, { success: true });
        }
        const checked = validateSend(number, body);
        let failure = checked.asyncFailure;
        for (const link of checked.links) {
          const problem = failure ? undefined : await linkProblem(link, String(body.type));
          if (problem) failure = statusErrors.mediaDownload(problem);
        }
        const sent = number.accept(checked.to, body, failure);
        call.status = 200;
        return answer(response, 200, {
          messaging_product: 'whatsapp',
          contacts: [{ input: body.to, wa_id: checked.to }],
          messages: [{ id: sent.id, ...(body.type === 'template' ? { message_status: 'accepted' } : {}) }],
        });
      } catch (error) {
        if (error instanceof GraphApiError) call.status = error.status;
        throw error;
      }
    }
    throw graphErrors.unknownPath();
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    handle(request, response, url).catch((error: unknown) => {
      const failure = error instanceof GraphApiError ? error : graphErrors.serverError();
      answer(response, failure.status, failure.toBody());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    graphRoot: `http://127.0.0.1:${port}`,
    addBusiness() {
      const business = new EmulatedBusiness({ media, now });
      const sender = new WebhookSender(business, {
        timeoutMs: options.webhookTimeoutMs ?? 10_000,
        retryDelayMs: options.webhookRetryDelayMs ?? 100,
      });
      business.onWebhookQueued = () => sender.kick();
      businesses.push(business);
      senders.push(sender);
      return business;
    },
    advanceClock(ms) {
      clockOffset += ms;
    },
    now,
    async close() {
      for (const sender of senders) sender.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
