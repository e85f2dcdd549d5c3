import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signVisitorToken, visitorTokenKey } from '../src/channels/webchat/index.js';
import { asChannelInstanceKey } from '../src/store/ids.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { createWebchatHarness, openSocket, type TestSocket, type WebchatHarness } from './support/webchat-harness.js';

const SHOP = 'http://shop.example.test';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function startVisitor(h: WebchatHarness, profile: Record<string, string>) {
  const socket = await openSocket(h.bridgeUrl, h.instanceKey, SHOP);
  const session = socket.next('session');
  socket.send({ type: 'start', profile });
  const { token, visitorId } = await session;
  return { socket, token, visitorId };
}

describe.each(ENGINES)('webchat isolation and limits (%s)', (engine) => {
  let h: WebchatHarness;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    h = await createWebchatHarness({
      engine,
      settings: {
        allowedOrigins: [SHOP],
        form: { name: { required: true }, phone: { ask: true, required: true } },
        uploads: { maxBytes: 2048, mimeTypes: ['image/png', 'text/plain'] },
        rateLimit: { messagesPerMinute: 30 },
      },
    });
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await h?.close();
  });

  it('refuses a socket or an upload from an origin not on the list, and one without an Origin', async () => {
    await expect(openSocket(h.bridgeUrl, h.instanceKey, 'http://evil.example.test')).rejects.toThrow(/403/);
    await expect(openSocket(h.bridgeUrl, h.instanceKey, undefined)).rejects.toThrow(/403/);
    await expect(openSocket(h.bridgeUrl, 'no-such-chat', SHOP)).rejects.toThrow(/404/);
    const upload = await fetch(`${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`, {
      method: 'POST',
      headers: { origin: 'http://evil.example.test', 'content-type': 'image/png', authorization: 'Bearer x' },
      body: PNG,
    });
    expect(upload.status).toBe(403);
    const preflight = await fetch(`${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`, {
      method: 'OPTIONS',
      headers: { origin: SHOP, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SHOP);
  });

  it('checks the pre-chat form: required phone, well-formed values', async () => {
    const socket = await openSocket(h.bridgeUrl, h.instanceKey, SHOP);
    sockets.push(socket);
    const config = socket.frames.find((f) => f.type === 'config') ?? (await socket.next('config'));
    expect(config.config.form.phone).toEqual({ ask: true, required: true });
    const missing = socket.next('error');
    socket.send({ type: 'start', profile: { name: 'Ann' } });
    expect(await missing).toMatchObject({ code: 'invalid_profile', message: 'phone is required' });
    const bad = socket.next('error');
    socket.send({ type: 'start', profile: { name: 'Ann', phone: 'call me' } });
    expect(await bad).toMatchObject({ code: 'invalid_profile' });
  });

  it("keeps each visitor to their own conversation; forged, expired and other visitors' tokens are refused", async () => {
    const first = await startVisitor(h, { name: 'Olga First', phone: '+79990000001' });
    const second = await startVisitor(h, { name: 'Pavel Second', phone: '+79990000002' });
    sockets.push(first.socket, second.socket);
    const ack = first.socket.next('ack');
    first.socket.send({ type: 'send', token: first.token, clientId: `c-${randomUUID()}`, text: 'secret order #1' });
    expect(await ack).toMatchObject({ duplicate: false });

    // The second visitor's socket, with its own valid token, sees only its own (empty) history.
    const ready = second.socket.next('ready');
    second.socket.send({ type: 'hello', token: second.token });
    expect((await ready).messages).toEqual([]);
    // Using the first visitor's token on the second visitor's socket is refused, and nothing is stored.
    const mismatch = second.socket.next('error');
    second.socket.send({ type: 'send', token: first.token, clientId: `c-${randomUUID()}`, text: 'intruder' });
    expect(await mismatch).toMatchObject({ code: 'token_mismatch' });

    // A forged token (signed with another key) and an expired one (signed with the right key) are refused.
    const forgedKey = visitorTokenKey({
      instanceKey: h.instanceKey,
      instanceSecret: 'guess',
      encryptionKey: new Uint8Array(32),
    });
    const forged = signVisitorToken(
      { instance: h.instanceKey, visitor: first.visitorId, exp: Math.floor(Date.now() / 1000) + 3600 },
      forgedKey,
    );
    const attacker = await openSocket(h.bridgeUrl, h.instanceKey, SHOP);
    sockets.push(attacker);
    const refused = attacker.next('error');
    attacker.send({ type: 'hello', token: forged });
    expect(await refused).toMatchObject({ code: 'token_invalid' });
    const tampered = attacker.next('error');
    const [body, signature] = first.token.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
    const swapped = Buffer.from(JSON.stringify({ ...payload, visitor: second.visitorId })).toString('base64url');
    attacker.send({ type: 'hello', token: `${swapped}.${signature}` });
    expect(await tampered).toMatchObject({ code: 'token_invalid' });

    const realKey = visitorTokenKey({
      instanceKey: h.instanceKey,
      instanceSecret: (await import('../src/pipelines/load-channel-instance.js').then((m) =>
        m.loadChannelInstance(h.relay.bridge, { key: asChannelInstanceKey(h.instanceKey) }),
      ))!.secret,
      encryptionKey: h.relay.bridge.config.encryptionKey,
    });
    const expired = signVisitorToken(
      { instance: h.instanceKey, visitor: first.visitorId, exp: Math.floor(Date.now() / 1000) - 1 },
      realKey,
    );
    const expiredAnswer = attacker.next('error');
    attacker.send({ type: 'hello', token: expired });
    expect(await expiredAnswer).toMatchObject({ code: 'token_expired' });
    // The same key with a live expiry opens the chat: the refusals above were for forgery and expiry, nothing else.
    const live = signVisitorToken(
      { instance: h.instanceKey, visitor: first.visitorId, exp: Math.floor(Date.now() / 1000) + 60 },
      realKey,
    );
    const opened = attacker.next('ready');
    attacker.send({ type: 'hello', token: live });
    expect((await opened).messages.map((m) => m.text)).toEqual(['secret order #1']);

    // Uploads check the token too, and the second visitor cannot send the first visitor's upload.
    const noToken = await fetch(`${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`, {
      method: 'POST',
      headers: { origin: SHOP, 'content-type': 'image/png', authorization: `Bearer ${forged}` },
      body: PNG,
    });
    expect(noToken.status).toBe(401);
    const uploaded = await fetch(`${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`, {
      method: 'POST',
      headers: {
        origin: SHOP,
        'content-type': 'image/png',
        authorization: `Bearer ${first.token}`,
        'x-file-name': 'dot.png',
      },
      body: PNG,
    });
    expect(uploaded.status).toBe(201);
    const upload = (await uploaded.json()) as { uploadId: number; url: string };
    expect(upload.url).toMatch(/\/webchat\/files\/[A-Za-z0-9_-]{43}\/dot\.png$/);
    const foreign = second.socket.next('error');
    second.socket.send({ type: 'send', token: second.token, clientId: `c-${randomUUID()}`, uploadId: upload.uploadId });
    expect(await foreign).toMatchObject({ code: 'unknown_upload' });

    // Read receipts only for the visitor's own manager messages.
    const chat = await waitFor('the first chat in the sandbox', () => h.relay.chatOf(first.visitorId));
    await h.relay.sendManagerMessage(chat.id, { text: 'Your order is confirmed' });
    const managerMessage = await first.socket.find('message', (f) => f.message.direction === 'out');
    const notYours = second.socket.next('error');
    second.socket.send({ type: 'read', token: second.token, ids: [managerMessage.message.id] });
    expect(await notYours).toMatchObject({ code: 'unknown_message' });
    const stored = await h.relay.bridge.store.db
      .selectFrom('messages')
      .select('status')
      .where('msgid', '=', managerMessage.message.id)
      .executeTakeFirstOrThrow();
    expect(stored.status).not.toBe('read');
  });

  it('checks upload size and type on the server and serves files by their unguessable URL', async () => {
    const visitor = await startVisitor(h, { name: 'Rita Files', phone: '+79990000003' });
    sockets.push(visitor.socket);
    const post = (body: Buffer<ArrayBuffer>, type: string) =>
      fetch(`${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`, {
        method: 'POST',
        headers: { origin: SHOP, 'content-type': type, authorization: `Bearer ${visitor.token}`, 'x-file-name': 'a' },
        body,
      });
    expect((await post(Buffer.alloc(4096, 1), 'text/plain')).status).toBe(413);
    expect((await post(Buffer.from('%PDF-1.4'), 'application/pdf')).status).toBe(415);
    expect((await post(Buffer.from('<html>not a png</html>'), 'image/png')).status).toBe(415);
    const ok = await post(Buffer.from('hello'), 'text/plain');
    expect(ok.status).toBe(201);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP);
    const { url } = (await ok.json()) as { url: string };
    const file = await fetch(url);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('hello');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    const guessed = url.replace(/files\/[^/]+/, `files/${'A'.repeat(43)}`);
    expect((await fetch(guessed)).status).toBe(404);
  });

  it('limits the message rate per visitor', async () => {
    const visitor = await startVisitor(h, { name: 'Sam Fast', phone: '+79990000004' });
    sockets.push(visitor.socket);
    const errors: string[] = [];
    for (let i = 0; i < 15; i++) {
      const clientId = `c-rate-${i}-${randomUUID()}`;
      const answer = Promise.race([
        visitor.socket.next('ack', (f) => f.clientId === clientId).then(() => 'ack'),
        visitor.socket.next('error', (f) => f.clientId === clientId).then((f) => f.code),
      ]);
      visitor.socket.send({ type: 'send', token: visitor.token, clientId, text: `message ${i}` });
      errors.push(await answer);
    }
    // A burst of 10 passes, then the bucket refills at 30/min: the next ones are refused with a retry delay.
    expect(errors.slice(0, 10)).toEqual(Array(10).fill('ack'));
    expect(errors.slice(10)).toContain('rate_limited');
  });

  it('closes a socket that floods frames', async () => {
    const socket = await openSocket(h.bridgeUrl, h.instanceKey, SHOP);
    for (let i = 0; i < 100; i++) socket.send({ type: 'ping' });
    // Past the burst of 60 frames the bridge closes the socket (1008, policy) instead of answering.
    expect(await socket.closed).toBe(1008);
    expect(socket.frames.filter((f) => f.type === 'pong').length).toBeLessThanOrEqual(60);
  });
});
