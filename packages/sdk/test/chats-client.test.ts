import { inspect } from 'node:util';
import {
  AMOJO_BASE_URL_COM,
  AMOJO_BASE_URL_KOMMO,
  AMOJO_BASE_URL_RU,
  AmojoApiError,
  AmojoClient,
  type AmojoClientOptions,
  AmojoInputError,
  AmojoNetworkError,
  AmojoTimeoutError,
  formatRfc2822,
  isDuplicateMsgidError,
  md5Hex,
  type SendMessageOptions,
  verifyRequest,
} from '@amojo-bridge/sdk';
import { SEED } from '@amojo-bridge/sdk/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, type RecordedRequest, type RecordingServer, startRecordingServer } from './recording-server.js';

const SECRET = SEED.channelSecret;
const CHANNEL = SEED.channelId;
const SCOPE = SEED.scopeId;
const ROOT = '/v2/origin/custom';

let server: RecordingServer;
let sleeps: number[];
let clock: Date;

beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  server.fallback = { status: 200, body: {} };
  sleeps = [];
  clock = new Date('2021-12-16T13:15:29Z');
});

function client(extra: Partial<AmojoClientOptions> = {}): AmojoClient {
  return new AmojoClient({
    channelId: CHANNEL,
    channelSecret: SECRET,
    baseUrl: server.baseUrl,
    now: () => clock,
    retry: {
      // Recorded instead of waited for, so retry tests are instant and can assert the delays.
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    },
    ...extra,
  });
}

function only(): RecordedRequest {
  expect(server.requests).toHaveLength(1);
  return server.requests[0]!;
}

/** The four signed headers verify against what the server received (method, raw path, raw body). */
function expectSigned(req: RecordedRequest, now = clock): void {
  expect(req.headers['content-type']).toBe('application/json');
  expect(req.headers['content-md5']).toBe(md5Hex(req.body));
  expect(req.headers.date).toBe(formatRfc2822(now));
  expect(
    verifyRequest({ method: req.method, path: req.url, headers: req.headers, body: req.body, secret: SECRET, now }),
  ).toEqual({ ok: true });
}

const client1 = { id: SEED.clientId, name: 'Вася клиент' };
const newMessageAnswer = { status: 200, body: { new_message: { msgid: 'amojo-msg-1', ref_id: 'm-1' } } };

describe('AmojoClient construction', () => {
  it('exports the three documented hosts and defaults to amojo.amocrm.ru', () => {
    expect(AMOJO_BASE_URL_RU).toBe('https://amojo.amocrm.ru');
    expect(AMOJO_BASE_URL_COM).toBe('https://amojo.amocrm.com');
    expect(AMOJO_BASE_URL_KOMMO).toBe('https://amojo.kommo.com');
    expect(new AmojoClient({ channelId: CHANNEL, channelSecret: SECRET }).baseUrl).toBe(AMOJO_BASE_URL_RU);
    expect(new AmojoClient({ channelId: CHANNEL, channelSecret: SECRET, baseUrl: 'http://h:1/x/' }).baseUrl).toBe(
      'http://h:1/x',
    );
  });

  it('refuses a missing secret or a channel id that cannot go into a path, naming the field', () => {
    expect(() => new AmojoClient({ channelId: CHANNEL, channelSecret: '' })).toThrow(
      expect.objectContaining({ name: 'AmojoInputError', path: 'channelSecret' }),
    );
    expect(() => new AmojoClient({ channelId: 'a/b', channelSecret: SECRET })).toThrow(
      expect.objectContaining({ path: 'channelId' }),
    );
    expect(() => new AmojoClient({ channelId: CHANNEL, channelSecret: SECRET, baseUrl: 'ftp://x' })).toThrow(
      expect.objectContaining({ path: 'baseUrl' }),
    );
  });

  it('never shows the secret when the client is inspected or serialised', () => {
    const c = client();
    expect(inspect(c, { depth: 5 })).not.toContain(SECRET);
    expect(JSON.stringify(c)).not.toContain(SECRET);
  });

  it('computes scope ids and refuses a scope of another channel', async () => {
    const c = client();
    expect(c.scopeIdFor(SEED.accountId)).toBe(SCOPE);
    await expect(c.typing(`other_${SEED.accountId}`, { conversationId: 'c', senderId: 's' })).rejects.toMatchObject({
      path: 'scopeId',
    });
    expect(server.requests).toHaveLength(0);
  });
});

