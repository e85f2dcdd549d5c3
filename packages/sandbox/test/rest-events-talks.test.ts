// GET /api/v4/events (chat message events) and GET /api/v4/talks/:id through the SDK, and the request counters.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import { AmocrmClient, AmojoClient, MemoryTokenStore } from '@amojo-bridge/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, CHANNEL_ID, control, SCOPE_ID, SECRET, testOptions } from './fixtures/helpers.js';

const CLIENT_ID = 'c0ffee00-0000-4000-8000-0000000000e1';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function startRedirectReceiver(): Promise<{ url: string; codes: string[] }> {
  const codes: string[] = [];
  const server: Server = createServer((request, response) => {
    const code = new URL(request.url ?? '/', 'http://x').searchParams.get('code');
    if (code) codes.push(code);
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth`, codes };
}

describe('the event feed and talks', () => {
  it('lists outgoing chat messages with their talk, whose chat_id is the amojo chat; counts requests', async () => {
    const redirect = await startRedirectReceiver();
    const sandbox: Sandbox = await startSandbox(
      testOptions({ integrations: [{ clientId: CLIENT_ID, clientSecret: 's3cret', redirectUri: redirect.url }] }),
    );
    cleanups.push(() => sandbox.close());
    const amojo = new AmojoClient({ channelId: CHANNEL_ID, channelSecret: SECRET, baseUrl: sandbox.url });
    await amojo.connect({ accountId: ACCOUNT_ID, title: 'Test' });
    const sent = await amojo.sendMessage(SCOPE_ID, {
      msgid: 'events-1',
      conversationId: 'conv-events',
      sender: { id: 'client-events', name: 'Ann' },
      message: { type: 'text', text: 'hello' },
    });
    const chats = (await control(sandbox.url, 'GET', '/chats')).json as { id: string }[];
    const chatId = chats[0]!.id;
    const answer = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'manager answer' });
    const managerMessageId = answer.json.messages[0].id as string;

    await control(sandbox.url, 'POST', '/crm/install', { account: ACCOUNT_ID, clientId: CLIENT_ID });
    const crm = new AmocrmClient({
      baseUrl: sandbox.url,
      clientId: CLIENT_ID,
      clientSecret: 's3cret',
      redirectUri: redirect.url,
      tokenStore: new MemoryTokenStore(),
      accountKey: ACCOUNT_ID,
      rateLimitPerSecond: 1000,
    });
    await crm.exchangeCode(redirect.codes[0]!);
    await control(sandbox.url, 'DELETE', '/requests');

    const since = Math.floor(Date.now() / 1000) - 60;
    const outgoing = await crm.listEvents({ types: ['outgoing_chat_message'], createdFrom: since, limit: 100 });
    expect(outgoing.events).toHaveLength(1);
    const event = outgoing.events[0]!;
    expect(event.type).toBe('outgoing_chat_message');
    const message = event.value_after?.[0]?.message;
    expect(message).toMatchObject({ id: managerMessageId, origin: 'amo.ext.test' });
    const talk = await crm.getTalk(message!.talk_id!);
    expect(talk?.chat_id).toBe(chatId);
    expect(await crm.getTalk(999_999)).toBeUndefined();

    const incoming = await crm.listEvents({ types: ['incoming_chat_message'], createdFrom: since });
    expect(incoming.events.map((e) => e.value_after?.[0]?.message?.id)).toEqual([sent.amojoMsgId]);
    const future = await crm.listEvents({ types: ['outgoing_chat_message'], createdFrom: since + 3600 });
    expect(future.events).toEqual([]);
    await expect(crm.listEvents({ types: ['outgoing_chat_message'], limit: 101 })).rejects.toMatchObject({
      path: 'limit',
    });
    const bad = await fetch(`${sandbox.url}/api/v4/events?filter[type]=lead_added`, {
      headers: { authorization: `Bearer ${await crm.accessToken()}` },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain('lead_added');

    const counts = (await control(sandbox.url, 'GET', '/requests')).json as { total: Record<string, number> };
    expect(counts.total['GET /api/v4/events']).toBe(4);
    expect(counts.total['GET /api/v4/talks/:id']).toBe(2);
  });
});
