import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO } from '@amojo-bridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addHttpChannel, connectAccount } from '../src/accounts/index.js';
import { webhookHeaders } from '../src/channels/index.js';
import type { Bridge } from '../src/service/create-bridge.js';
import { asAmojoAccountId } from '../src/store/ids.js';
import { openStore } from '../src/store/open-store.js';
import { ENGINES } from './support/databases.js';
import { bridgeFor, createServiceWorld, type ServiceWorld, waitFor } from './support/service-harness.js';

/** A customer system that holds every manager message until told to answer. */
async function startHoldingReceiver() {
  const held: { body: Record<string, unknown>; response: ServerResponse }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      held.push({ body, response });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    held,
    releaseAll() {
      for (const { response } of held.splice(0)) {
        if (!response.writableEnded) response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(ENGINES)('graceful stop on %s', (engine) => {
  let world: ServiceWorld;
  let bridge: Bridge;
  let receiver: Awaited<ReturnType<typeof startHoldingReceiver>>;

  beforeAll(async () => {
    world = await createServiceWorld(engine);
    receiver = await startHoldingReceiver();
    bridge = await bridgeFor(world, { stopTimeoutMs: 30_000 });
    await bridge.start();
  });
  afterAll(async () => {
    receiver?.releaseAll();
    await bridge?.stop();
    await receiver?.close();
    await world?.close();
  });

  it('stops accepting requests, lets the in-flight job finish, then closes the database', async () => {
    await connectAccount(bridge, { accountId: asAmojoAccountId(DEMO.accountAmojoId) });
    const { instance, secret } = await addHttpChannel(bridge, { name: 'holding', url: receiver.url });
    expect(instance.accountId).not.toBeNull();

    // A customer message creates the chat in amojo...
    const event = JSON.stringify({
      eventId: randomUUID(),
      chatKey: 'graceful-chat',
      sender: { id: 'customer-1', name: 'Customer One' },
      message: { type: 'text', text: 'hello' },
      timestamp: Math.floor(Date.now() / 1000),
    });
    const posted = await fetch(`${bridge.url}/channels/http/${instance.key}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...webhookHeaders({ body: event, secret }) },
      body: event,
    });
    expect(posted.status).toBe(200);
    const amojoChatId = await waitFor(async () => {
      const row = await bridge.store.db
        .selectFrom('conversations')
        .select('amojo_chat_id')
        .where('channel_chat_key', '=', 'graceful-chat')
        .executeTakeFirst();
      return row?.amojo_chat_id ?? undefined;
    });

    // ...the manager answers, and the bridge's POST to the customer system is held open: a job in flight.
    const answer = await fetch(`${world.sandbox.url}/_sandbox/api/chats/${amojoChatId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'answer in flight' }),
    });
    expect(answer.status).toBe(200);
    await waitFor(() => receiver.held.length === 1);
    const running = await bridge.store.db
      .selectFrom('jobs')
      .select(['id', 'state'])
      .where('kind', '=', 'deliver-to-channel')
      .executeTakeFirstOrThrow();
    expect(running.state).toBe('running');

    let stopped = false;
    const stopping = bridge.stop().then(() => {
      stopped = true;
    });
    // New connections are refused once the HTTP server is closed, while the job is still held.
    await waitFor(async () => {
      try {
        await fetch(`${bridge.url}/healthz`);
        return false;
      } catch {
        return true;
      }
    });
    expect(stopped).toBe(false);

    receiver.releaseAll();
    await stopping;

    // The database was closed only after the job finished: reopened, it shows the job done and the message delivered.
    const store = openStore({ databaseUrl: world.config.databaseUrl });
    try {
      const job = await store.db.selectFrom('jobs').selectAll().where('id', '=', running.id).executeTakeFirstOrThrow();
      expect(job.state).toBe('done');
      const message = await store.db
        .selectFrom('messages')
        .select(['status', 'direction'])
        .where('direction', '=', 'out')
        .executeTakeFirstOrThrow();
      expect(['sent', 'delivered']).toContain(message.status);
    } finally {
      await store.close();
    }
  });
});
