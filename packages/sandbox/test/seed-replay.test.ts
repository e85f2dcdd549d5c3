import { readFileSync } from 'node:fs';
import { type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { control } from './fixtures/helpers.js';

interface SeedRequest {
  id: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body_json: string;
  response: { status: number; body: unknown };
}
const seed = JSON.parse(readFileSync(new URL('./fixtures/seed-examples.json', import.meta.url), 'utf8')) as {
  channel: { id: string; secret: string; account_amojo_id: string; scope_id: string };
  amojo_requests: SeedRequest[];
};
const vector = (id: string): SeedRequest => seed.amojo_requests.find((r) => r.id === id)!;

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

async function seedSandbox(): Promise<Sandbox> {
  const sandbox = await startSandbox({
    channels: [{ id: seed.channel.id, secret: seed.channel.secret, name: 'ChatsIntegration', reactions: ['👍'] }],
    accounts: [
      {
        amojoId: seed.channel.account_amojo_id,
        id: 29420011,
        subdomain: 'seed',
        users: [{ id: 1, name: 'Manager', amojoId: '76fc2bea-902f-425c-9a3d-dcdac4766090' }],
      },
    ],
    integrations: [],
    // The seed's Date headers are from December 2021.
    maxDateSkewSeconds: 10 * 365 * 24 * 3600,
  });
  sandboxes.push(sandbox);
  return sandbox;
}

/** Replays a seed vector byte for byte: its body_json and its headers, unchanged. */
async function replay(sandbox: Sandbox, v: SeedRequest, mutate?: (body: string) => string) {
  const response = await fetch(`${sandbox.url}${v.path}`, {
    method: v.method,
    headers: v.headers,
    body: mutate ? mutate(v.body_json) : v.body_json,
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : undefined, headers: response.headers };
}

// One byte changed, same length: the Content-MD5 no longer matches the body.
const flipOneByte = (body: string): string => {
  const i = body.indexOf('"') + 1;
  return body.slice(0, i) + (body[i] === 'a' ? 'b' : 'a') + body.slice(i + 1);
};

describe('replaying the seed requests', () => {
  it('answers every seed request as documented, in a sensible order', async () => {
    const sandbox = await seedSandbox();

    const connect = await replay(sandbox, vector('connect'));
    expect(connect.status).toBe(200);
    expect(connect.json).toMatchObject(vector('connect').response.body as object);
    expect(connect.json.scope_id).toBe(seed.channel.scope_id);

    const createChat = await replay(sandbox, vector('create_chat'));
    expect(createChat.status).toBe(200);
    expect(createChat.json.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(createChat.json.user).toMatchObject({
      client_id: 'my_int-1376265f-86df-4c49-a0c3-a4816df41af9',
      name: 'Имя клиента',
      avatar: 'https://example.com/users/avatar.png',
    });

    const first = await replay(sandbox, vector('new_message_incoming'));
    expect(first.status).toBe(200);
    expect(first.json.new_message.ref_id).toBe('my_int-5f2836a8ca481');
    expect(first.json.new_message.msgid).toMatch(/^[0-9a-f-]{36}$/);
    // The message arrived with the seed's Cyrillic text decoded from PHP's \u escapes, and created contact + lead.
    const chats = (await control(sandbox.url, 'GET', '/chats')).json;
    expect(chats).toHaveLength(1);
    expect(chats[0]).toMatchObject({ conversationId: 'my_int-d5a421f7f218', lastMessageText: 'Сообщение от клиента' });
    expect(chats[0].contactId).toEqual(expect.any(Number));
    expect(chats[0].leadId).toEqual(expect.any(Number));

    // The seed reuses the first message's msgid; in one scope that is the documented refusal (sandbox: 400).
    const again = await replay(sandbox, vector('new_message_with_source'));
    expect(again.status).toBe(400);
    expect(again.json.error_type).toBe('DUPLICATE_MSGID');

    const typing = await replay(sandbox, vector('typing'));
    expect(typing.status).toBe(204);
    expect(typing.text).toBe('');

    // The seed's delivery status names a message id of the seed author's account, which does not exist here: the
    // signature is accepted (otherwise 403) and the documented "message does not exist" answer comes back.
    const unknownStatus = await replay(sandbox, vector('delivery_status'));
    expect(unknownStatus.status).toBe(404);
    expect(unknownStatus.json).toMatchObject({ status: 0, error_code: 404 });

    const disconnect = await replay(sandbox, vector('disconnect'));
    expect(disconnect.status).toBe(200);
    expect(disconnect.text).toBe('');
    // After disconnect the scope is gone: the typing vector, still correctly signed, gets the 404 envelope.
    const afterDisconnect = await replay(sandbox, vector('typing'));
    expect(afterDisconnect.status).toBe(404);
    expect(afterDisconnect.json.error_type).toBe('ORIGIN_NOT_REGISTERED');
  });

  it('accepts the message with a source in a fresh scope and tags the chat with it', async () => {
    const sandbox = await seedSandbox();
    expect((await replay(sandbox, vector('connect'))).status).toBe(200);
    const withSource = await replay(sandbox, vector('new_message_with_source'));
    expect(withSource.status).toBe(200);
    expect(withSource.json.new_message.ref_id).toBe('my_int-5f2836a8ca481');
    const [chat] = (await control(sandbox.url, 'GET', '/chats')).json;
    expect(chat.sourceExternalId).toBe('79039876543');
  });

  it('answers 200 to the seed delivery status once a manager message with that id exists', async () => {
    // The meaningful check is that the seed's signed body (older msgid + delivery_status shape) is accepted and
    // applied. Its path names a fixed amojo id, so the test plants a manager message under that id: it posts the
    // manager's reply through the control API, then renames that record to the seed's id in the state.
    const sandbox = await seedSandbox();
    await replay(sandbox, vector('connect'));
    await replay(sandbox, vector('new_message_incoming'));
    const [chat] = (await control(sandbox.url, 'GET', '/chats')).json;
    const sent = await control(sandbox.url, 'POST', `/chats/${chat.id}/messages`, { text: 'Manager reply' });
    expect(sent.status).toBe(200);
    const record = sandbox.state.messages.get(sent.json.messages[0].id)!;
    const seedMsgId = '079e44fb-fc22-476b-9e8a-421b688ec53b';
    sandbox.state.messages.delete(record.id);
    sandbox.state.messages.set(seedMsgId, { ...record, id: seedMsgId });

    const status = await replay(sandbox, vector('delivery_status'));
    expect(status.status).toBe(200);
    expect(status.text).toBe('');
    // delivery_status 2 = read; the error fields are ignored for a non-error status.
    expect(sandbox.state.messages.get(seedMsgId)!.status).toBe('read');
  });

  it('refuses every seed request with one body byte changed: 403 ORIGIN_INVALID_SIGNATURE', async () => {
    const sandbox = await seedSandbox();
    await replay(sandbox, vector('connect'));
    for (const id of [
      'connect',
      'create_chat',
      'new_message_incoming',
      'new_message_with_source',
      'delivery_status',
      'typing',
      'disconnect',
    ]) {
      const result = await replay(sandbox, vector(id), flipOneByte);
      expect(result.status, id).toBe(403);
      expect(result.json, id).toEqual({
        status: 0,
        error_code: 403,
        error_type: 'ORIGIN_INVALID_SIGNATURE',
        error_description: 'invalid signature',
      });
      expect(result.headers.get('x-sandbox-reason'), id).toMatch(/^content-md5-mismatch/);
    }
    // Nothing was applied: still connected, no chat.
    expect((await control(sandbox.url, 'GET', '/chats')).json).toEqual([]);
    expect((await control(sandbox.url, 'GET', '/config')).json.scopes[0].connected).toBe(true);
  });
});
