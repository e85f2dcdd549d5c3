import { type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT_ID,
  BOT_ID,
  CHANNEL_ID,
  connectScope,
  control,
  type HookReceiver,
  incoming,
  MANAGER_ID,
  OTHER_ACCOUNT_ID,
  postToScope,
  SCOPE_ID,
  SECRET,
  signedCall,
  startHookReceiver,
  testOptions,
} from './fixtures/helpers.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});
async function start(overrides: Parameters<typeof testOptions>[0] = {}): Promise<Sandbox> {
  const sandbox = await startSandbox(testOptions(overrides));
  open.push(sandbox);
  return sandbox;
}
const connectPath = `/v2/origin/custom/${CHANNEL_ID}/connect`;

describe('signature and routing checks (spec 2.7, 3.0)', () => {
  it('answers 403 with the documented body and a precise X-Sandbox-Reason', async () => {
    const sandbox = await start();
    const wrongSecret = await signedCall(sandbox.url, {
      method: 'POST',
      path: connectPath,
      body: { account_id: ACCOUNT_ID, hook_api_version: 'v2' },
      secret: 'f'.repeat(40),
    });
    expect(wrongSecret.status).toBe(403);
    expect(wrongSecret.json).toEqual({
      status: 0,
      error_code: 403,
      error_type: 'ORIGIN_INVALID_SIGNATURE',
      error_description: 'invalid signature',
    });
    expect(wrongSecret.headers.get('x-sandbox-reason')).toMatch(/^signature-mismatch/);

    const stale = await signedCall(sandbox.url, {
      method: 'POST',
      path: connectPath,
      body: { account_id: ACCOUNT_ID, hook_api_version: 'v2' },
      date: new Date(Date.now() - 16 * 60 * 1000),
    });
    expect(stale.status).toBe(403);
    expect(stale.headers.get('x-sandbox-reason')).toMatch(/^date-out-of-range/);

    const unsigned = await fetch(`${sandbox.url}${connectPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account_id: ACCOUNT_ID }),
    });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-sandbox-reason')).toMatch(/^missing-header.*Content-MD5.*X-Signature/);
    expect(sandbox.state.scopes.size).toBe(0);
  });

  it('logs the reason of a signature failure without the secret', async () => {
    const lines: string[] = [];
    const sandbox = await start({ log: { warn: (obj, msg) => lines.push(`${msg} ${JSON.stringify(obj)}`) } });
    await signedCall(sandbox.url, { method: 'POST', path: connectPath, body: '{}', secret: 'x'.repeat(40) });
    expect(lines.join('\n')).toContain('signature-mismatch');
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('answers 404 ORIGIN_NOT_REGISTERED for an unknown channel and for a scope of an unknown channel', async () => {
    const sandbox = await start();
    const unknownChannel = await signedCall(sandbox.url, {
      method: 'POST',
      path: '/v2/origin/custom/00000000-0000-4000-8000-000000000000/connect',
      body: { account_id: ACCOUNT_ID, hook_api_version: 'v2' },
    });
    expect(unknownChannel.status).toBe(404);
    expect(unknownChannel.json).toEqual({
      status: 0,
      error_code: 404,
      error_type: 'ORIGIN_NOT_REGISTERED',
      error_description: 'NOT_FOUND',
    });
    const unknownScope = await postToScope(
      sandbox.url,
      `00000000-0000-4000-8000-000000000000_${ACCOUNT_ID}`,
      incoming('c', 'x'),
    );
    expect(unknownScope.status).toBe(404);
    // A well-signed call on a scope that was never connected is also 404.
    const notConnected = await postToScope(sandbox.url, SCOPE_ID, incoming('c', 'x'));
    expect(notConnected.status).toBe(404);
    expect(notConnected.json.error_type).toBe('ORIGIN_NOT_REGISTERED');
  });
});

describe('connect and disconnect (spec 3.1, 3.2)', () => {
  it('connects idempotently with the channel name as default title', async () => {
    const sandbox = await start();
    const body = { account_id: ACCOUNT_ID, hook_api_version: 'v2' };
    const first = await signedCall(sandbox.url, { method: 'POST', path: connectPath, body });
    const second = await signedCall(sandbox.url, { method: 'POST', path: connectPath, body });
    expect(first.json).toEqual({
      account_id: ACCOUNT_ID,
      scope_id: SCOPE_ID,
      title: 'Test channel',
      hook_api_version: 'v2',
      is_time_window_disabled: false,
    });
    expect(second.json).toEqual(first.json);
    expect(sandbox.state.scopes.size).toBe(1);
  });

  it('refuses unknown accounts, accounts outside a private channel list, and a hook version without a URL', async () => {
    const sandbox = await start({
      channels: [{ ...testOptions().channels[0]!, allowedAccounts: [ACCOUNT_ID] }],
    });
    const unknown = await signedCall(sandbox.url, {
      method: 'POST',
      path: connectPath,
      body: { account_id: '12345678-0000-4000-8000-000000000000', hook_api_version: 'v2' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error_description).toContain('account_id');
    const notAllowed = await signedCall(sandbox.url, {
      method: 'POST',
      path: connectPath,
      body: { account_id: OTHER_ACCOUNT_ID, hook_api_version: 'v2' },
    });
    expect(notAllowed.status).toBe(403);
    expect(notAllowed.json.error_type).toBe('ACCOUNT_NOT_ALLOWED');
    const v1 = await signedCall(sandbox.url, {
      method: 'POST',
      path: connectPath,
      body: { account_id: ACCOUNT_ID, hook_api_version: 'v1' },
    });
    expect(v1.status).toBe(400);
    expect(v1.json.error_description).toContain('hook_api_version');
  });

  it('disconnects with a signed DELETE body; later calls on the scope get 404; reconnect restores it', async () => {
    const sandbox = await start();
    const scopeId = await connectScope(sandbox.url);
    expect((await postToScope(sandbox.url, scopeId, incoming('c1', 'before'))).status).toBe(200);
    const disconnect = await signedCall(sandbox.url, {
      method: 'DELETE',
      path: `/v2/origin/custom/${CHANNEL_ID}/disconnect`,
      body: { account_id: ACCOUNT_ID },
    });
    expect(disconnect.status).toBe(200);
    expect(disconnect.text).toBe('');
    expect((await postToScope(sandbox.url, scopeId, incoming('c1', 'after'))).status).toBe(404);
    const never = await signedCall(sandbox.url, {
      method: 'DELETE',
      path: `/v2/origin/custom/${CHANNEL_ID}/disconnect`,
      body: { account_id: OTHER_ACCOUNT_ID },
    });
    expect(never.status).toBe(404);
    await connectScope(sandbox.url);
    expect((await postToScope(sandbox.url, scopeId, incoming('c1', 'again'))).status).toBe(200);
  });
});

describe('chats and messages (spec 3.3, 3.4)', () => {
  it('creates a chat idempotently per conversation_id, without contact or lead', async () => {
    const sandbox = await start();
    await connectScope(sandbox.url);
    const request = {
      conversation_id: 'conv-1',
      source: { external_id: 'src-1' },
      user: { id: 'u-1', name: 'Ivan', profile: { phone: '+7900', email: 'i@x.ru' } },
    };
    const path = `/v2/origin/custom/${SCOPE_ID}/chats`;
    const first = await signedCall(sandbox.url, { method: 'POST', path, body: request });
    const second = await signedCall(sandbox.url, { method: 'POST', path, body: request });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      user: { client_id: 'u-1', name: 'Ivan', phone: '+7900', email: 'i@x.ru', avatar: '' },
    });
    expect(second.json.id).toBe(first.json.id);
    expect(sandbox.state.crm.snapshot(ACCOUNT_ID).leads).toHaveLength(0);
    expect(sandbox.state.crm.snapshot(ACCOUNT_ID).contacts).toHaveLength(0);
    // The first non-silent incoming message in that chat creates the contact and the lead, in the chat's source.
    const message = incoming('conv-1', 'hello', { sender: { id: 'u-1', name: 'Ivan' } });
    const sent = await postToScope(sandbox.url, SCOPE_ID, message);
    expect(sent.json.new_message.conversation_id).toBe(first.json.id);
    const snapshot = sandbox.state.crm.snapshot(ACCOUNT_ID);
    expect(snapshot.leads).toHaveLength(1);
    expect(snapshot.leads[0]).toMatchObject({ chatId: first.json.id });
    expect(sandbox.state.chats.get(first.json.id)!.sourceExternalId).toBe('src-1');
  });

  it('creates a chat, contact and lead for the first non-silent message only; silent imports create none', async () => {
    const sandbox = await start();
    await connectScope(sandbox.url);
    await postToScope(sandbox.url, SCOPE_ID, incoming('imported', 'old', { silent: true }));
    expect(sandbox.state.crm.snapshot(ACCOUNT_ID).leads).toHaveLength(0);
    const a = await postToScope(sandbox.url, SCOPE_ID, incoming('live', 'one'));
    await postToScope(sandbox.url, SCOPE_ID, incoming('live', 'two'));
    expect(a.status).toBe(200);
    expect(a.json.new_message).toMatchObject({ ref_id: expect.any(String), receiver_id: null });
    expect(a.json.new_message.sender_id).toBe(sandbox.state.clientByClientId(SCOPE_ID, 'client-of-live')!.id);
    expect(sandbox.state.crm.snapshot(ACCOUNT_ID).leads).toHaveLength(1);
    const chats = (await control(sandbox.url, 'GET', '/chats')).json;
    expect(chats.map((c: { conversationId: string }) => c.conversationId).sort()).toEqual(['imported', 'live']);
    const live = chats.find((c: { conversationId: string }) => c.conversationId === 'live');
    expect(live.unread).toBe(2);
  });

  it('stores outgoing messages as a manager or as the bot, and never echoes them as hooks', async () => {
    const receiver: HookReceiver = await startHookReceiver();
    open.push(receiver);
    const sandbox = await start({ hookUrl: `${receiver.url}/hooks/:scope_id` });
    await connectScope(sandbox.url);
    await postToScope(sandbox.url, SCOPE_ID, incoming('conv-out', 'hi'));
    const client = { id: 'client-of-conv-out', name: 'Client' };
    const asManager = await postToScope(
      sandbox.url,
      SCOPE_ID,
      incoming('conv-out', 'from phone', {
        sender: { id: 'mgr-1', name: 'Manager', ref_id: MANAGER_ID },
        receiver: client,
      }),
    );
    const asBot = await postToScope(
      sandbox.url,
      SCOPE_ID,
      incoming('conv-out', 'from bot', {
        sender: { id: 'bot', name: 'Bot', ref_id: BOT_ID },
        receiver: client,
      }),
    );
    expect(asManager.json.new_message.sender_id).toBe(MANAGER_ID);
    expect(asBot.json.new_message.sender_id).toBe(BOT_ID);
    expect(asBot.json.new_message.receiver_id).toBe(sandbox.state.clientByClientId(SCOPE_ID, client.id)!.id);
    const chatId = asManager.json.new_message.conversation_id;
    const messages = (await control(sandbox.url, 'GET', `/chats/${chatId}/messages`)).json;
    expect(
      messages.map((m: { direction: string; author: { kind: string } }) => `${m.direction}:${m.author.kind}`),
    ).toEqual(['in:client', 'out:manager', 'out:bot']);
    expect(sandbox.state.hooks()).toHaveLength(0);
    expect(receiver.received).toHaveLength(0);
  });

  it('edits a message by amojo id and by msgid, and renames its msgid when both are given', async () => {
    const sandbox = await start();
    await connectScope(sandbox.url);
    const original = incoming('conv-edit', 'first');
    const sent = await postToScope(sandbox.url, SCOPE_ID, original);
    const amojoId = sent.json.new_message.msgid;
    const edit = (payload: Record<string, unknown>) =>
      postToScope(sandbox.url, SCOPE_ID, {
        event_type: 'edit_message',
        payload: { timestamp: 1, msec_timestamp: 1000, conversation_id: 'conv-edit', ...payload },
      });
    const byMsgid = await edit({ msgid: original.payload.msgid, message: { type: 'text', text: 'second' } });
    expect(byMsgid.status).toBe(200);
    expect(byMsgid.json.new_message.msgid).toBe(amojoId);
    const byIdRename = await edit({ id: amojoId, msgid: 'renamed', message: { type: 'text', text: 'third' } });
    expect(byIdRename.json.new_message.ref_id).toBe('renamed');
    const m = sandbox.state.messages.get(amojoId)!;
    expect(m).toMatchObject({ text: 'third', edited: true, clientMsgId: 'renamed' });
    const unknown = await edit({ msgid: 'never-sent', message: { type: 'text', text: 'x' } });
    expect(unknown.status).toBe(404);
  });

  it('stores comments with their post, and quotes (reply_to, forwards)', async () => {
    const sandbox = await start();
    await connectScope(sandbox.url);
    const post = { id: 'post-1', url: 'https://example.com/p/1', caption: 'A post' };
    const comment = await postToScope(
      sandbox.url,
      SCOPE_ID,
      incoming('conv-c', 'nice post', { message: { type: 'text', text: 'nice post', post } }),
    );
    const reply = await postToScope(
      sandbox.url,
      SCOPE_ID,
      incoming('conv-c', 'quoting', { reply_to: { message: { id: comment.json.new_message.msgid } } }),
    );
    const forward = await postToScope(
      sandbox.url,
      SCOPE_ID,
      incoming('conv-d', 'fwd', { forwards: { messages: [{ id: comment.json.new_message.msgid }] } }),
    );
    expect(sandbox.state.messages.get(comment.json.new_message.msgid)!.post).toEqual(post);
    expect(sandbox.state.messages.get(reply.json.new_message.msgid)!.replyTo).toMatchObject({
      id: comment.json.new_message.msgid,
      text: 'nice post',
    });
    expect(sandbox.state.messages.get(forward.json.new_message.msgid)!.forwards!.messages[0]).toMatchObject({
      text: 'nice post',
    });
  });
});

describe('delivery status (spec 3.5)', () => {
  async function managerMessage(sandbox: Sandbox) {
    await connectScope(sandbox.url);
    const first = await postToScope(sandbox.url, SCOPE_ID, incoming('conv-ds', 'hi'));
    const chatId = first.json.new_message.conversation_id;
    const sent = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'reply' });
    return sent.json.messages[0].id as string;
  }
  const status = (sandbox: Sandbox, id: string, body: object) =>
    signedCall(sandbox.url, { method: 'POST', path: `/v2/origin/custom/${SCOPE_ID}/${id}/delivery_status`, body });

  it('accepts both body shapes, prefers status_code, and checks error codes', async () => {
    const sandbox = await start();
    const id = await managerMessage(sandbox);
    expect((await status(sandbox, id, { msgid: id, delivery_status: 1 })).status).toBe(200);
    expect(sandbox.state.messages.get(id)!.status).toBe('delivered');
    expect((await status(sandbox, id, { status_code: 2, delivery_status: 1 })).status).toBe(200);
    expect(sandbox.state.messages.get(id)!.status).toBe('read');
    const noCode = await status(sandbox, id, { status_code: -1 });
    expect(noCode.status).toBe(400);
    expect(noCode.json.error_description).toContain('error_code');
    const badCode = await status(sandbox, id, { status_code: -1, error_code: 900 });
    expect(badCode.status).toBe(400);
    const noText = await status(sandbox, id, { status_code: -1, error_code: 905 });
    expect(noText.json.error_description).toContain('error');
    expect(noText.status).toBe(400);
    const wrongMsgid = await status(sandbox, id, { msgid: 'other', delivery_status: 1 });
    expect(wrongMsgid.status).toBe(400);
    expect((await status(sandbox, id, { status_code: -1, error_code: 904 })).status).toBe(200);
    const view = (await control(sandbox.url, 'GET', `/chats/${sandbox.state.messages.get(id)!.chatId}/messages`))
      .json[1];
    expect(view).toMatchObject({ status: 'error', error: { code: 904 } });
    const incomingId = [...sandbox.state.messages.values()].find((m) => m.direction === 'in')!.id;
    const onIncoming = await status(sandbox, incomingId, { status_code: 1 });
    expect(onIncoming.status).toBe(400);
    expect(onIncoming.json.error_description).toContain('outgoing');
    const missing = await status(sandbox, '00000000-0000-4000-8000-000000000000', { status_code: 1 });
    expect(missing.status).toBe(404);
  });
});

describe('history (spec 3.6)', () => {
  it('pages newest first, validates limit, answers 204 for unknown or foreign chats', async () => {
    const sandbox = await start();
    await connectScope(sandbox.url);
    let chatId = '';
    for (let i = 1; i <= 5; i += 1) {
      const body = incoming('conv-h', `m${i}`);
      body.payload.msec_timestamp = 1_700_000_000_000 + i * 1000;
      body.payload.timestamp = Math.floor(body.payload.msec_timestamp / 1000);
      chatId = (await postToScope(sandbox.url, SCOPE_ID, body)).json.new_message.conversation_id;
    }
    const path = `/v2/origin/custom/${SCOPE_ID}/chats/${chatId}/history`;
    const page = await signedCall(sandbox.url, { method: 'GET', path, query: '?offset=1&limit=2' });
    expect(page.status).toBe(200);
    expect(page.json.messages.map((m: { message: { text: string } }) => m.message.text)).toEqual(['m4', 'm3']);
    expect(page.json.messages[0]).toMatchObject({
      timestamp: 1_700_000_004,
      msec_timestamp: 1_700_000_004_000,
      sender: { client_id: 'client-of-conv-h', name: 'Client', phone: '+79990001122' },
      message: { type: 'text', media: '', thumbnail: '', file_name: '', file_size: 0 },
    });
    expect(page.json.messages[0].receiver).toBeUndefined();
    for (const limit of ['0', '51', 'x']) {
      const bad = await signedCall(sandbox.url, { method: 'GET', path, query: `?limit=${limit}` });
      expect(bad.status, limit).toBe(400);
    }
    expect((await signedCall(sandbox.url, { method: 'GET', path, query: '?offset=5' })).status).toBe(204);
    const unknown = await signedCall(sandbox.url, {
      method: 'GET',
      path: `/v2/origin/custom/${SCOPE_ID}/chats/nope/history`,
    });
    expect(unknown.status).toBe(204);
    // The same chat read through another account's scope of the channel: not readable.
    await connectScope(sandbox.url, OTHER_ACCOUNT_ID);
    const foreign = await signedCall(sandbox.url, {
      method: 'GET',
      path: `/v2/origin/custom/${CHANNEL_ID}_${OTHER_ACCOUNT_ID}/chats/${chatId}/history`,
    });
    expect(foreign.status).toBe(204);
  });
});

describe('typing and reactions (spec 3.7, 3.8)', () => {
  it('marks the client typing (204) and refuses unknown chats', async () => {
    const sandbox = await start();
    await connectScope(sandbox.url);
    const sent = await postToScope(sandbox.url, SCOPE_ID, incoming('conv-t', 'hi'));
    const events: unknown[] = [];
    sandbox.state.subscribe((e) => events.push(e));
    const path = `/v2/origin/custom/${SCOPE_ID}/typing`;
    const ok = await signedCall(sandbox.url, {
      method: 'POST',
      path,
      body: { conversation_id: 'conv-t', sender: { id: 'client-of-conv-t' }, duration_ms: 3000 },
    });
    expect(ok.status).toBe(204);
    expect(ok.text).toBe('');
    const chatId = sent.json.new_message.conversation_id;
    expect(events).toContainEqual({ type: 'typing', chatId, until: expect.any(Number) });
    expect(sandbox.state.chats.get(chatId)!.typingUntil).toBeGreaterThan(Date.now());
    const unknown = await signedCall(sandbox.url, {
      method: 'POST',
      path,
      body: { conversation_id: 'nope', sender: { id: 'x' } },
    });
    expect(unknown.status).toBe(404);
    const invalid = await signedCall(sandbox.url, { method: 'POST', path, body: { sender: { id: 'x' } } });
    expect(invalid.status).toBe(400);
  });

  it('sets and removes reactions within the declared set', async () => {
    const sandbox = await start();
    await connectScope(sandbox.url);
    const sent = await postToScope(sandbox.url, SCOPE_ID, incoming('conv-r', 'hi'));
    const id = sent.json.new_message.msgid;
    const path = `/v2/origin/custom/${SCOPE_ID}/react`;
    const react = (body: object) => signedCall(sandbox.url, { method: 'POST', path, body });
    const base = { conversation_id: 'conv-r', id, user: { id: 'client-of-conv-r' } };
    const ok = await react({ ...base, type: 'react', emoji: '👍' });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    expect(sandbox.state.messages.get(id)!.reactions).toEqual([
      { emoji: '👍', by: expect.any(String), byKind: 'client' },
    ]);
    const notDeclared = await react({ ...base, type: 'react', emoji: '🦄' });
    expect(notDeclared.status).toBe(400);
    expect(notDeclared.json.error_description).toContain('declared');
    const manager = await react({
      conversation_id: 'conv-r',
      id,
      user: { ref_id: MANAGER_ID },
      type: 'react',
      emoji: '❤️',
    });
    expect(manager.status).toBe(200);
    expect(sandbox.state.messages.get(id)!.reactions).toHaveLength(2);
    expect((await react({ ...base, type: 'unreact' })).status).toBe(200);
    expect(sandbox.state.messages.get(id)!.reactions).toEqual([{ emoji: '❤️', by: MANAGER_ID, byKind: 'manager' }]);
    const unknown = await react({ ...base, id: '00000000-0000-4000-8000-000000000000', type: 'react', emoji: '👍' });
    expect(unknown.status).toBe(404);
    expect((await react({ ...base, type: 'like' })).status).toBe(400);
  });
});

describe('unknown Chats API paths', () => {
  it('answers the amojo envelope, not a framework error', async () => {
    const sandbox = await start();
    const result = await signedCall(sandbox.url, { method: 'GET', path: `/v2/origin/custom/${SCOPE_ID}/nothing/here` });
    expect(result.status).toBe(404);
    expect(result.json).toMatchObject({ status: 0, error_code: 404, error_type: 'NOT_FOUND' });
  });
});
