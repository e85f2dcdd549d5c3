import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createWebchatHarness, openSocket, type TestSocket, type WebchatHarness } from './support/webchat-harness.js';

// Issue 13: the widget gets the newest 200 messages on connect and can page further back ("show earlier", 50 at
// a time), only within its own conversation.

const SHOP = 'http://shop.example.test';
const TOTAL = 260;

describe.each(ENGINES)('webchat "show earlier" (%s)', (engine) => {
  let h: WebchatHarness;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    h = await createWebchatHarness({
      engine,
      settings: { allowedOrigins: [SHOP], rateLimit: { messagesPerMinute: 10_000 } },
    });
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await h?.close();
  });

  const visitor = async () => {
    const socket = await openSocket(h.bridgeUrl, h.instanceKey, SHOP);
    sockets.push(socket);
    const session = socket.next('session');
    socket.send({ type: 'start', profile: { name: 'Visitor' } });
    return { socket, ...(await session) };
  };

  it('pages back from the newest 200 to the first message', { timeout: 180_000 }, async () => {
    const { socket, token } = await visitor();
    // Sent without waiting for each ack (the widget's outbox sends one at a time; this only fills the chat).
    // Spread over several connections of the same visitor: each connection may send 60 frames at once.
    const senders: TestSocket[] = [socket];
    for (let n = 1; n < 6; n++) {
      const extra = await openSocket(h.bridgeUrl, h.instanceKey, SHOP);
      sockets.push(extra);
      const ready = extra.next('ready');
      extra.send({ type: 'hello', token });
      await ready;
      senders.push(extra);
    }
    // One at a time, as the widget's outbox sends, resending after a rate_limited answer (a burst of 10 per visitor).
    const stored: { id: string }[] = [];
    for (let i = 0; i < TOTAL; i++) {
      const clientId = `client-msg-${i}`;
      for (let attempt = 0; ; attempt++) {
        const sender = senders[(i + attempt) % senders.length] as TestSocket;
        const answer = Promise.race([
          sender.next('ack', (f) => f.clientId === clientId),
          sender.next('error', (f) => f.clientId === clientId),
        ]);
        sender.send({ type: 'send', token, clientId, text: `message ${i}` });
        const got = await answer;
        if (got.type === 'ack') {
          stored.push(got);
          break;
        }
        expect(got.code).toBe('rate_limited');
        await new Promise((resolve) => setTimeout(resolve, (got.retryAfterMs ?? 100) + 10));
      }
    }
    const again = await openSocket(h.bridgeUrl, h.instanceKey, SHOP);
    sockets.push(again);
    const ready = again.next('ready');
    again.send({ type: 'hello', token });
    const first = await ready;
    expect(first.messages).toHaveLength(200);
    expect(first.hasMore).toBe(true);

    const page1 = again.next('earlier');
    again.send({ type: 'earlier', token, before: first.messages[0]?.id });
    const p1 = await page1;
    expect(p1.messages).toHaveLength(50);
    expect(p1.hasMore).toBe(true);
    const page2 = again.next('earlier');
    again.send({ type: 'earlier', token, before: p1.messages[0]?.id });
    const p2 = await page2;
    expect(p2.messages).toHaveLength(TOTAL - 250);
    expect(p2.hasMore).toBe(false);
    // The pages are disjoint and together the whole chat, oldest page first.
    const all = [...p2.messages, ...p1.messages, ...first.messages].map((m) => m.id);
    expect(new Set(all).size).toBe(TOTAL);
    expect(new Set(all)).toEqual(new Set(stored.map((a) => a.id)));

    // Another visitor naming this conversation's message gets nothing.
    const other = await visitor();
    const foreign = other.socket.next('earlier');
    other.socket.send({ type: 'earlier', token: other.token, before: first.messages[10]?.id });
    expect(await foreign).toEqual({ type: 'earlier', messages: [], hasMore: false });
  });
});
