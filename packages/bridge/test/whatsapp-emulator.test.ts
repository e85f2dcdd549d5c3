import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EmulatedBusiness,
  graphErrors,
  startWhatsAppEmulator,
  type WhatsAppEmulator,
} from './support/whatsapp-emulator/index.js';

interface StatusItem {
  readonly id: string;
  readonly status: string;
  readonly recipient_id: string;
  readonly errors?: { readonly code: number }[];
}
interface ChangeValue {
  readonly metadata?: unknown;
  readonly contacts?: unknown;
  readonly messages?: Record<string, unknown>[];
  readonly statuses?: StatusItem[];
}
interface GraphAnswer {
  readonly error?: { readonly code: number; readonly error_subcode?: number; readonly error_data?: unknown };
  readonly messages?: { readonly id: string; readonly message_status?: string }[];
  readonly contacts?: unknown;
  readonly data?: unknown[];
  readonly url?: string;
  readonly id?: string;
}
const answerOf = async (response: Response) => (await response.json()) as GraphAnswer;
const idOf = async (response: Response) => (await answerOf(response)).messages![0]!.id;

interface Received {
  readonly raw: string;
  readonly signature: string | undefined;
  readonly json: {
    entry: { id: string; changes: { field: string; value: ChangeValue }[] }[];
  };
}

