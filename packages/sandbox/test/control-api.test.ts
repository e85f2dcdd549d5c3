import { type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT_ID,
  CHANNEL_ID,
  connectScope,
  control,
  type HookReceiver,
  incoming,
  MANAGER_ID,
  postToScope,
  SCOPE_ID,
  signedCall,
  startHookReceiver,
  testOptions,
} from './fixtures/helpers.js';

let receiver: HookReceiver;
let sandbox: Sandbox;
beforeEach(async () => {
  receiver = await startHookReceiver();
  sandbox = await startSandbox(testOptions({ hookUrl: `${receiver.url}/h/:scope_id` }));
});
afterEach(async () => {
  await sandbox.close();
  await receiver.close();
});

/** Reads the SSE stream and collects parsed `data:` events until `until` says stop. */
async function readEvents(url: string, start: () => Promise<void>, until: (events: { type: string }[]) => boolean) {
  const controller = new AbortController();
  const response = await fetch(`${url}/_sandbox/api/events`, { signal: controller.signal });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: { type: string }[] = [];
  let buffer = '';
  let first = true;
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of frame.split('\n')) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)));
        end = buffer.indexOf('\n\n');
      }
      // The first chunk is the ": connected" comment: the subscription exists, so act now.
      if (first) {
        first = false;
        await start();
      }
    }
  } finally {
    controller.abort();
    await reader.cancel().catch(() => {});
  }
  return events;
}

