import { type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import { signHook, verifyHook } from '@amojo-bridge/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT_ID,
  BOT_ID,
  CHANNEL_ID,
  connectScope,
  control,
  type HookReceiver,
  incoming,
  MANAGER_ID,
  MANAGER2_ID,
  postToScope,
  SCOPE_ID,
  SECRET,
  signedCall,
  startHookReceiver,
  testOptions,
} from './fixtures/helpers.js';

let receiver: HookReceiver;
let sandbox: Sandbox;
let clock = Date.now();

beforeEach(async () => {
  receiver = await startHookReceiver();
  // Close to the real time: signed requests carry a real Date header, checked against this clock.
  clock = Math.floor(Date.now() / 1000) * 1000;
  sandbox = await startSandbox(
    testOptions({ hookUrl: `${receiver.url}/hooks/amojo/:scope_id`, now: () => new Date(clock), hookTimeoutMs: 300 }),
  );
  await connectScope(sandbox.url);
});
afterEach(async () => {
  await sandbox.close();
  await receiver.close();
});

/** A chat started by the client (with a source), and its amojo id. */
async function clientChat(conversationId = 'conv-1', extra: Record<string, unknown> = {}) {
  const body = incoming(conversationId, 'hello', { source: { external_id: 'site-1' }, ...extra });
  body.payload.msec_timestamp = clock;
  body.payload.timestamp = Math.floor(clock / 1000);
  const sent = await postToScope(sandbox.url, SCOPE_ID, body);
  expect(sent.status).toBe(200);
  return { chatId: sent.json.new_message.conversation_id as string, msgId: sent.json.new_message.msgid as string };
}