// A callback server standing in for the bridge: answers the handshake, records every signed POST, and can refuse
// the next N deliveries so the emulator's redelivery is visible.
async function startCallback(verifyToken: string) {
  const received: Received[] = [];
  let refuse = 0;
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'GET') {
      const ok =
        url.searchParams.get('hub.mode') === 'subscribe' && url.searchParams.get('hub.verify_token') === verifyToken;
      response.writeHead(ok ? 200 : 403).end(ok ? (url.searchParams.get('hub.challenge') ?? '') : 'bad token');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (refuse > 0) {
      refuse -= 1;
      response.writeHead(503).end();
      return;
    }
    received.push({
      raw,
      signature: request.headers['x-hub-signature-256'] as string | undefined,
      json: JSON.parse(raw),
    });
    response.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    received,
    refuseNext(count: number) {
      refuse = count;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function waitFor<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 500; i += 1) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('WhatsApp Cloud API emulator', () => {
  let emulator: WhatsAppEmulator;
  let callback: Awaited<ReturnType<typeof startCallback>>;
  let business: EmulatedBusiness;

  const graph = (path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) =>
    fetch(`${emulator.graphRoot}/v21.0/${path}`, {
      method: init.method ?? (init.body ? 'POST' : 'GET'),
      headers: {
        ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? business.accessToken}` }),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
  const statusesOf = (messageId: string) =>
    callback.received.flatMap((r) =>
      r.json.entry.flatMap((e) => e.changes.flatMap((c) => (c.value.statuses ?? []).filter((s) => s.id === messageId))),
    );

  beforeAll(async () => {
    emulator = await startWhatsAppEmulator({ webhookRetryDelayMs: 20 });
    callback = await startCallback('verify-me');
    business = emulator.addBusiness();
    await business.subscribe(callback.url, 'verify-me');
  });
  afterAll(async () => {
    await emulator?.close();
    await callback?.close();
  });

  it('subscribes only after the hub.challenge handshake succeeds', async () => {
    const other = emulator.addBusiness();
    await expect(other.subscribe(callback.url, 'wrong-token')).rejects.toThrow(/couldn't be validated: 403/);
    expect(other.callbackUrl).toBeUndefined();
  });

  it('signs every webhook with X-Hub-Signature-256 over the raw body and redelivers refused ones', async () => {
    const number = business.addNumber('+7 903 987-65-43');
    callback.refuseNext(2);
    const before = callback.received.length;
    const id = number.customer('79001112233', 'Ann').send({ type: 'text', body: 'hello' });
    const got = await waitFor(() => callback.received.slice(before).find((r) => r.raw.includes(id)), 'the message');
    const expected = `sha256=${createHmac('sha256', business.appSecret).update(got.raw).digest('hex')}`;
    expect(got.signature).toBe(expected);
    expect(business.webhookDeliveries.filter((d) => d.status === 503)).toHaveLength(2);
    const value = got.json.entry[0]!.changes[0]!.value;
    expect(got.json.entry[0]!.id).toBe(business.id);
    expect(value.metadata).toEqual({ display_phone_number: '79039876543', phone_number_id: number.phoneNumberId });
    expect(value.contacts).toEqual([{ profile: { name: 'Ann' }, wa_id: '79001112233' }]);
    expect(value.messages![0]).toMatchObject({ from: '79001112233', id, type: 'text', text: { body: 'hello' } });
    expect(id).toMatch(/^wamid\./);
  });

  it('refuses a missing, unknown and revoked token with the Graph API error shapes', async () => {
    const number = business.addNumber('+79001234567');
    const missing = await graph(`${number.phoneNumberId}/messages`, { body: {}, token: null });
    expect(missing.status).toBe(401);
    expect((await missing.json()).error).toMatchObject({ code: 2500, type: 'OAuthException' });
    const unknown = await graph(`${number.phoneNumberId}/messages`, { body: {}, token: 'EAAnope' });
    expect((await unknown.json()).error).toMatchObject({ code: 190 });
    const old = business.accessToken;
    business.revokeToken();
    const revoked = await graph(`${number.phoneNumberId}/messages`, { body: {}, token: old });
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).error).toMatchObject({ code: 190, error_subcode: 460 });
    const otherBusiness = emulator.addBusiness();
    const foreign = await graph(`${number.phoneNumberId}/messages`, { body: {}, token: otherBusiness.accessToken });
    expect((await foreign.json()).error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('validates required fields and types synchronously', async () => {
    const number = business.addNumber('+79005550000');
    number.customer('79001112233').send({ type: 'text', body: 'hi' });
    const send = async (body: Record<string, unknown>) => {
      const response = await graph(`${number.phoneNumberId}/messages`, { body });
      return { status: response.status, body: await answerOf(response) };
    };
    expect((await send({ to: '79001112233', type: 'text', text: { body: 'x' } })).body.error!.code).toBe(100);
    const noTo = await send({ messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } });
    expect(noTo.body.error).toMatchObject({ code: 131008, error_data: { details: 'The parameter to is required.' } });
    const empty = await send({ messaging_product: 'whatsapp', to: '79001112233', type: 'text', text: { body: ' ' } });
    expect(empty.body.error!.code).toBe(131008);
    const both = await send({ messaging_product: 'whatsapp', to: '79001112233', type: 'image', image: {} });
    expect(both.body.error!.code).toBe(100);
    const badType = await send({ messaging_product: 'whatsapp', to: '79001112233', type: 'hologram', hologram: {} });
    expect(badType.body.error!.code).toBe(100);
    const ok = await send({ messaging_product: 'whatsapp', to: '+7 900 111-22-33', type: 'text', text: { body: 'x' } });
    expect(ok.status).toBe(200);
    expect(ok.body.contacts).toEqual([{ input: '+7 900 111-22-33', wa_id: '79001112233' }]);
    expect(ok.body.messages![0].id).toMatch(/^wamid\./);
  });

  it('enforces the 24-hour window and templates, and fails unknown recipients by status', async () => {
    const number = business.addNumber('+79006660000');
    business.addTemplate({ name: 'manager_reply', language: 'ru', body: 'Ответ менеджера: {{1}}' });
    const ann = number.customer('79002223344');
    const send = async (body: Record<string, unknown>) => {
      const response = await graph(`${number.phoneNumberId}/messages`, {
        body: { messaging_product: 'whatsapp', to: '79002223344', ...body },
      });
      return { status: response.status, body: await answerOf(response) };
    };
    // Never wrote: free-form is accepted, then fails with 131047 by webhook (as Meta does).
    const closed = await send({ type: 'text', text: { body: 'hello?' } });
    expect(closed.status).toBe(200);
    const [failed] = await waitFor(
      () => (statusesOf(closed.body.messages![0].id).length ? statusesOf(closed.body.messages![0].id) : undefined),
      'failed',
    );
    expect(failed).toMatchObject({ status: 'failed', recipient_id: '79002223344', errors: [{ code: 131047 }] });
    // A template is allowed outside the window, with the right number of body parameters.
    const template = (parameters: unknown[], name = 'manager_reply') => ({
      type: 'template',
      template: { name, language: { code: 'ru' }, components: [{ type: 'body', parameters }] },
    });
    expect((await send(template([]))).body.error).toMatchObject({ code: 132000 });
    expect((await send(template([{ type: 'text', text: 'x' }], 'nope'))).body.error).toMatchObject({ code: 132001 });
    const viaTemplate = await send(template([{ type: 'text', text: 'Ваш заказ готов' }]));
    expect(viaTemplate.body.messages![0]).toMatchObject({ message_status: 'accepted' });
    await waitFor(
      () => statusesOf(viaTemplate.body.messages![0].id).some((s) => s.status === 'delivered'),
      'delivered',
    );
    // The customer writes: free-form works for 24 hours, then closes again.
    ann.send({ type: 'text', body: 'hi' });
    const open = await send({ type: 'text', text: { body: 'welcome' } });
    await waitFor(() => statusesOf(open.body.messages![0].id).some((s) => s.status === 'delivered'), 'delivered');
    emulator.advanceClock(24 * 60 * 60 * 1000 + 1000);
    const late = await send({ type: 'text', text: { body: 'too late' } });
    await waitFor(() => statusesOf(late.body.messages![0].id).some((s) => s.status === 'failed'), 'failed');
    // Not on WhatsApp: accepted, then failed with 131026.
    const ghost = await graph(`${number.phoneNumberId}/messages`, {
      body: { messaging_product: 'whatsapp', to: '79990000000', ...template([{ type: 'text', text: 'x' }]) },
    });
    const ghostId = await idOf(ghost);
    const [ghostFailed] = await waitFor(() => (statusesOf(ghostId).length ? statusesOf(ghostId) : undefined), 'ghost');
    expect(ghostFailed.errors![0].code).toBe(131026);
  });

  it('emits statuses out of order when told, and read when the customer reads', async () => {
    const number = business.addNumber('+79007770000');
    const bob = number.customer('79003334455');
    bob.send({ type: 'text', body: 'hey' });
    number.statusOrder = 'reversed';
    const response = await graph(`${number.phoneNumberId}/messages`, {
      body: { messaging_product: 'whatsapp', to: bob.waId, type: 'text', text: { body: 'yo' } },
    });
    const id = await idOf(response);
    await waitFor(() => statusesOf(id).length === 2 || undefined, 'two statuses');
    expect(statusesOf(id).map((s) => s.status)).toEqual(['delivered', 'sent']);
    bob.read(id);
    await waitFor(() => statusesOf(id).length === 3 || undefined, 'read');
    expect(statusesOf(id)[2].status).toBe('read');
  });

  it('serves customer media by id, then by URL with the token only', async () => {
    const number = business.addNumber('+79008880000');
    const before = callback.received.length;
    const bytes = Buffer.from('%PDF-1.4 emulated');
    const id = number
      .customer('79004445566')
      .send({ type: 'document', bytes, mimeType: 'application/pdf', filename: 'offer.pdf', caption: 'see' });
    const got = await waitFor(() => callback.received.slice(before).find((r) => r.raw.includes(id)), 'document');
    const document = got.json.entry[0]!.changes[0]!.value.messages![0]!.document as Record<string, string>;
    expect(document).toMatchObject({ mime_type: 'application/pdf', filename: 'offer.pdf', caption: 'see' });
    const info = await answerOf(await graph(document.id!));
    expect(info).toMatchObject({
      id: document.id,
      mime_type: 'application/pdf',
      file_size: bytes.length,
      sha256: document.sha256,
    });
    expect((await fetch(info.url!)).status).toBe(401);
    const download = await fetch(info.url!, { headers: { authorization: `Bearer ${business.accessToken}` } });
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
  });

  it('downloads media sent by link and fails the message by status when the link is broken', async () => {
    const number = business.addNumber('+79009990000');
    const carl = number.customer('79005556677');
    carl.send({ type: 'text', body: 'send me the file' });
    const response = await graph(`${number.phoneNumberId}/messages`, {
      body: { messaging_product: 'whatsapp', to: carl.waId, type: 'image', image: { link: `${callback.url}-missing` } },
    });
    const id = await idOf(response);
    const [failed] = await waitFor(() => (statusesOf(id).length ? statusesOf(id) : undefined), 'failed');
    expect(failed.errors![0].code).toBe(131053);
  });

  it('fails injected calls with throughput and server errors', async () => {
    const number = business.addNumber('+79001010101');
    business.failNext(graphErrors.rateLimit());
    business.failNext(graphErrors.pairRateLimit());
    const body = { messaging_product: 'whatsapp', to: '79001112233', type: 'text', text: { body: 'x' } };
    expect((await answerOf(await graph(`${number.phoneNumberId}/messages`, { body }))).error?.code).toBe(130429);
    expect((await answerOf(await graph(`${number.phoneNumberId}/messages`, { body }))).error?.code).toBe(131056);
  });

  it('lists the account templates and marks messages read', async () => {
    const listed = await answerOf(await graph(`${business.id}/message_templates`));
    expect(listed.data).toContainEqual(
      expect.objectContaining({ name: 'manager_reply', language: 'ru', status: 'APPROVED' }),
    );
    const number = business.numbers[0]!;
    const read = await graph(`${number.phoneNumberId}/messages`, {
      body: { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.x' },
    });
    expect(await read.json()).toEqual({ success: true });
  });
  it('takes uploads as the Cloud API does: multipart, a supported type within its size limit, then sendable by id', async () => {
    const number = business.addNumber('+7 903 555-01-01');
    const customer = number.customer('79165550101', 'Upload');
    customer.send({ type: 'text', body: 'hi' });
    const upload = (
      bytes: Buffer<ArrayBuffer>,
      type: string,
      fields: Record<string, string> = { messaging_product: 'whatsapp' },
    ) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      form.set('type', type);
      form.set('file', new Blob([bytes], { type }), 'f');
      return fetch(`${emulator.graphRoot}/v21.0/${number.phoneNumberId}/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${business.accessToken}` },
        body: form,
      });
    };
    const ok = await upload(Buffer.from('jpeg'), 'image/jpeg');
    expect(ok.status).toBe(200);
    const { id } = await answerOf(ok);
    expect(business.media.get(id!)?.bytes.toString()).toBe('jpeg');
    const gif = await upload(Buffer.from('GIF89a'), 'image/gif');
    expect((await answerOf(gif)).error?.code).toBe(131053);
    const big = await upload(Buffer.alloc(5 * 1024 * 1024 + 1), 'image/png');
    expect((await answerOf(big)).error?.code).toBe(131053);
    const bigSticker = await upload(Buffer.alloc(500 * 1024 + 1), 'image/webp');
    expect((await answerOf(bigSticker)).error?.code).toBe(131053);
    const noProduct = await upload(Buffer.from('x'), 'image/jpeg', {});
    expect((await answerOf(noProduct)).error?.code).toBe(100);
    const json = await graph(`${number.phoneNumberId}/media`, { body: { messaging_product: 'whatsapp' } });
    expect((await answerOf(json)).error?.code).toBe(100);
    // Sent by id; an image id sent as audio is refused.
    const sent = await graph(`${number.phoneNumberId}/messages`, {
      body: { messaging_product: 'whatsapp', to: customer.waId, type: 'image', image: { id } },
    });
    expect(sent.status).toBe(200);
    const wrong = await graph(`${number.phoneNumberId}/messages`, {
      body: { messaging_product: 'whatsapp', to: customer.waId, type: 'audio', audio: { id } },
    });
    expect((await answerOf(wrong)).error?.code).toBe(100);
  });
});
