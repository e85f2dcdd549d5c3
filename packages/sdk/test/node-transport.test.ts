import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeTransport } from '@amojo-bridge/sdk';
import { afterEach, describe, expect, it } from 'vitest';

interface CountingServer {
  readonly url: string;
  /** Connections the server accepted so far. */
  connections: number;
  /** Requests being answered right now, and the most at once. */
  inFlight: number;
  maxInFlight: number;
  readonly server: Server;
}

async function startServer(handle: (res: ServerResponse, body: string) => void): Promise<CountingServer> {
  const state = { connections: 0, inFlight: 0, maxInFlight: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      res.on('finish', () => state.inFlight--);
      res.on('close', () => {
        if (!res.writableFinished) state.inFlight--;
      });
      handle(res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const result = Object.assign(state, { url: `http://127.0.0.1:${port}/echo?x=1`, server });
  servers.push(result);
  return result;
}

const servers: CountingServer[] = [];
const transports: { close(): void }[] = [];

afterEach(async () => {
  for (const t of transports.splice(0)) t.close();
  for (const s of servers.splice(0)) {
    s.server.closeAllConnections();
    await new Promise<void>((resolve) => s.server.close(() => resolve()));
  }
});

function transport(options?: Parameters<typeof createNodeTransport>[0]) {
  const t = createNodeTransport(options);
  transports.push(t);
  return t.send;
}

describe('createNodeTransport', () => {
  it('sends method, headers and body, and returns status, headers and the whole body', async () => {
    const s = await startServer((res, body) => {
      res.writeHead(201, { 'content-type': 'text/plain', 'retry-after': '7' });
      res.end(`got ${body} and ${'é'.repeat(3)}`);
    });
    const r = await transport()({
      method: 'POST',
      url: s.url,
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":"ü"}',
      timeoutMs: 5000,
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('Retry-After')).toBe('7');
    expect(r.headers.get('x-missing')).toBeNull();
    expect(r.bodyText).toBe('got {"a":"ü"} and ééé');
  });

  it('keeps the connection alive: ten calls one after another use one socket', async () => {
    const s = await startServer((res) => res.end('ok'));
    const send = transport();
    for (let i = 0; i < 10; i++) {
      const r = await send({ method: 'GET', url: s.url, headers: {}, timeoutMs: 5000 });
      expect(r.bodyText).toBe('ok');
    }
    expect(s.connections).toBe(1);
  });

  it('opens at most maxSocketsPerHost sockets; the other calls wait their turn and all succeed', async () => {
    const s = await startServer((res) => setTimeout(() => res.end('ok'), 20));
    const send = transport({ maxSocketsPerHost: 2 });
    const answers = await Promise.all(
      Array.from({ length: 9 }, () => send({ method: 'GET', url: s.url, headers: {}, timeoutMs: 10_000 })),
    );
    expect(answers.map((a) => a.bodyText)).toEqual(Array(9).fill('ok'));
    expect(s.connections).toBe(2);
    expect(s.maxInFlight).toBe(2);
  });

  it('rejects with a TimeoutError when the answer does not complete in time, even after the headers came', async () => {
    const s = await startServer((res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const error = await transport()({ method: 'GET', url: s.url, headers: {}, timeoutMs: 100 }).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('TimeoutError');
  });

  it('rejects with an AbortError when the signal aborts mid-request, and at once when it aborted before', async () => {
    const s = await startServer(() => undefined);
    const send = transport();
    const controller = new AbortController();
    const pending = send({ method: 'GET', url: s.url, headers: {}, timeoutMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    expect(((await pending.catch((e) => e)) as Error).name).toBe('AbortError');
    const early = await send({ method: 'GET', url: s.url, headers: {}, timeoutMs: 10_000, signal: AbortSignal.abort() })
      .then(() => 'answered')
      .catch((e: Error) => e.name);
    expect(early).toBe('AbortError');
  });

  it('rejects with the socket error code when nothing listens', async () => {
    const s = await startServer((res) => res.end());
    const url = s.url;
    await new Promise<void>((resolve) => s.server.close(() => resolve()));
    servers.length = 0;
    const error = await transport()({ method: 'GET', url, headers: {}, timeoutMs: 5000 }).catch((e) => e);
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('refuses a URL that is not http or https', async () => {
    const error = await transport()({ method: 'GET', url: 'ftp://127.0.0.1/', headers: {}, timeoutMs: 100 }).catch(
      (e) => e,
    );
    expect((error as Error).message).toMatch(/unsupported protocol ftp:/);
  });
});