describe('connect / disconnect', () => {
  it('connect reproduces the seed request byte for byte (body, Content-MD5, X-Signature)', async () => {
    clock = new Date('2021-12-15T23:12:55Z');
    server.reply({
      status: 200,
      body: { account_id: SEED.accountId, scope_id: SCOPE, title: 'ChatsIntegration', hook_api_version: 'v2' },
    });
    const result = await client().connect({ accountId: SEED.accountId, title: 'ChatsIntegration' });
    expect(result).toMatchObject({
      scopeId: SCOPE,
      accountId: SEED.accountId,
      title: 'ChatsIntegration',
      hookApiVersion: 'v2',
    });
    const req = only();
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`${ROOT}/${CHANNEL}/connect`);
    expect(req.body).toBe(
      '{"account_id":"52e591f7-c98f-4255-8495-827210138c81","title":"ChatsIntegration","hook_api_version":"v2"}',
    );
    expect(req.headers.date).toBe('Wed, 15 Dec 2021 23:12:55 +0000');
    expect(req.headers['content-md5']).toBe('2fbcb3c652b61e24e004daddfc73d0ce');
    expect(req.headers['x-signature']).toBe('81211856ce0c5095f3e1a90c0a38dc9d736cfd55');
    expectSigned(req);
  });

  it('connect sends hook_api_version v2 by default and the time-window flag when given', async () => {
    server.reply({
      status: 200,
      body: { account_id: 'a', scope_id: `${CHANNEL}_a`, title: 'T', hook_api_version: 'v2' },
    });
    await client().connect({ accountId: 'a', isTimeWindowDisabled: true });
    expect(JSON.parse(only().body)).toEqual({ account_id: 'a', hook_api_version: 'v2', is_time_window_disabled: true });
  });

  it('connect refuses an answer without scope_id', async () => {
    server.reply({ status: 200, body: { account_id: 'a' } });
    await expect(client().connect({ accountId: 'a' })).rejects.toMatchObject({ errorType: 'INVALID_RESPONSE' });
  });

  it('disconnect is a DELETE with a signed JSON body and reproduces the seed vector', async () => {
    clock = new Date('2021-12-15T23:59:28Z');
    server.reply({ status: 200 });
    await client().disconnect({ accountId: SEED.accountId });
    const req = only();
    expect(req.method).toBe('DELETE');
    expect(req.url).toBe(`${ROOT}/${CHANNEL}/disconnect`);
    expect(req.body).toBe('{"account_id":"52e591f7-c98f-4255-8495-827210138c81"}');
    expect(req.headers['x-signature']).toBe('e1678e3b6aa674b5127f4feb448e6200ce0bfc72');
    expectSigned(req);
  });
});

