import { type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOT_ID,
  connectScope,
  MANAGER_ID,
  postToScope,
  SCOPE_ID,
  signedCall,
  testOptions,
} from './fixtures/helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox(testOptions());
  await connectScope(sandbox.url);
  // A chat with one message, to quote and edit.
  const ok = await postToScope(sandbox.url, SCOPE_ID, body({ msgid: 'base-1', conversation_id: 'conv-base' }));
  expect(ok.status).toBe(200);
});
afterAll(() => sandbox.close());

const now = Date.now();
function body(payload: Record<string, unknown> = {}, top: Record<string, unknown> = {}) {
  return {
    event_type: 'new_message',
    payload: {
      timestamp: Math.floor(now / 1000),
      msec_timestamp: now,
      msgid: `m-${Math.random()}`,
      conversation_id: 'conv-v',
      sender: { id: 'client-v', name: 'Client V' },
      message: { type: 'text', text: 'hi' },
      silent: false,
      ...payload,
    },
    ...top,
  };
}
const without = (key: string) => {
  const b = body();
  delete (b.payload as Record<string, unknown>)[key];
  return b;
};
const staff = { id: 'mgr', name: 'Manager', ref_id: MANAGER_ID };
const client = { id: 'client-v', name: 'Client V' };

// Each row: a request that breaks one rule, and the words the error description must contain.
const cases: [string, unknown, string][] = [
  ['event_type missing', { payload: body().payload }, 'event_type'],
  ['event_type unknown', body({}, { event_type: 'delete_message' }), 'event_type'],
  ['payload missing', { event_type: 'new_message' }, 'payload'],
  ['timestamp missing', without('timestamp'), 'payload.timestamp'],
  ['timestamp not an integer', body({ timestamp: '1639660529' }), 'payload.timestamp'],
  ['msec_timestamp missing', without('msec_timestamp'), 'payload.msec_timestamp'],
  ['msgid missing', without('msgid'), 'payload.msgid'],
  ['conversation_id missing', without('conversation_id'), 'payload.conversation_id'],
  ['sender missing on new_message', without('sender'), 'payload.sender'],
  ['sender.id missing', body({ sender: { name: 'x' } }), 'payload.sender.id'],
  ['sender.name missing', body({ sender: { id: 'x' } }), 'payload.sender.name'],
  ['message missing', without('message'), 'payload.message'],
  ['message.type unknown', body({ message: { type: 'gif', text: 'x' } }), 'message.type'],
  ['text missing for text', body({ message: { type: 'text' } }), 'message.text'],
  [
    'media missing for picture',
    body({ message: { type: 'picture', file_name: 'a.png', file_size: 1 } }),
    'message.media',
  ],
  ['media missing for voice', body({ message: { type: 'voice' } }), 'message.media'],
  [
    'file_name missing for file',
    body({ message: { type: 'file', media: 'http://x/a', file_size: 1 } }),
    'message.file_name',
  ],
  [
    'file_size missing for video',
    body({ message: { type: 'video', media: 'http://x/a', file_name: 'a.mp4' } }),
    'message.file_size',
  ],
  [
    'file_size not an integer',
    body({ message: { type: 'file', media: 'http://x/a', file_name: 'a', file_size: 1.5 } }),
    'message.file_size',
  ],
  ['location missing', body({ message: { type: 'location' } }), 'message.location'],
  ['location.lat missing', body({ message: { type: 'location', location: { lon: 1 } } }), 'message.location.lat'],
  ['contact missing', body({ message: { type: 'contact' } }), 'message.contact'],
  ['contact.phone missing', body({ message: { type: 'contact', contact: { name: 'A' } } }), 'message.contact.phone'],
  ['receiver on an incoming message', body({ receiver: client }), 'payload.receiver'],
  ['receiver missing on an outgoing message', body({ sender: staff }), 'payload.receiver'],
  [
    'receiver missing on a bot message',
    body({ sender: { id: 'bot', name: 'Bot', ref_id: BOT_ID } }),
    'payload.receiver',
  ],
  ['sender.ref_id unknown', body({ sender: { id: 'c', name: 'C', ref_id: 'nobody' } }), 'payload.sender.ref_id'],
  ['source.external_id too long', body({ source: { external_id: 'x'.repeat(41) } }), 'payload.source.external_id'],
  ['source.external_id not ASCII', body({ source: { external_id: 'тест' } }), 'payload.source.external_id'],
  ['silent not a boolean', body({ silent: 'false' }), 'payload.silent'],
  [
    'conversation_ref_id unknown',
    body({ conversation_ref_id: '00000000-0000-4000-8000-000000000000' }),
    'conversation_ref_id',
  ],
  [
    'reply_to quoting an unknown message',
    body({ reply_to: { message: { msgid: 'nope' } } }),
    'payload.reply_to.message',
  ],
  [
    'reply_to from another chat',
    body({ conversation_id: 'conv-other', reply_to: { message: { msgid: 'base-1' } } }),
    'same chat',
  ],
  [
    'reply_to without id needs sender',
    body({ reply_to: { message: { type: 'text', text: 'q', timestamp: 1, msec_timestamp: 1000 } } }),
    'sender',
  ],
  [
    'forwards with two messages',
    body({ forwards: { messages: [{ msgid: 'base-1' }, { msgid: 'base-1' }] } }),
    'at most 1',
  ],
  ['comment post without url', body({ message: { type: 'text', text: 'c', post: { id: 'p1' } } }), 'message.post.url'],
  [
    'edit without id or msgid',
    {
      event_type: 'edit_message',
      payload: {
        timestamp: 1,
        msec_timestamp: 1000,
        conversation_id: 'conv-base',
        message: { type: 'text', text: 'x' },
      },
    },
    'payload.id',
  ],
  [
    'edit with a conversation_id of another chat',
    {
      event_type: 'edit_message',
      payload: {
        timestamp: 1,
        msec_timestamp: 1000,
        msgid: 'base-1',
        conversation_id: 'conv-x',
        message: { type: 'text', text: 'x' },
      },
    },
    'conversation_id',
  ],
  [
    'edit with status -1 and no error_code',
    {
      event_type: 'edit_message',
      payload: {
        timestamp: 1,
        msec_timestamp: 1000,
        msgid: 'base-1',
        conversation_id: 'conv-base',
        message: { type: 'text', text: 'x', delivery_status: { status_code: -1 } },
      },
    },
    'error_code',
  ],
];

