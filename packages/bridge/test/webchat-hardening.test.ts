// Issue 9 part 3, the webchat side: nothing of an upload is read before the visitor is known, the instance's byte
// limit holds while the body streams (chunked too), Host is never trusted, long file names are served, and an
// oversize anonymous frame is a warning, not an error with a stack.
import { randomUUID } from 'node:crypto';
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { createWebchatHarness, openSocket, type TestSocket, type WebchatHarness } from './support/webchat-harness.js';

const SHOP = 'http://shop.example.test';
const NO_ANSWER = 'no answer while the body was still open';

async function startVisitor(h: WebchatHarness) {
  const socket = await openSocket(h.bridgeUrl, h.instanceKey, SHOP);
  const session = socket.next('session');
  socket.send({ type: 'start', profile: { name: 'Una Upload' } });
  const { token, visitorId } = await session;
  return { socket, token, visitorId };
}

/** Opens a raw POST and leaves its body open; resolves with the answer, or NO_ANSWER if none comes while open. */
function openUpload(
  url: string,
  headers: Record<string, string>,
  firstChunk: Buffer,
): { request: ClientRequest; answer: Promise<{ status: number; body: string } | typeof NO_ANSWER> } {
  const request = httpRequest(url, { method: 'POST', headers });
  request.on('error', () => undefined);
  const answer = new Promise<{ status: number; body: string } | typeof NO_ANSWER>((resolve) => {
    // Bounded wait for an answer that must come before the body ends; the body is never ended by the test.
    const timer = setTimeout(() => resolve(NO_ANSWER), 5000);
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
  });
  request.flushHeaders();
  request.write(firstChunk);
  return { request, answer };
}

