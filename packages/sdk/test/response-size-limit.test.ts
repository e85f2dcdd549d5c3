import {
  AmojoClient,
  AmojoNetworkError,
  createNodeTransport,
  fetchTransport,
  type HttpTransport,
  ResponseTooLargeError,
  readResponseBytes,
} from '@amojo-bridge/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { type LargeAnswerServer, startLargeAnswerServer } from './large-answer-server.js';

const servers: LargeAnswerServer[] = [];
const transports: { close(): void }[] = [];

afterEach(async () => {
  for (const t of transports.splice(0)) t.close();
  for (const s of servers.splice(0)) await s.close();
});

async function startServer(bytes: number, declareLength: boolean): Promise<LargeAnswerServer> {
  const server = await startLargeAnswerServer(bytes, { declareLength });
  servers.push(server);
  return server;
}

function nodeTransport(): HttpTransport {
  const t = createNodeTransport();
  transports.push(t);
  return t.send;
}

const KiB = 1024;
const MiB = 1024 * KiB;

describe.each([
  ['node:http transport', nodeTransport],
  ['fetch transport', () => fetchTransport((input, init) => fetch(input, init))],
])('%s: the answer body is bounded', (_name, make) => {
  it.each([
    ['declared by Content-Length', true],
    ['streamed without a length', false],
  ])('refuses an answer over maxResponseBytes (%s) and stops reading it', async (_how, declareLength) => {
    const server = await startServer(64 * MiB, declareLength);
    const send = make();
    const error = await send({ method: 'GET', url: server.url, headers: {}, timeoutMs: 10_000, maxResponseBytes: MiB })
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).limitBytes).toBe(MiB);
    expect((error as Error).message).toBe(`the answer is larger than ${MiB} bytes`);
    // The reader gave up long before the 64 MiB were written (socket buffers hold a few MiB at most).
    expect(server.written).toBeLessThan(32 * MiB);
  });

  it('reads an answer of exactly maxResponseBytes whole', async () => {
    const server = await startServer(256 * KiB, false);
    const response = await make()({
      method: 'GET',
      url: server.url,
      headers: {},
      timeoutMs: 10_000,
      maxResponseBytes: 256 * KiB,
    });
    expect(response.status).toBe(200);
    expect(response.bodyText.length).toBe(256 * KiB);
  });

  it('applies the 16 MiB default when the request names no bound', async () => {
    const server = await startServer(17 * MiB, false);
    const error = await make()({ method: 'GET', url: server.url, headers: {}, timeoutMs: 20_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).limitBytes).toBe(16 * MiB);
  });
});

describe('readResponseBytes', () => {
  it('reads a fetch answer up to the bound and refuses one past it', async () => {
    const server = await startServer(100 * KiB, false);
    expect((await readResponseBytes(await fetch(server.url), 100 * KiB)).byteLength).toBe(100 * KiB);
    await expect(readResponseBytes(await fetch(server.url), 100 * KiB - 1)).rejects.toBeInstanceOf(
      ResponseTooLargeError,
    );
  });
});

describe('AmojoClient maxResponseBytes', () => {
  it('fails a call whose answer is too large as a network error naming the call and the bound', async () => {
    const server = await startServer(2 * MiB, true);
    const client = new AmojoClient({
      channelId: 'c4b0c7a2-0000-4000-8000-000000000001',
      channelSecret: 'secret',
      baseUrl: server.url.replace('/answer', ''),
      maxResponseBytes: MiB,
      retry: false,
    });
    const scopeId = client.scopeIdFor('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d');
    const error = await client.getHistory(scopeId, 'chat-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmojoNetworkError);
    expect((error as Error).message).toMatch(/: the answer is larger than 1048576 bytes$/);
    expect((error as Error).cause).toBeInstanceOf(ResponseTooLargeError);
  });

  it('refuses a bound that is not a positive whole number', () => {
    expect(
      () =>
        new AmojoClient({ channelId: 'c4b0c7a2-0000-4000-8000-000000000001', channelSecret: 's', maxResponseBytes: 0 }),
    ).toThrow(/maxResponseBytes/);
  });
});