describe('message validation (spec 3.4)', () => {
  it.each(cases)('refuses: %s', async (_name, request, words) => {
    const result = await postToScope(sandbox.url, SCOPE_ID, request as object);
    expect(result.status).toBe(400);
    expect(result.json).toMatchObject({ status: 0, error_code: 400, error_type: 'INVALID_REQUEST' });
    expect(result.json.error_description).toContain(words);
  });

  it('refuses a body that is not JSON, after the signature check', async () => {
    const result = await signedCall(sandbox.url, {
      method: 'POST',
      path: `/v2/origin/custom/${SCOPE_ID}`,
      body: '{not json',
    });
    expect(result.status).toBe(400);
    expect(result.json.error_description).toContain('JSON');
  });

  it('refuses a duplicate msgid in the scope with DUPLICATE_MSGID', async () => {
    const result = await postToScope(sandbox.url, SCOPE_ID, body({ msgid: 'base-1', conversation_id: 'conv-base' }));
    expect(result.status).toBe(400);
    expect(result.json.error_type).toBe('DUPLICATE_MSGID');
  });

  it('accepts each message type with its required fields', async () => {
    const messages = [
      { type: 'text', text: 't' },
      { type: 'picture', media: 'http://x/a.png', file_name: 'a.png', file_size: 10 },
      { type: 'file', media: 'http://x/a.pdf', file_name: 'a.pdf', file_size: 10 },
      { type: 'video', media: 'http://x/a.mp4', file_name: 'a.mp4', file_size: 10 },
      { type: 'voice', media: 'http://x/a.ogg' },
      { type: 'audio', media: 'http://x/a.mp3' },
      { type: 'sticker', media: 'http://x/s.webp' },
      { type: 'location', location: { lon: 37.6, lat: 55.7 } },
      { type: 'contact', contact: { name: 'A', phone: '+7999' } },
    ];
    for (const message of messages) {
      const result = await postToScope(sandbox.url, SCOPE_ID, body({ conversation_id: 'conv-types', message }));
      expect(result.status, message.type).toBe(200);
    }
  });
});