/** A plain GET/POST through node:http, so Host can be set to anything. */
function rawRequest(
  url: string,
  options: { method: string; headers: Record<string, string>; body?: Buffer },
): Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method, headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: response.headers,
        }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe.each(ENGINES)('webchat hardening (%s)', (engine) => {
  let h: WebchatHarness;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    h = await createWebchatHarness({
      engine,
      settings: { allowedOrigins: [SHOP], uploads: { maxBytes: 2048, mimeTypes: ['text/plain'] } },
    });
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await h?.close();
  });

  it('answers an upload without a valid visitor token before reading its body', async () => {
    const url = `${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`;
    const headers = { origin: SHOP, 'content-type': 'text/plain', 'content-length': '1500' };
    const missing = openUpload(url, headers, Buffer.alloc(10, 65));
    const forged = openUpload(url, { ...headers, authorization: 'Bearer abc.def' }, Buffer.alloc(10, 65));
    const [a, b] = await Promise.all([missing.answer, forged.answer]);
    missing.request.destroy();
    forged.request.destroy();
    expect(a).toMatchObject({ status: 401 });
    expect(b).toMatchObject({ status: 401 });
  });

  it("stops a chunked upload as soon as it passes the instance's byte limit", async () => {
    const visitor = await startVisitor(h);
    sockets.push(visitor.socket);
    const upload = openUpload(
      `${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`,
      { origin: SHOP, 'content-type': 'text/plain', authorization: `Bearer ${visitor.token}` },
      Buffer.alloc(3000, 65),
    );
    const answer = await upload.answer;
    upload.request.destroy();
    expect(answer).toMatchObject({ status: 413 });
    expect(JSON.parse((answer as { body: string }).body)).toMatchObject({ error: 'too_large' });
  });

  it('never takes its own origin or the base of file URLs from Host', async () => {
    const visitor = await startVisitor(h);
    sockets.push(visitor.socket);
    const evil = 'http://evil.example.test';
    // An Origin that matches the Host it came with is not the bridge's own origin.
    const refused = await rawRequest(`${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`, {
      method: 'POST',
      headers: { host: 'evil.example.test', origin: evil, 'content-type': 'text/plain' },
      body: Buffer.from('x'),
    });
    expect(refused.status).toBe(403);
    // File URLs sent to amoCRM start with PUBLIC_URL whatever Host said.
    const stored = await rawRequest(`${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`, {
      method: 'POST',
      headers: {
        host: 'evil.example.test',
        origin: SHOP,
        'content-type': 'text/plain',
        authorization: `Bearer ${visitor.token}`,
      },
      body: Buffer.from('hello'),
    });
    expect(stored.status).toBe(201);
    expect((JSON.parse(stored.body) as { url: string }).url.startsWith(`${h.bridgeUrl}/webchat/files/`)).toBe(true);
  });

  it('serves every file name it accepts (names of 101 to 200 characters)', async () => {
    const visitor = await startVisitor(h);
    sockets.push(visitor.socket);
    for (const length of [101, 150, 200]) {
      const name = `${'n'.repeat(length - 4)}.txt`;
      const answer = await fetch(`${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`, {
        method: 'POST',
        headers: {
          origin: SHOP,
          'content-type': 'text/plain',
          authorization: `Bearer ${visitor.token}`,
          'x-file-name': name,
        },
        body: Buffer.from(`file of ${length}`),
      });
      expect(answer.status).toBe(201);
      const { url, fileName } = (await answer.json()) as { url: string; fileName: string };
      expect(fileName).toBe(name);
      const file = await fetch(url);
      expect(file.status).toBe(200);
      expect(await file.text()).toBe(`file of ${length}`);
    }
  });

  it('refuses a frame with a NUL character the same way on both engines, and stores nothing', async () => {
    const visitor = await startVisitor(h);
    sockets.push(visitor.socket);
    const clientId = `c-${randomUUID()}`;
    const refused = visitor.socket.next('error');
    visitor.socket.send({ type: 'send', token: visitor.token, clientId, text: 'nul \u0000 here' });
    expect(await refused).toMatchObject({ code: 'bad_frame' });
    expect((await refused).message).toMatch(/NUL/);
    // The socket still works.
    const ok = `c-${randomUUID()}`;
    const ack = visitor.socket.next('ack', (f) => f.clientId === ok);
    visitor.socket.send({ type: 'send', token: visitor.token, clientId: ok, text: 'clean' });
    await ack;
    // Frames are handled in order: the refused one was never acknowledged (nothing stored).
    expect(visitor.socket.frames.some((f) => f.type === 'ack' && f.clientId === clientId)).toBe(false);
  });

  it('answers a frame of 20,000 nested arrays with bad_frame and keeps serving (it used to end the process)', async () => {
    const ws = new WebSocket(`${h.bridgeUrl.replace(/^http/, 'ws')}/webchat/${h.instanceKey}/socket`, {
      origin: SHOP,
    });
    const frames: { type: string; code?: string }[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as { type: string; code?: string }));
    ws.on('error', () => undefined);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    // 40,000 bytes, under the 64 KiB frame limit: a recursive NUL check overflowed the stack on it, outside any
    // handler (found by bench/fuzz-webchat.mjs).
    ws.send(`${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    await waitFor('the refusal', () => frames.some((f) => f.type === 'error'), 20_000);
    expect(frames.find((f) => f.type === 'error')).toMatchObject({ code: 'bad_frame' });
    ws.send(JSON.stringify({ type: 'ping' }));
    await waitFor('the pong on the same socket', () => frames.some((f) => f.type === 'pong'), 20_000);
    ws.close();
    const other = await startVisitor(h);
    sockets.push(other.socket);
    expect(other.token).toBeTruthy();
  });

  it('logs an oversize anonymous frame at warn, without a stack trace', async () => {
    const before = h.relay.logs.length;
    const ws = new WebSocket(`${h.bridgeUrl.replace(/^http/, 'ws')}/webchat/${h.instanceKey}/socket`, {
      origin: SHOP,
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(70 * 1024) }));
    expect(await closed).toBe(1009);
    await waitFor(
      'a log line about the frame',
      () => h.relay.logs.slice(before).some((l) => /frame/i.test(String(l.msg))),
      10_000,
    );
    const lines = h.relay.logs.slice(before);
    expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('    at ');
    expect(lines.some((l) => l.level === 40 && l.event === 'webchat_frame_too_large')).toBe(true);
  });
});

describe('webchat without PUBLIC_URL', () => {
  let h: WebchatHarness;
  beforeAll(async () => {
    h = await createWebchatHarness({
      engine: 'sqlite',
      key: `shop-${randomUUID().slice(0, 6)}`,
      settings: { allowedOrigins: [SHOP] },
      env: { PUBLIC_URL: '' },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('says at start that webchat needs PUBLIC_URL and refuses to serve visitors without it', async () => {
    expect(h.relay.logs.some((l) => l.level === 40 && l.event === 'webchat_public_url_missing')).toBe(true);
    const upload = await fetch(`${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`, {
      method: 'POST',
      headers: { origin: SHOP, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(upload.status).toBe(503);
    expect(await upload.json()).toMatchObject({ error: 'public_url_required' });
    await expect(openSocket(h.bridgeUrl, h.instanceKey, SHOP)).rejects.toThrow(/503/);
  });
});