describe('message hooks (spec 4.1, 4.2)', () => {
  it('posts a signed, compact v2 hook to the URL with :scope_id replaced, with every documented field', async () => {
    const { chatId } = await clientChat();
    const result = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'Hi from the manager' });
    expect(result.status).toBe(200);
    expect(receiver.received).toHaveLength(1);
    const hook = receiver.received[0]!;
    expect(hook.url).toBe(`/hooks/amojo/${SCOPE_ID}`);
    expect(hook.headers['content-type']).toBe('application/json');
    expect(hook.headers['user-agent']).toBe('amoCRM amoJo/1.0');
    expect(verifyHook(hook.raw, hook.headers['x-signature'] as string, SECRET)).toBe(true);
    // As real amojo traffic: compact JSON followed by one "\n" that X-Signature does not cover.
    const sent = hook.raw.toString('utf8');
    expect(sent.endsWith('}\n')).toBe(true);
    const raw = sent.slice(0, -1);
    expect(signHook(raw, SECRET)).toBe(hook.headers['x-signature']);
    expect(signHook(sent, SECRET)).not.toBe(hook.headers['x-signature']);
    expect(raw).toBe(JSON.stringify(JSON.parse(raw)));
    const client = sandbox.state.clientByClientId(SCOPE_ID, 'client-of-conv-1')!;
    const messageId = result.json.messages[0].id;
    expect(hook.json).toEqual({
      account_id: ACCOUNT_ID,
      time: Math.floor(clock / 1000),
      message: {
        receiver: { id: client.id, name: 'Client', phone: '+79990001122', email: '', client_id: 'client-of-conv-1' },
        sender: { id: MANAGER_ID, name: 'Manager One' },
        conversation: { id: chatId, client_id: 'conv-1' },
        source: { external_id: 'site-1' },
        timestamp: Math.floor(clock / 1000),
        msec_timestamp: clock,
        message: {
          id: messageId,
          type: 'text',
          text: 'Hi from the manager',
          tag: '',
          media: '',
          thumbnail: '',
          file_name: '',
          file_size: 0,
        },
      },
    });
    // The attempt and its answer are in the log and in the control answer.
    expect(result.json.hooks[0]).toMatchObject({
      kind: 'message',
      dropped: false,
      attempt: { status: 200, responseBody: 'ok' },
    });
    expect(result.json.hooks[0].body).toBe(sent);
    expect(result.json.hooks[0].signature).toBe(hook.headers['x-signature']);
    expect((await control(sandbox.url, 'GET', '/hooks')).json).toHaveLength(1);
  });

  it('sends the body without the trailing newline when hookTrailingNewline is false', async () => {
    await sandbox.close();
    sandbox = await startSandbox(
      testOptions({
        hookUrl: `${receiver.url}/hooks/amojo/:scope_id`,
        now: () => new Date(clock),
        hookTimeoutMs: 300,
        hookTrailingNewline: false,
      }),
    );
    await connectScope(sandbox.url);
    const { chatId } = await clientChat();
    await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'No newline' });
    const raw = receiver.received[0]!.raw.toString('utf8');
    expect(raw).toBe(JSON.stringify(JSON.parse(raw)));
    expect(signHook(raw, SECRET)).toBe(receiver.received[0]!.headers['x-signature']);
  });

  it('sends an album as several hooks sharing media_group_id, in order, caption on the first', async () => {
    const { chatId } = await clientChat();
    const attachments = [1, 2, 3].map((i) => ({
      media: `http://files.test/${i}.png`,
      fileName: `${i}.png`,
      fileSize: 100 * i,
      type: 'picture',
    }));
    const result = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'Photos', attachments });
    expect(result.json.messages).toHaveLength(3);
    expect(receiver.received).toHaveLength(3);
    const contents = receiver.received.map((h) => h.json.message.message);
    const group = contents[0].media_group_id;
    expect(group).toEqual(expect.any(String));
    expect(contents.map((c) => [c.media_group_id, c.type, c.file_name, c.file_size, c.text])).toEqual([
      [group, 'picture', '1.png', 100, 'Photos'],
      [group, 'picture', '2.png', 200, ''],
      [group, 'picture', '3.png', 300, ''],
    ]);
    expect(contents[0].thumbnail).toBe('http://files.test/1.png');
    // A single file carries no media_group_id.
    await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, {
      media: 'http://files.test/a.pdf',
      fileName: 'a.pdf',
      fileSize: 5,
      type: 'file',
    });
    expect(receiver.received[3]!.json.message.message.media_group_id).toBeUndefined();
  });

  it('quotes the replied message and marks answers to comments with the post (spec 4.3)', async () => {
    const post = { id: 'post-77', url: 'https://example.com/p/77' };
    const { chatId, msgId } = await clientChat('conv-post', { message: { type: 'text', text: 'my comment', post } });
    await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'thanks', replyToId: msgId });
    const content = receiver.received[0]!.json.message.message;
    expect(content.post).toEqual({ id: 'post-77' });
    expect(content.markup).toBeNull();
    expect(content.reply_to.message).toMatchObject({
      id: msgId,
      msgid: expect.any(String),
      type: 'text',
      text: 'my comment',
    });
    expect(content.reply_to.message.sender).toMatchObject({ client_id: 'client-of-conv-post' });
    const attachmentReply = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, {
      replyToId: msgId,
      media: 'http://x/a.png',
      type: 'picture',
    });
    expect(attachmentReply.status).toBe(400);
  });

  it('carries the manager keyboard and template, and is sent by the bot when userId is the bot id', async () => {
    const { chatId } = await clientChat();
    const markup = { mode: 'inline', buttons: [[{ text: 'Yes' }, { text: 'Site', url: 'https://example.com' }]] };
    const template = { id: 7, content: 'Deal {{lead.id}}', params: [{ key: '{{lead.id}}', value: '42' }] };
    await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, {
      text: 'Deal 42',
      markup,
      template,
      userId: BOT_ID,
    });
    const hook = receiver.received[0]!.json.message;
    expect(hook.message.markup).toEqual(markup);
    expect(hook.message.template).toEqual(template);
    expect(hook.sender).toEqual({ id: BOT_ID, name: 'Test bot' });
  });

  it('records a failing answer and a timeout, and never retries', async () => {
    const { chatId } = await clientChat();
    receiver.status = 500;
    const failed = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'one' });
    expect(failed.json.hooks[0].attempt.status).toBe(500);
    receiver.status = 200;
    receiver.delayMs = 1500;
    const slow = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'two' });
    expect(slow.json.hooks[0].attempt.status).toBeUndefined();
    expect(slow.json.hooks[0].attempt.error).toContain('300 ms');
    expect(receiver.received).toHaveLength(2);
    expect(sandbox.state.hooks()).toHaveLength(2);
  });

  it('refuses manager messages on a disconnected scope (no hook)', async () => {
    const { chatId } = await clientChat();
    sandbox.state.scopes.get(SCOPE_ID)!.connected = false;
    const result = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'x' });
    expect(result.status).toBe(409);
    expect(receiver.received).toHaveLength(0);
  });
});

