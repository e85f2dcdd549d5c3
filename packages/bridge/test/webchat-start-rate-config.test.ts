import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createWebchatHarness, openSocket, type TestSocket, type WebchatHarness } from './support/webchat-harness.js';

const SHOP = 'http://shop.example.test';

// WEBCHAT_STARTS_PER_MINUTE / WEBCHAT_START_BURST reach the limiter of new chats (the default burst is 10).
describe.each(ENGINES)('webchat start rate from the configuration (%s)', (engine) => {
  let h: WebchatHarness;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    h = await createWebchatHarness({
      engine,
      settings: { allowedOrigins: [SHOP], form: { name: { required: true } } },
      env: { WEBCHAT_STARTS_PER_MINUTE: '1', WEBCHAT_START_BURST: '2' },
    });
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await h?.close();
  });

  it('refuses the third new chat from one address with a burst of 2', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const socket = await openSocket(h.bridgeUrl, h.instanceKey, SHOP);
      sockets.push(socket);
      const answer = Promise.race([
        socket.next('session').then(() => 'session'),
        socket.next('error').then((frame) => frame.code),
      ]);
      socket.send({ type: 'start', profile: { name: `Visitor ${i}` } });
      outcomes.push(await answer);
    }
    expect(outcomes).toEqual(['session', 'session', 'rate_limited']);
  });
});
