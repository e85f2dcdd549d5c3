// amojo_calls_total is fed by the SDK's onResponse hook of the one client createAmojoClient builds: one count per
// call after the SDK's retries, with the outcome labels the hand-written increments used (ok / error / retried).
import { type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import type { AmojoClient, ScopeId } from '@amojo-bridge/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAmojoClient } from '../src/amojo/create-amojo-client.js';
import { type BridgeMetrics, createMetrics } from '../src/metrics/index.js';

const CHANNEL = '5d0c2a1e-3b4f-4c6d-8e7f-901a2b3c4d5e';
const SECRET = 'feedface00feedface00feedface00feedface00';
const ACCOUNT = '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b';

let sandbox: Sandbox;
let metrics: BridgeMetrics;
let amojo: AmojoClient;
let scopeId: ScopeId;

beforeAll(async () => {
  sandbox = await startSandbox({
    channels: [{ id: CHANNEL, secret: SECRET, name: 'Metrics channel' }],
    accounts: [{ amojoId: ACCOUNT, id: 4242, subdomain: 'metrics', users: [] }],
  });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.state.setFaults({});
  metrics = createMetrics();
  amojo = createAmojoClient({
    config: { channel: { id: CHANNEL, secret: SECRET }, amojoBaseUrl: sandbox.url },
    metrics,
  });
  // The SDK's retries wait for real (250 ms base); the faulty tests stay near a second.
  scopeId = (await amojo.connect({ accountId: ACCOUNT })).scopeId as ScopeId;
});

async function count(method: string, outcome: string): Promise<number> {
  const text = await metrics.render();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`amojo_bridge_amojo_calls_total{method="${method}",outcome="${outcome}"} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const message = (msgid: string) => ({
  msgid,
  conversationId: 'conv-metrics',
  sender: { id: 'client-metrics', name: 'Client' },
  message: { type: 'text' as const, text: 'hello' },
});

describe('amojo_calls_total from the client hook', () => {
  it('counts a successful call once as ok, labelled with the SDK method', async () => {
    expect(await count('connect', 'ok')).toBe(1);
    await amojo.sendMessage(scopeId, message('metrics-1'));
    expect(await count('sendMessage', 'ok')).toBe(1);
  });

  it('counts a duplicate-msgid refusal of sendMessage as ok: the first attempt got through', async () => {
    await amojo.sendMessage(scopeId, message('metrics-dup'));
    await expect(amojo.sendMessage(scopeId, message('metrics-dup'))).rejects.toMatchObject({
      errorType: 'DUPLICATE_MSGID',
    });
    expect(await count('sendMessage', 'ok')).toBe(2);
    expect(await count('sendMessage', 'error')).toBe(0);
  });

  it('counts a 4xx refusal as error and a 5xx that outlived the retries once as retried', async () => {
    await expect(amojo.deliveryStatus(scopeId, 'no-such-msg', { status: 1 })).rejects.toMatchObject({ status: 404 });
    expect(await count('deliveryStatus', 'error')).toBe(1);

    sandbox.state.setFaults({ apiFailureRate: 1, apiFailureStatuses: [503], retryAfterSeconds: 0 });
    await expect(amojo.getHistory(scopeId, 'some-chat')).rejects.toMatchObject({ status: 503 });
    // Four attempts (three SDK retries), one call.
    expect(await count('getHistory', 'retried')).toBe(1);
    expect(await count('getHistory', 'error')).toBe(0);
  });

  it('counts any failure of a call nothing retries (typing, connect) as error', async () => {
    sandbox.state.setFaults({ apiFailureRate: 1, apiFailureStatuses: [503], retryAfterSeconds: 0 });
    await expect(amojo.typing(scopeId, { conversationId: 'conv-metrics', senderId: 'c' })).rejects.toThrow();
    expect(await count('typing', 'error')).toBe(1);
    expect(await count('typing', 'retried')).toBe(0);
  });
});
