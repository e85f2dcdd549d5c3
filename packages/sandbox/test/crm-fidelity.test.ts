// Fidelity of the sandbox where the bridge's amoCRM side depends on it: a chat created by POST /chats and linked to a
// contact keeps that contact (no second contact, no lead) on the next live messages, and manager hooks of a chat no
// source is pinned to carry the channel integration's default source (guide, migration to multiple sources, stage 1).
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AmojoClient } from '@amojo-bridge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';

const CHANNEL_ID = randomUUID();
const CHANNEL_SECRET = randomUUID().replaceAll('-', '');
const ACCOUNT = randomUUID();
const MANAGER = randomUUID();
const CLIENT_ID = randomUUID();

// Only the fields the assertions read.
interface HookBody {
  readonly message?: {
    readonly source?: { readonly external_id: string };
    readonly message?: { readonly text?: string };
  };
}

describe('CRM fidelity for linked chats and default sources', () => {
  let sandbox: Sandbox;
  let server: Server;
  const hooks: HookBody[] = [];
  let amojo: AmojoClient;
  let scopeId: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        if (request.method === 'POST') hooks.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as HookBody);
        response.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/:scope_id`;
    sandbox = await startSandbox({
      channels: [{ id: CHANNEL_ID, secret: CHANNEL_SECRET, name: 'Fidelity', hookUrl }],
      accounts: [
        { amojoId: ACCOUNT, id: 9001, subdomain: 'fidelity', users: [{ id: 1, name: 'M', amojoId: MANAGER }] },
      ],
      integrations: [
        {
          clientId: CLIENT_ID,
          clientSecret: 'x'.repeat(40),
          redirectUri: 'http://127.0.0.1:9/cb',
          channelId: CHANNEL_ID,
          multipleSources: true,
        },
      ],
    });
    amojo = new AmojoClient({ channelId: CHANNEL_ID, channelSecret: CHANNEL_SECRET, baseUrl: sandbox.url });
    ({ scopeId } = await amojo.connect({ accountId: ACCOUNT }));
  });
  afterAll(async () => {
    await sandbox?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const send = (conversationId: string, text: string, sourceExternalId?: string) =>
    amojo.sendMessage(scopeId, {
      msgid: randomUUID(),
      conversationId,
      msecTimestamp: Date.now(),
      sender: { id: `client-${conversationId}`, name: 'Olga', profile: { phone: '+79012345678' } },
      message: { type: 'text', text },
      ...(sourceExternalId ? { sourceExternalId } : {}),
    });

  it('keeps a POST /chats chat on its linked contact: no new contact, no lead, link unchanged', async () => {
    const crm = sandbox.state.crm;
    const contact = crm.addContact(ACCOUNT, { name: 'Olga Known', phone: '+7 901 234-56-78' });
    const chat = await amojo.createChat(scopeId, {
      conversationId: 'linked-1',
      user: { id: 'client-linked-1', name: 'Olga', profile: { phone: '+79012345678' } },
    });
    const link = crm.linkChat(chat.amojoChatId, contact.id);
    for (const text of ['one', 'two', 'three', 'four']) await send('linked-1', text);
    expect(crm.contacts(ACCOUNT)).toHaveLength(1);
    expect(crm.snapshot(ACCOUNT).leads).toHaveLength(0);
    expect(crm.chatLinks(ACCOUNT, { chatIds: [chat.amojoChatId] })).toEqual([link]);
    const view = (
      (await (await fetch(`${sandbox.url}/_sandbox/api/chats`)).json()) as {
        id: string;
        contactId: number;
        leadId: number | null;
      }[]
    ).find((c) => c.id === chat.amojoChatId);
    expect(view).toMatchObject({ contactId: contact.id, leadId: null });
    // An unlinked chat still gets its contact and lead with the first message, as before.
    await send('plain-1', 'hello');
    expect(crm.contacts(ACCOUNT)).toHaveLength(2);
    expect(crm.snapshot(ACCOUNT).leads).toHaveLength(1);
  });

  it("puts the integration's default source into hooks of untagged chats, and a pinned chat's own source", async () => {
    const manage = async (conversationId: string, text: string) => {
      const chats = (await (await fetch(`${sandbox.url}/_sandbox/api/chats`)).json()) as {
        id: string;
        conversationId: string;
      }[];
      const chat = chats.find((c) => c.conversationId === conversationId)!;
      const response = await fetch(`${sandbox.url}/_sandbox/api/chats/${chat.id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      expect(response.status).toBe(200);
      return hooks.find((h) => h.message?.message?.text === text)!;
    };
    await send('untagged-1', 'no source yet');
    expect((await manage('untagged-1', 'before default')).message?.source).toBeUndefined();
    sandbox.state.crm.sourceStore.ensure(
      { accountAmojoId: ACCOUNT, clientId: CLIENT_ID },
      { name: 'Main', externalId: 'main-src', default: true },
    );
    sandbox.state.crm.sourceStore.ensure(
      { accountAmojoId: ACCOUNT, clientId: CLIENT_ID },
      { name: 'Other', externalId: 'other-src', default: false },
    );
    expect((await manage('untagged-1', 'after default')).message?.source).toEqual({ external_id: 'main-src' });
    await send('pinned-1', 'pinned', 'other-src');
    expect((await manage('pinned-1', 'to pinned')).message?.source).toEqual({ external_id: 'other-src' });
  });
});