describe('typing hooks (spec 4.4)', () => {
  it('sends at most one hook per 5 s per chat and user, with expired_at = now + 5', async () => {
    const { chatId } = await clientChat();
    const first = await control(sandbox.url, 'POST', `/chats/${chatId}/typing`, {});
    expect(first.json.sent).toBe(true);
    expect(receiver.received[0]!.json).toEqual({
      account_id: ACCOUNT_ID,
      time: Math.floor(clock / 1000),
      action: {
        typing: {
          user: { id: MANAGER_ID },
          conversation: { id: chatId, client_id: 'conv-1' },
          expired_at: Math.floor(clock / 1000) + 5,
        },
      },
    });
    clock += 4000;
    expect((await control(sandbox.url, 'POST', `/chats/${chatId}/typing`, {})).json.sent).toBe(false);
    // Another manager in the same chat has a throttle of their own.
    expect((await control(sandbox.url, 'POST', `/chats/${chatId}/typing`, { userId: MANAGER2_ID })).json.sent).toBe(
      true,
    );
    clock += 1000;
    expect((await control(sandbox.url, 'POST', `/chats/${chatId}/typing`, {})).json.sent).toBe(true);
    expect(receiver.received.map((h) => h.json.action.typing.user.id)).toEqual([MANAGER_ID, MANAGER2_ID, MANAGER_ID]);
    for (const hook of receiver.received)
      expect(verifyHook(hook.raw, hook.headers['x-signature'] as string, SECRET)).toBe(true);
  });
});

describe('reaction hooks (spec 4.5)', () => {
  it('sends both the message object and msgid; unreact has no emoji; undeclared emoji refused', async () => {
    const { chatId, msgId } = await clientChat();
    const react = await control(sandbox.url, 'POST', `/messages/${msgId}/reactions`, { emoji: '👍', type: 'react' });
    expect(react.status).toBe(200);
    const reaction = receiver.received[0]!.json.action.reaction;
    const client = sandbox.state.clientByClientId(SCOPE_ID, 'client-of-conv-1')!;
    expect(reaction).toEqual({
      message: {
        id: msgId,
        client_id: expect.any(String),
        // An incoming message: the hook names the reacting manager as sender and the client as receiver (issue 9
        // part 5: not the client twice).
        sender: { id: MANAGER_ID, name: 'Manager One' },
        receiver: { id: client.id, name: 'Client', client_id: 'client-of-conv-1' },
        timestamp: Math.floor(clock / 1000),
        msec_timestamp: clock,
      },
      msgid: msgId,
      user: { id: MANAGER_ID },
      conversation: { id: chatId, client_id: 'conv-1' },
      type: 'react',
      emoji: '👍',
    });
    expect(react.json.message.reactions).toEqual([{ emoji: '👍', by: MANAGER_ID, byKind: 'manager' }]);
    await control(sandbox.url, 'POST', `/messages/${msgId}/reactions`, { type: 'unreact' });
    expect(receiver.received[1]!.json.action.reaction.type).toBe('unreact');
    expect(receiver.received[1]!.json.action.reaction.emoji).toBeUndefined();
    const bad = await control(sandbox.url, 'POST', `/messages/${msgId}/reactions`, { emoji: '🦄', type: 'react' });
    expect(bad.status).toBe(400);
    expect(receiver.received).toHaveLength(2);
  });
});