describe('createChat', () => {
  const user = {
    id: 'my_int-1376265f-86df-4c49-a0c3-a4816df41af9',
    name: 'Имя клиента',
    avatar: 'https://example.com/users/avatar.png',
    profile: { phone: '+79151112233', email: 'example.client@example.com' },
    profileLink: 'https://example.com/profile/example.client',
  };

  it('sends conversation_id, source and user, and reads the seed answer (profile-nested phone)', async () => {
    server.reply({
      status: 200,
      body: {
        id: '31d43a78-e09d-46ae-8994-7e93560169b8',
        user: {
          id: '7c7330cd-c0ee-45a5-bd62-643a3a8225e8',
          client_id: user.id,
          name: 'Имя клиента',
          profile: { phone: '79151112233', email: 'example.client@example.com' },
        },
      },
    });
    const result = await client().createChat(SCOPE, {
      conversationId: 'my_int-8e3e7640-49af-4448-a2c6-d5a421f7f217',
      user,
      sourceExternalId: '78001234567',
    });
    expect(result).toMatchObject({
      amojoChatId: '31d43a78-e09d-46ae-8994-7e93560169b8',
      amojoUserId: '7c7330cd-c0ee-45a5-bd62-643a3a8225e8',
      phone: '79151112233',
      email: 'example.client@example.com',
    });
    const req = only();
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`${ROOT}/${SCOPE}/chats`);
    expect(JSON.parse(req.body)).toEqual({
      conversation_id: 'my_int-8e3e7640-49af-4448-a2c6-d5a421f7f217',
      source: { external_id: '78001234567' },
      user: {
        id: user.id,
        name: 'Имя клиента',
        avatar: 'https://example.com/users/avatar.png',
        profile: { phone: '+79151112233', email: 'example.client@example.com' },
        profile_link: 'https://example.com/profile/example.client',
      },
    });
    expectSigned(req);
  });

  it('reads the reference answer shape (flat phone/email)', async () => {
    server.reply({ status: 200, body: { id: 'chat-1', user: { id: 'u-1', name: 'N', phone: '+7900', email: 'e@x' } } });
    const result = await client().createChat(SCOPE, { conversationId: 'c-1', user: { id: 'u', name: 'N' } });
    expect(result).toMatchObject({ amojoChatId: 'chat-1', phone: '+7900', email: 'e@x' });
    expect(JSON.parse(only().body)).toEqual({ conversation_id: 'c-1', user: { id: 'u', name: 'N' } });
  });

  it('validates the user before sending', async () => {
    await expect(
      client().createChat(SCOPE, { conversationId: 'c', user: { id: 'u', name: '' } }),
    ).rejects.toMatchObject({
      name: 'AmojoInputError',
      path: 'user.name',
    });
    await expect(
      client().createChat(SCOPE, { conversationId: 'c', user: { id: 'u', name: 'N', avatar: 'not a url' } }),
    ).rejects.toMatchObject({ path: 'user.avatar' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('sendMessage', () => {
  const base: SendMessageOptions = {
    msgid: 'm-1',
    conversationId: 'conv-1',
    msecTimestamp: 1639660529379,
    sender: client1,
    message: { type: 'text', text: 'Сообщение от клиента' },
  };

  it('sends an incoming text message with timestamps, silent=false and the exact body bytes', async () => {
    server.reply(newMessageAnswer);
    const sent = await client().sendMessage(SCOPE, base);
    expect(sent).toMatchObject({ amojoMsgId: 'amojo-msg-1', msgid: 'm-1' });
    const req = only();
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`${ROOT}/${SCOPE}`);
    expect(req.body).toBe(
      JSON.stringify({
        event_type: 'new_message',
        payload: {
          timestamp: 1639660529,
          msec_timestamp: 1639660529379,
          msgid: 'm-1',
          conversation_id: 'conv-1',
          silent: false,
          sender: { id: SEED.clientId, name: 'Вася клиент' },
          message: { type: 'text', text: 'Сообщение от клиента' },
        },
      }),
    );
    expectSigned(req);
  });

  it('defaults the timestamps to the injected clock', async () => {
    server.reply(newMessageAnswer);
    const { msecTimestamp: _, ...noTime } = base;
    await client().sendMessage(SCOPE, noTime);
    const payload = JSON.parse(only().body).payload;
    expect(payload.msec_timestamp).toBe(clock.getTime());
    expect(payload.timestamp).toBe(Math.floor(clock.getTime() / 1000));
  });

  it('sends an outgoing message as a manager (sender.ref_id + receiver), silent import', async () => {
    server.reply(newMessageAnswer);
    await client().sendMessage(SCOPE, {
      ...base,
      silent: true,
      sender: { id: 'my_int-manager1', name: 'Manager', refId: SEED.managerAmojoId },
      receiver: { id: SEED.clientId, name: 'Client', profile: { phone: '+79151112233' } },
    });
    const payload = JSON.parse(only().body).payload;
    expect(payload.silent).toBe(true);
    expect(payload.sender).toEqual({ id: 'my_int-manager1', ref_id: SEED.managerAmojoId, name: 'Manager' });
    expect(payload.receiver).toEqual({ id: SEED.clientId, name: 'Client', profile: { phone: '+79151112233' } });
  });

  it('sends an outgoing message as the channel bot', async () => {
    server.reply(newMessageAnswer);
    await client().sendMessage(SCOPE, {
      ...base,
      sender: { id: 'bot', name: 'Channel bot', refId: 'bot-amojo-id' },
      receiver: { id: SEED.clientId, name: 'Client' },
    });
    expect(JSON.parse(only().body).payload.sender).toEqual({ id: 'bot', ref_id: 'bot-amojo-id', name: 'Channel bot' });
  });

  it('refuses an outgoing message whose sender has no refId', async () => {
    await expect(
      client().sendMessage(SCOPE, { ...base, receiver: { id: SEED.clientId, name: 'Client' } }),
    ).rejects.toMatchObject({ name: 'AmojoInputError', path: 'sender.refId' });
    expect(server.requests).toHaveLength(0);
  });

  it('binds a "write first" chat with conversation_ref_id and sender.ref_id, and a source', async () => {
    server.reply(newMessageAnswer);
    await client().sendMessage(SCOPE, {
      ...base,
      conversationRefId: SEED.amojoChatId,
      sender: { ...client1, refId: SEED.clientAmojoId },
      sourceExternalId: SEED.sourceExternalId,
    });
    const payload = JSON.parse(only().body).payload;
    expect(payload.conversation_id).toBe('conv-1');
    expect(payload.conversation_ref_id).toBe(SEED.amojoChatId);
    expect(payload.sender.ref_id).toBe(SEED.clientAmojoId);
    expect(payload.source).toEqual({ external_id: SEED.sourceExternalId });
  });

  it('refuses a binding without sender.refId and a source id longer than 40 characters', async () => {
    await expect(client().sendMessage(SCOPE, { ...base, conversationRefId: 'chat' })).rejects.toMatchObject({
      path: 'sender.refId',
    });
    await expect(client().sendMessage(SCOPE, { ...base, sourceExternalId: 'x'.repeat(41) })).rejects.toMatchObject({
      path: 'sourceExternalId',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('requires msgid: the caller chooses it once so retries are safe', async () => {
    const { msgid: _, ...noMsgid } = base;
    await expect(client().sendMessage(SCOPE, noMsgid as SendMessageOptions)).rejects.toMatchObject({
      name: 'AmojoInputError',
      path: 'msgid',
    });
    expect(server.requests).toHaveLength(0);
  });

  const media = 'https://example.com/f/1.bin';
  const types: [string, SendMessageOptions['message'], object][] = [
    ['text', { type: 'text', text: 'hi' }, { type: 'text', text: 'hi' }],
    [
      'picture',
      { type: 'picture', media, fileName: 'p.jpg', fileSize: 1200, text: 'caption' },
      { type: 'picture', text: 'caption', media, file_name: 'p.jpg', file_size: 1200 },
    ],
    [
      'video',
      { type: 'video', media, fileName: 'v.mp4', fileSize: 9, mediaDuration: 12 },
      { type: 'video', media, file_name: 'v.mp4', file_size: 9, media_duration: 12 },
    ],
    [
      'file',
      { type: 'file', media, fileName: 'a.pdf', fileSize: 0 },
      { type: 'file', media, file_name: 'a.pdf', file_size: 0 },
    ],
    ['voice', { type: 'voice', media, mediaDuration: 3 }, { type: 'voice', media, media_duration: 3 }],
    ['audio', { type: 'audio', media }, { type: 'audio', media }],
    ['sticker', { type: 'sticker', media, stickerId: 's-1' }, { type: 'sticker', media, sticker_id: 's-1' }],
    [
      'location',
      { type: 'location', location: { lon: 37.61, lat: 55.75 } },
      { type: 'location', location: { lon: 37.61, lat: 55.75 } },
    ],
    [
      'contact',
      { type: 'contact', contact: { name: 'Ann', phone: '+100' } },
      { type: 'contact', contact: { name: 'Ann', phone: '+100' } },
    ],
    [
      'text with callback_data and shared_post',
      {
        type: 'text',
        text: 'Option 2',
        callbackData: 'row-2',
        sharedPost: { url: 'https://e.com/p', previewPermalink: 'https://e.com/i.png', siteName: 'E' },
      },
      {
        type: 'text',
        text: 'Option 2',
        callback_data: 'row-2',
        shared_post: { url: 'https://e.com/p', preview_permalink: 'https://e.com/i.png', type: 'post', site_name: 'E' },
      },
    ],
  ];
  it.each(types)('sends a %s message in wire form', async (_name, message, wire) => {
    server.reply(newMessageAnswer);
    await client().sendMessage(SCOPE, { ...base, message });
    expect(JSON.parse(only().body).payload.message).toEqual(wire);
  });

  const invalid: [string, unknown, string][] = [
    ['text without text', { type: 'text' }, 'message.text'],
    ['picture without media', { type: 'picture', fileName: 'p', fileSize: 1 }, 'message.media'],
    ['picture without fileName', { type: 'picture', media, fileSize: 1 }, 'message.fileName'],
    ['file without fileSize', { type: 'file', media, fileName: 'f' }, 'message.fileSize'],
    ['video with a fractional size', { type: 'video', media, fileName: 'v', fileSize: 1.5 }, 'message.fileSize'],
    ['voice with a relative media URL', { type: 'voice', media: '/x.ogg' }, 'message.media'],
    ['location without lat', { type: 'location', location: { lon: 1 } }, 'message.location.lat'],
    ['contact without phone', { type: 'contact', contact: { name: 'A' } }, 'message.contact.phone'],
    ['unknown type', { type: 'poll' }, 'message.type'],
  ];
  it.each(invalid)('refuses %s with the path of the field', async (_name, message, path) => {
    const error = await client()
      .sendMessage(SCOPE, { ...base, message: message as SendMessageOptions['message'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmojoInputError);
    expect((error as AmojoInputError).path).toBe(path);
    expect(server.requests).toHaveLength(0);
  });

  it('sends reply_to by amojo id and a fully described forward', async () => {
    server.reply(newMessageAnswer);
    await client().sendMessage(SCOPE, {
      ...base,
      replyTo: { amojoMsgId: 'amojo-q-1' },
      forwards: {
        conversationRefId: 'chat-2',
        messages: [{ type: 'text', text: 'fwd', msecTimestamp: 1639660000123, sender: { name: 'Someone' } }],
      },
    });
    const payload = JSON.parse(only().body).payload;
    expect(payload.reply_to).toEqual({ message: { id: 'amojo-q-1' } });
    expect(payload.forwards).toEqual({
      messages: [
        {
          type: 'text',
          text: 'fwd',
          timestamp: 1639660000,
          msec_timestamp: 1639660000123,
          sender: { name: 'Someone' },
        },
      ],
      conversation_ref_id: 'chat-2',
    });
  });

  it('refuses a quote without an id that is not fully described', async () => {
    await expect(client().sendMessage(SCOPE, { ...base, replyTo: { text: 'x' } })).rejects.toMatchObject({
      path: 'replyTo.type',
    });
    await expect(
      client().sendMessage(SCOPE, { ...base, replyTo: { type: 'text', text: 'x', msecTimestamp: 1, sender: {} } }),
    ).rejects.toMatchObject({ path: 'replyTo.sender.name' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('editMessage and sendComment', () => {
  it('edits by msgid; media fields may be omitted, delivery status travels inside message', async () => {
    server.reply(newMessageAnswer);
    await client().editMessage(SCOPE, {
      msgid: 'm-1',
      conversationId: 'conv-1',
      msecTimestamp: 1639605194102,
      message: { type: 'picture', text: 'new caption' },
      deliveryStatus: { status: -1, errorCode: 905, error: 'Too large' },
    });
    expect(JSON.parse(only().body)).toEqual({
      event_type: 'edit_message',
      payload: {
        timestamp: 1639605194,
        msec_timestamp: 1639605194102,
        msgid: 'm-1',
        conversation_id: 'conv-1',
        message: {
          type: 'picture',
          text: 'new caption',
          delivery_status: { status_code: -1, error_code: 905, error: 'Too large' },
        },
      },
    });
    expectSigned(only());
  });

  it('edits by amojo id, and needs one of the two ids', async () => {
    server.reply(newMessageAnswer);
    await client().editMessage(SCOPE, { amojoMsgId: 'a-1', conversationId: 'c', message: { type: 'text', text: 't' } });
    expect(JSON.parse(only().body).payload.id).toBe('a-1');
    await expect(
      client().editMessage(SCOPE, { conversationId: 'c', message: { type: 'text', text: 't' } }),
    ).rejects.toMatchObject({ path: 'msgid' });
  });

  it('sends a comment with its post', async () => {
    server.reply(newMessageAnswer);
    const sent = await client().sendComment(SCOPE, {
      msgid: 'cm-1',
      conversationId: 'conv-1',
      msecTimestamp: 1700000000000,
      sender: client1,
      message: { type: 'text', text: 'Nice post' },
      post: { id: 'post-1', url: 'https://e.com/p/1', username: 'author', caption: 'Caption' },
    });
    expect(sent.amojoMsgId).toBe('amojo-msg-1');
    expect(JSON.parse(only().body)).toEqual({
      event_type: 'new_message',
      payload: {
        timestamp: 1700000000,
        msec_timestamp: 1700000000000,
        msgid: 'cm-1',
        conversation_id: 'conv-1',
        silent: false,
        sender: { id: SEED.clientId, name: 'Вася клиент' },
        message: {
          type: 'text',
          text: 'Nice post',
          post: { id: 'post-1', url: 'https://e.com/p/1', username: 'author', caption: 'Caption' },
        },
      },
    });
  });

  it('refuses a comment without a post url', async () => {
    await expect(
      client().sendComment(SCOPE, {
        msgid: 'c',
        conversationId: 'c',
        sender: client1,
        message: { type: 'text', text: 't' },
        post: { id: 'p' } as { id: string; url: string },
      }),
    ).rejects.toMatchObject({ path: 'post.url' });
  });
});

describe('deliveryStatus', () => {
  const msg = '079e44fb-fc22-476b-9e8a-421b688ec53b';

  it.each([
    [{ status: 1 as const }, { msgid: msg, delivery_status: 1, status_code: 1 }],
    [{ status: 2 as const }, { msgid: msg, delivery_status: 2, status_code: 2 }],
    [
      { status: -1 as const, errorCode: 904 as const },
      { msgid: msg, delivery_status: -1, status_code: -1, error_code: 904 },
    ],
    [
      { status: -1 as const, errorCode: 905 as const, error: 'Unsupported type' },
      { msgid: msg, delivery_status: -1, status_code: -1, error_code: 905, error: 'Unsupported type' },
    ],
  ])('sends %j as msgid + delivery_status + status_code (spec 8.1)', async (options, wire) => {
    server.reply({ status: 200 });
    await client().deliveryStatus(SCOPE, msg, options);
    const req = only();
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`${ROOT}/${SCOPE}/${msg}/delivery_status`);
    expect(JSON.parse(req.body)).toEqual(wire);
    expectSigned(req);
  });

  it.each([
    ['-1 without errorCode', { status: -1 }, 'options.errorCode'],
    ['an unknown error code', { status: -1, errorCode: 906 }, 'options.errorCode'],
    ['905 without text', { status: -1, errorCode: 905 }, 'options.error'],
    ['905 with blank text', { status: -1, errorCode: 905, error: '  ' }, 'options.error'],
    ['an error code with status 2', { status: 2, errorCode: 901 }, 'options.errorCode'],
    ['status 3', { status: 3 }, 'options.status'],
  ])('refuses %s', async (_name, options, path) => {
    await expect(client().deliveryStatus(SCOPE, msg, options as { status: 1 })).rejects.toMatchObject({ path });
    expect(server.requests).toHaveLength(0);
  });
});

describe('history', () => {
  const item = (id: string) => ({ timestamp: 1, message: { id, type: 'text', text: id } });

  it('GETs with offset and limit in the query, signs md5("") and the path without query', async () => {
    server.reply({ status: 200, body: { messages: [item('a')] } });
    const items = await client().getHistory(SCOPE, 'chat-1', { offset: 10, limit: 20 });
    expect(items.map((i) => i.message.id)).toEqual(['a']);
    const req = only();
    expect(req.method).toBe('GET');
    expect(req.path).toBe(`${ROOT}/${SCOPE}/chats/chat-1/history`);
    expect(req.query.get('offset')).toBe('10');
    expect(req.query.get('limit')).toBe('20');
    expect(req.body).toBe('');
    expect(req.headers['content-md5']).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expectSigned(req);
  });

  it('defaults to offset 0 and limit 50, and 204 gives an empty list', async () => {
    server.reply({ status: 204 });
    expect(await client().getHistory(SCOPE, 'chat-1')).toEqual([]);
    expect(only().url).toBe(`${ROOT}/${SCOPE}/chats/chat-1/history?offset=0&limit=50`);
  });

  it('refuses a limit above 50 and a chat id that cannot go into a path', async () => {
    await expect(client().getHistory(SCOPE, 'chat-1', { limit: 51 })).rejects.toMatchObject({ path: 'limit' });
    await expect(client().getHistory(SCOPE, '../x')).rejects.toMatchObject({ path: 'amojoChatId' });
    expect(server.requests).toHaveLength(0);
  });

  it('iterateHistory walks every page until a short page', async () => {
    server.reply(
      { status: 200, body: { messages: [item('1'), item('2')] } },
      { status: 200, body: { messages: [item('3'), item('4')] } },
      { status: 200, body: { messages: [item('5')] } },
    );
    const ids: string[] = [];
    for await (const i of client().iterateHistory(SCOPE, 'chat-1', { pageSize: 2 })) ids.push(i.message.id);
    expect(ids).toEqual(['1', '2', '3', '4', '5']);
    expect(server.requests.map((r) => r.query.get('offset'))).toEqual(['0', '2', '4']);
    expect(server.requests.map((r) => r.query.get('limit'))).toEqual(['2', '2', '2']);
  });

  it('iterateHistory stops at a 204 page', async () => {
    server.reply({ status: 200, body: { messages: [item('1'), item('2')] } }, { status: 204 });
    const ids: string[] = [];
    for await (const i of client().iterateHistory(SCOPE, 'chat-1', { pageSize: 2 })) ids.push(i.message.id);
    expect(ids).toEqual(['1', '2']);
    expect(server.requests).toHaveLength(2);
  });
});

describe('typing and reactions', () => {
  it('typing reproduces the seed vector and sends duration_ms when given', async () => {
    clock = new Date('2021-12-16T16:01:21Z');
    server.reply({ status: 204 }, { status: 204 });
    await client().typing(SCOPE, { conversationId: 'my_int-d5a421f7f218', senderId: SEED.clientId });
    const req = server.requests[0]!;
    expect(req.url).toBe(`${ROOT}/${SCOPE}/typing`);
    expect(req.body).toBe(`{"conversation_id":"my_int-d5a421f7f218","sender":{"id":"${SEED.clientId}"}}`);
    expect(req.headers['x-signature']).toBe('e8263b1daf2b20396c02db6c8c846f95cc0f9540');
    await client().typing(SCOPE, { conversationId: 'c', senderId: 's', durationMs: 3000 });
    expect(JSON.parse(server.requests[1]!.body)).toEqual({
      conversation_id: 'c',
      sender: { id: 's' },
      duration_ms: 3000,
    });
  });

  it('react sends chat, message, user, type and emoji; unreact omits the emoji', async () => {
    server.reply({ status: 200 }, { status: 200 });
    await client().react(SCOPE, { conversationId: 'c', amojoMsgId: 'a-1', user: { refId: 'mgr' }, emoji: '😍' });
    await client().unreact(SCOPE, { conversationRefId: 'chat', msgid: 'm-1', user: { id: 'client' } });
    const [r1, r2] = server.requests;
    expect(r1!.url).toBe(`${ROOT}/${SCOPE}/react`);
    expect(JSON.parse(r1!.body)).toEqual({
      conversation_id: 'c',
      id: 'a-1',
      user: { ref_id: 'mgr' },
      type: 'react',
      emoji: '😍',
    });
    expect(JSON.parse(r2!.body)).toEqual({
      conversation_ref_id: 'chat',
      msgid: 'm-1',
      user: { id: 'client' },
      type: 'unreact',
    });
    expectSigned(r1!);
  });

  it.each([
    ['no chat id', { amojoMsgId: 'a', user: { id: 'u' }, emoji: 'x' }, 'conversationId'],
    ['no message id', { conversationId: 'c', user: { id: 'u' }, emoji: 'x' }, 'amojoMsgId'],
    ['no user id', { conversationId: 'c', amojoMsgId: 'a', user: {}, emoji: 'x' }, 'user.id'],
    ['no emoji', { conversationId: 'c', amojoMsgId: 'a', user: { id: 'u' } }, 'emoji'],
  ])('react refuses %s', async (_name, options, path) => {
    await expect(client().react(SCOPE, options as never)).rejects.toMatchObject({ path });
    expect(server.requests).toHaveLength(0);
  });
});

describe('error mapping', () => {
  const send = (c = client()) =>
    c.sendMessage(SCOPE, { msgid: 'm-1', conversationId: 'c', sender: client1, message: { type: 'text', text: 't' } });

  it('400: AmojoApiError with the envelope fields, not retried', async () => {
    server.reply({
      status: 400,
      body: {
        status: 0,
        error_code: 400,
        error_type: 'INVALID_REQUEST',
        error_description: 'payload.message.text: required',
      },
    });
    const error = (await send().catch((e: unknown) => e)) as AmojoApiError;
    expect(error).toBeInstanceOf(AmojoApiError);
    expect(error).toMatchObject({
      code: 'api_refused',
      status: 400,
      errorType: 'INVALID_REQUEST',
      description: 'payload.message.text: required',
      request: `POST ${ROOT}/${SCOPE}`,
    });
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('403 ORIGIN_INVALID_SIGNATURE: message names the likely mistake, never the secret', async () => {
    server.reply({
      status: 403,
      body: {
        status: 0,
        error_code: 403,
        error_type: 'ORIGIN_INVALID_SIGNATURE',
        error_description: 'invalid signature',
      },
    });
    const error = (await send().catch((e: unknown) => e)) as AmojoApiError;
    expect(error.status).toBe(403);
    expect(error.errorType).toBe('ORIGIN_INVALID_SIGNATURE');
    expect(error.message).toMatch(/channel secret/);
    expect(error.message).not.toContain(SECRET);
    expect(server.requests).toHaveLength(1);
  });

  it('404 ORIGIN_NOT_REGISTERED and 404 with an empty body', async () => {
    server.reply(
      {
        status: 404,
        body: { status: 0, error_code: 404, error_type: 'ORIGIN_NOT_REGISTERED', error_description: 'NOT_FOUND' },
      },
      { status: 404 },
    );
    await expect(client().connect({ accountId: 'a' })).rejects.toMatchObject({
      status: 404,
      errorType: 'ORIGIN_NOT_REGISTERED',
    });
    const error = (await client()
      .connect({ accountId: 'a' })
      .catch((e: unknown) => e)) as AmojoApiError;
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/empty body/);
    expect(server.requests).toHaveLength(2);
  });

  it('429: waits at least Retry-After, then succeeds', async () => {
    server.reply({ status: 429, headers: { 'retry-after': '2' } }, newMessageAnswer);
    const sent = await send();
    expect(sent.amojoMsgId).toBe('amojo-msg-1');
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2000);
  });

  it('429 with retries off: throws with retryAfterMs', async () => {
    server.reply({ status: 429, headers: { 'retry-after': '3' } });
    await expect(send(client({ retry: false }))).rejects.toMatchObject({ status: 429, retryAfterMs: 3000 });
    expect(server.requests).toHaveLength(1);
  });

  it('500: retried with backoff up to the retry count, the same body bytes and msgid every time', async () => {
    server.fallback = { status: 500, body: 'oops' };
    let tick = clock.getTime();
    const c = client({
      now: () => {
        tick += 1000;
        return new Date(tick);
      },
    });
    await expect(send(c)).rejects.toMatchObject({ status: 500, body: 'oops' });
    expect(server.requests).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.body)).size).toBe(1);
    expect(JSON.parse(server.requests[0]!.body).payload.msgid).toBe('m-1');
    // Every attempt is signed afresh: its own Date, and each signature verifies against its own Date.
    expect(new Set(server.requests.map((r) => r.headers.date)).size).toBe(4);
    for (const r of server.requests) {
      const now = new Date(Date.parse(String(r.headers.date)));
      expect(
        verifyRequest({ method: r.method, path: r.url, headers: r.headers, body: r.body, secret: SECRET, now }).ok,
      ).toBe(true);
    }
  });

  it('500 then 200: succeeds on the retry', async () => {
    server.reply({ status: 503 }, newMessageAnswer);
    expect((await send()).amojoMsgId).toBe('amojo-msg-1');
    expect(server.requests).toHaveLength(2);
  });

  it('a retry refused as DUPLICATE_MSGID is recognised by isDuplicateMsgidError', async () => {
    server.reply(
      { status: 502 },
      {
        status: 400,
        body: { status: 0, error_code: 400, error_type: 'DUPLICATE_MSGID', error_description: 'msgid m-1 exists' },
      },
    );
    const error = await send().catch((e: unknown) => e);
    expect(isDuplicateMsgidError(error)).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.body).toBe(server.requests[1]!.body);
    expect(isDuplicateMsgidError(new AmojoApiError('x', { status: 400, errorType: 'INVALID_REQUEST' }))).toBe(false);
    expect(isDuplicateMsgidError(new Error('DUPLICATE_MSGID'))).toBe(false);
  });

  it('typing is never retried (a late typing signal is stale)', async () => {
    server.fallback = { status: 500 };
    await expect(client().typing(SCOPE, { conversationId: 'c', senderId: 's' })).rejects.toMatchObject({ status: 500 });
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('timeout: AmojoTimeoutError after each attempt times out, retried for idempotent calls only', async () => {
    server.fallback = 'hang';
    const c = client({ timeoutMs: 150, retry: { retries: 1, sleep: async (ms) => void sleeps.push(ms) } });
    const error = await c.getHistory(SCOPE, 'chat-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmojoTimeoutError);
    expect(error).toMatchObject({ code: 'timeout', timeoutMs: 150 });
    expect(server.requests).toHaveLength(2);
    server.requests.length = 0;
    await expect(c.typing(SCOPE, { conversationId: 'c', senderId: 's' })).rejects.toBeInstanceOf(AmojoTimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it('connection refused: AmojoNetworkError, retried', async () => {
    const port = await closedPort();
    const c = client({
      baseUrl: `http://127.0.0.1:${port}`,
      retry: { retries: 2, sleep: async (ms) => void sleeps.push(ms) },
    });
    const error = await c.connect({ accountId: 'a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmojoNetworkError);
    expect((error as AmojoNetworkError).code).toBe('network');
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(sleeps).toHaveLength(2);
  });

  it('a 200 whose body is not JSON is an AmojoApiError INVALID_RESPONSE', async () => {
    server.reply({ status: 200, body: '<html>' });
    await expect(send()).rejects.toMatchObject({ name: 'AmojoApiError', errorType: 'INVALID_RESPONSE', status: 200 });
  });

  it('logs requests without the secret', async () => {
    const lines: string[] = [];
    const log = {
      debug: (o: object, m?: string) => lines.push(JSON.stringify(o) + m),
      info: (o: object, m?: string) => lines.push(JSON.stringify(o) + m),
      warn: (o: object, m?: string) => lines.push(JSON.stringify(o) + m),
    };
    server.reply({ status: 500 }, newMessageAnswer);
    await send(client({ log }));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});
