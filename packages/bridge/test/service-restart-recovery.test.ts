import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO } from '@amojo-bridge/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addHttpChannel, connectAccount } from '../src/accounts/index.js';
import { webhookHeaders } from '../src/channels/index.js';
import type { Bridge } from '../src/service/create-bridge.js';
import { asAmojoAccountId } from '../src/store/ids.js';
import { ENGINES } from './support/databases.js';
import { bridgeFor, createServiceWorld, type ServiceWorld, waitFor } from './support/service-harness.js';

describe.each(ENGINES)('restart after downtime on %s', (engine) => {
  let world: ServiceWorld;
  let bridge: Bridge | undefined;
  const received: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; message?: { text?: string } };
      if (body.type === 'message') received.push(body.message?.text ?? '');
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  beforeAll(async () => {
    world = await createServiceWorld(engine);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    await bridge?.stop();
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await world?.close();
  });

  it('delivers the manager messages lost while it was down before the next one, after a restart', async () => {
    bridge = await bridgeFor(world);
    await bridge.start();
    await connectAccount(bridge, { accountId: asAmojoAccountId(DEMO.accountAmojoId) });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
    const { instance, secret } = await addHttpChannel(bridge, { name: 'restart', url });
    const event = JSON.stringify({
      eventId: randomUUID(),
      chatKey: 'restart-chat',
      sender: { id: 'c1', name: 'Client' },
      message: { type: 'text', text: 'hi' },
      timestamp: Math.floor(Date.now() / 1000),
    });
    const posted = await fetch(`${bridge.url}/channels/http/${instance.key}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...webhookHeaders({ body: event, secret }) },
      body: event,
    });
    expect(posted.status).toBe(200);
    const db = bridge.store.db;
    const chatId = await waitFor(async () => {
      const row = await db.selectFrom('conversations').select('amojo_chat_id').executeTakeFirst();
      return row?.amojo_chat_id ?? undefined;
    });
    await bridge.stop();

    // Down: the manager writes three messages; their hooks find nobody listening and amojo never resends them.
    const sendManager = (text: string) =>
      fetch(`${world.sandbox.url}/_sandbox/api/chats/${chatId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
    for (const text of ['while down 1', 'while down 2', 'while down 3'])
      expect((await sendManager(text)).status).toBe(200);

    bridge = await bridgeFor(world);
    await bridge.start();
    // start() began checking the most recently active chats before listening (in the background); whichever of that
    // check and the next hook's order check comes first, the three lost messages are delivered before it.
    expect((await sendManager('after restart')).status).toBe(200);
    await waitFor(() => received.length >= 4);
    expect(received).toEqual(['while down 1', 'while down 2', 'while down 3', 'after restart']);
    const recovered = await bridge.store.db
      .selectFrom('hooks')
      .select('reason')
      .where('reason', 'like', 'recovered from chat history%')
      .execute();
    expect(recovered).toHaveLength(3);
  });
});