describe('write first (spec 3.4.7)', () => {
  it('sends a hook without client ids, then binds the chat when the integration answers with the ref ids', async () => {
    const started = await control(sandbox.url, 'POST', '/write-first', {
      scopeId: SCOPE_ID,
      phone: '+79001234567',
      text: 'Hello, this is your manager',
      sourceExternalId: 'wa-1',
    });
    expect(started.status).toBe(200);
    const hook = receiver.received[0]!.json;
    expect(hook.message.conversation).toEqual({ id: started.json.chat.id });
    expect(hook.message.receiver).toEqual({
      id: started.json.chat.client.id,
      name: '+79001234567',
      phone: '+79001234567',
      email: '',
    });
    expect(hook.message.source).toEqual({ external_id: 'wa-1' });
    expect(started.json.chat.conversationId).toBeNull();
    expect(started.json.chat.leadId).toEqual(expect.any(Number));

    const answer = incoming('my-new-conv', 'Yes?', {
      conversation_ref_id: hook.message.conversation.id,
      sender: { id: 'wa-user-1', ref_id: hook.message.receiver.id, name: 'Pavel' },
    });
    const bound = await postToScope(sandbox.url, SCOPE_ID, answer);
    expect(bound.status).toBe(200);
    expect(bound.json.new_message.conversation_id).toBe(started.json.chat.id);
    expect(bound.json.new_message.sender_id).toBe(hook.message.receiver.id);
    const [chat] = (await control(sandbox.url, 'GET', '/chats')).json;
    expect(chat).toMatchObject({ conversationId: 'my-new-conv', client: { clientId: 'wa-user-1', name: 'Pavel' } });

    await control(sandbox.url, 'POST', `/chats/${chat.id}/messages`, { text: 'Great' });
    expect(receiver.received[1]!.json.message.conversation).toEqual({ id: chat.id, client_id: 'my-new-conv' });
    expect(receiver.received[1]!.json.message.receiver.client_id).toBe('wa-user-1');
  });
});

describe('v1 hooks (spec 4.6)', () => {
  it('sends the flat v1 body to a scope connected with hook_api_version v1', async () => {
    const v1Receiver = await startHookReceiver();
    const v1 = await startSandbox(
      testOptions({
        channels: [{ ...testOptions().channels[0]!, hookUrl: `${v1Receiver.url}/v1/:scope_id`, hookApiVersion: 'v1' }],
      }),
    );
    try {
      const connected = await signedCall(v1.url, {
        method: 'POST',
        path: `/v2/origin/custom/${CHANNEL_ID}/connect`,
        body: { account_id: ACCOUNT_ID, hook_api_version: 'v1' },
      });
      expect(connected.json.hook_api_version).toBe('v1');
      const sent = await postToScope(v1.url, SCOPE_ID, incoming('conv-v1', 'hi'));
      await control(v1.url, 'POST', `/chats/${sent.json.new_message.conversation_id}/messages`, { text: 'old style' });
      expect(v1Receiver.received[0]!.json).toEqual({
        receiver: 'client-of-conv-v1',
        conversation_id: 'conv-v1',
        type: 'text',
        text: 'old style',
        media: '',
        thumbnail: '',
        file_name: '',
        file_size: 0,
        msec_timestamp: expect.any(Number),
      });
    } finally {
      await v1.close();
      await v1Receiver.close();
    }
  });
});
