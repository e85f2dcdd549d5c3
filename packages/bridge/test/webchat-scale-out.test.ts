import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { type Bridge, createBridge } from '../src/service/create-bridge.js';
import { waitFor } from './support/relay-harness.js';
import { createWebchatHarness, openSocket, type TestSocket, type WebchatHarness } from './support/webchat-harness.js';

// Two bridge processes' worth of bridges on one PostgreSQL database: a visitor's tabs on different bridges see each
// other's messages and every manager message, whichever bridge's worker delivered it (LISTEN/NOTIFY).
describe('webchat across bridges sharing PostgreSQL', () => {
  let h: WebchatHarness;
  let second: Bridge;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    h = await createWebchatHarness({ engine: 'postgres', settings: { allowedOrigins: ['*'] } });
    const config = h.relay.bridge.config;
    second = await createBridge({
      config: { ...config, http: { ...config.http, port: 0 } },
      log: createLogger({ level: 'silent' }),
    });
    await second.start();
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await second?.stop();
    await h?.close();
  });

  it('delivers live events to a tab connected to the other bridge', async () => {
    const origin = 'https://shop.example.test';
    const tabA = await openSocket(h.bridgeUrl, h.instanceKey, origin);
    sockets.push(tabA);
    const session = tabA.next('session');
    tabA.send({ type: 'start', profile: { name: 'Vera Two-Tabs' } });
    const { token, visitorId } = await session;
    const tabB = await openSocket(second.url.replace('localhost', '127.0.0.1'), h.instanceKey, origin);
    sockets.push(tabB);
    const ready = tabB.next('ready');
    tabB.send({ type: 'hello', token });
    await ready;

    const fromA = tabB.next('message', (f) => f.message.text === 'typed in tab A');
    tabA.send({ type: 'send', token, clientId: `c-${randomUUID()}`, text: 'typed in tab A' });
    expect((await fromA).message.direction).toBe('in');

    const chat = await waitFor('the chat in the sandbox', () => h.relay.chatOf(visitorId));
    const managerOnA = tabA.next('message', (f) => f.message.text === 'one answer, two tabs');
    const managerOnB = tabB.next('message', (f) => f.message.text === 'one answer, two tabs');
    await h.relay.sendManagerMessage(chat.id, { text: 'one answer, two tabs' });
    const [a, b] = await Promise.all([managerOnA, managerOnB]);
    expect(a.message.id).toBe(b.message.id);

    const readOnA = tabA.next('read');
    tabB.send({ type: 'read', token, ids: [b.message.id] });
    expect((await readOnA).ids).toEqual([b.message.id]);
  });
});