describe('control API', () => {
  it('describes accounts, channels and scopes', async () => {
    await connectScope(sandbox.url);
    const config = (await control(sandbox.url, 'GET', '/config')).json;
    expect(config.accounts[0]).toEqual({
      amojoId: ACCOUNT_ID,
      id: 1001,
      subdomain: 'test1',
      name: 'test1',
      users: [
        { id: 1, name: 'Manager One', amojoId: MANAGER_ID },
        { id: 2, name: 'Manager Two', amojoId: expect.any(String) },
      ],
    });
    expect(config.channels).toEqual([
      {
        id: CHANNEL_ID,
        name: 'Test channel',
        code: 'amo.ext.test',
        reactions: ['👍', '❤️'],
        writeFirst: true,
        hookUrl: `${receiver.url}/h/:scope_id`,
      },
    ]);
    expect(config.scopes).toEqual([
      {
        scopeId: SCOPE_ID,
        channelId: CHANNEL_ID,
        accountId: ACCOUNT_ID,
        title: 'Test',
        connected: true,
        hookApiVersion: 'v2',
      },
    ]);
  });

  it('lists chats newest activity first, filters by scope, lists messages oldest first, marks read', async () => {
    await connectScope(sandbox.url);
    const a = await postToScope(sandbox.url, SCOPE_ID, incoming('conv-a', 'a1'));
    await postToScope(sandbox.url, SCOPE_ID, incoming('conv-b', 'b1'));
    await postToScope(sandbox.url, SCOPE_ID, incoming('conv-a', 'a2'));
    const chats = (await control(sandbox.url, 'GET', '/chats')).json;
    expect(chats.map((c: { conversationId: string }) => c.conversationId)).toEqual(['conv-a', 'conv-b']);
    expect(chats[0]).toMatchObject({
      scopeId: SCOPE_ID,
      accountId: ACCOUNT_ID,
      unread: 2,
      lastMessageText: 'a2',
      typingUntil: null,
    });
    expect((await control(sandbox.url, 'GET', `/chats?scope=${CHANNEL_ID}_other`)).json).toEqual([]);
    const chatId = a.json.new_message.conversation_id;
    const messages = (await control(sandbox.url, 'GET', `/chats/${chatId}/messages`)).json;
    expect(messages.map((m: { text: string }) => m.text)).toEqual(['a1', 'a2']);
    expect(messages[0]).toMatchObject({
      direction: 'in',
      status: null,
      author: { kind: 'client', name: 'Client' },
      replyTo: null,
      reactions: [],
    });
    expect((await control(sandbox.url, 'POST', `/chats/${chatId}/read`)).json.unread).toBe(0);
    expect((await control(sandbox.url, 'GET', '/chats/nope/messages')).status).toBe(404);
  });

  it('uploads a file, serves it, and sends it as a picture', async () => {
    await connectScope(sandbox.url);
    const sent = await postToScope(sandbox.url, SCOPE_ID, incoming('conv-u', 'hi'));
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
    const upload = await control(sandbox.url, 'POST', '/uploads', {
      fileName: 'dot.png',
      mimeType: 'image/png',
      dataBase64: png.toString('base64'),
    });
    expect(upload.json).toMatchObject({ fileName: 'dot.png', fileSize: png.length, type: 'picture' });
    const served = await fetch(upload.json.url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(png);
    const chatId = sent.json.new_message.conversation_id;
    await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, {
      media: upload.json.url,
      fileName: 'dot.png',
      fileSize: png.length,
      type: 'picture',
    });
    expect(receiver.received[0]!.json.message.message).toMatchObject({
      type: 'picture',
      media: upload.json.url,
      file_name: 'dot.png',
    });
    expect(
      (await control(sandbox.url, 'POST', '/uploads', { fileName: 'a/b', mimeType: 'text/plain', dataBase64: '' }))
        .status,
    ).toBe(400);
  });

  it('"write first" to the phone of a contact who already has a chat writes in that chat, not a second one', async () => {
    await connectScope(sandbox.url);
    const chatId = (await postToScope(sandbox.url, SCOPE_ID, incoming('conv-wf', 'hello'))).json.new_message
      .conversation_id;
    const before = sandbox.state.chats.size;
    const written = await control(sandbox.url, 'POST', '/write-first', {
      scopeId: SCOPE_ID,
      phone: '+7 999 000-11-22',
      text: 'We have news for you',
    });
    expect(written.status).toBe(200);
    expect(written.json.chat.id).toBe(chatId);
    expect(sandbox.state.chats.size).toBe(before);
    // A phone with no chat still starts a new, unbound one (spec 3.4.7).
    const fresh = await control(sandbox.url, 'POST', '/write-first', {
      scopeId: SCOPE_ID,
      phone: '+15550100',
      text: 'Hello there',
    });
    expect(fresh.json.chat.id).not.toBe(chatId);
    expect(sandbox.state.chats.size).toBe(before + 1);
  });

  it('answers bad control requests with a JSON error', async () => {
    await connectScope(sandbox.url);
    const chatId = (await postToScope(sandbox.url, SCOPE_ID, incoming('conv-e', 'hi'))).json.new_message
      .conversation_id;
    const empty = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, {});
    expect(empty.status).toBe(400);
    expect(empty.json.error).toContain('text');
    const noMedia = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'x', type: 'picture' });
    expect(noMedia.status).toBe(400);
    expect(noMedia.json.error).toContain('media');
    const badUser = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'x', userId: 'nobody' });
    expect(badUser.status).toBe(400);
    expect((await control(sandbox.url, 'POST', '/chats/nope/messages', { text: 'x' })).status).toBe(404);
    expect((await control(sandbox.url, 'POST', '/write-first', { scopeId: SCOPE_ID, text: 'x' })).json.error).toContain(
      'phone',
    );
  });

  it('streams chat, message, typing, hook and crm events over SSE', async () => {
    await connectScope(sandbox.url);
    let chatId = '';
    const events = await readEvents(
      sandbox.url,
      async () => {
        const sent = await postToScope(sandbox.url, SCOPE_ID, incoming('conv-sse', 'live'));
        chatId = sent.json.new_message.conversation_id;
        await signedCall(sandbox.url, {
          method: 'POST',
          path: `/v2/origin/custom/${SCOPE_ID}/typing`,
          body: { conversation_id: 'conv-sse', sender: { id: 'client-of-conv-sse' } },
        });
        await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'reply' });
      },
      (list) => list.some((e) => e.type === 'hook'),
    );
    const types = events.map((e) => e.type);
    expect(types).toContain('crm');
    expect(types).toContain('typing');
    const message = events.find((e) => e.type === 'message') as unknown as {
      message: { text: string; chatId: string };
    };
    expect(message.message).toMatchObject({ text: 'live', chatId });
    const chat = events.find((e) => e.type === 'chat') as unknown as { chat: { id: string } };
    expect(chat.chat.id).toBe(chatId);
    const hook = events.find((e) => e.type === 'hook') as unknown as {
      hook: { kind: string; attempt: { status: number } };
    };
    expect(hook.hook).toMatchObject({ kind: 'message', attempt: { status: 200 } });
  });

  it('disconnects the scope when the integration is disabled in the CRM', async () => {
    await sandbox.close();
    sandbox = await startSandbox(
      testOptions({
        integrations: [
          {
            clientId: 'int-1',
            clientSecret: 'int-secret',
            redirectUri: `${receiver.url}/oauth`,
            channelId: CHANNEL_ID,
          },
        ],
      }),
    );
    await connectScope(sandbox.url);
    const disabled = await control(sandbox.url, 'POST', '/crm/disable', { account: ACCOUNT_ID, clientId: 'int-1' });
    expect(disabled.status).toBeLessThan(300);
    expect(sandbox.state.scopes.get(SCOPE_ID)!.connected).toBe(false);
  });
});
