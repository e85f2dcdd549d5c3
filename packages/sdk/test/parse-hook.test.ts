import { readFileSync } from 'node:fs';
import {
  AmojoClient,
  AmojoInputError,
  AmojoSignatureError,
  type ParsedHook,
  parseHook,
  parseHookBody,
  signHook,
} from '@amojo-bridge/sdk';
import {
  buildAlbumHooks,
  buildCommentHook,
  buildMessageHook,
  buildMessageV1Hook,
  buildReactionHook,
  buildTypingHook,
  SEED,
  SEED_MESSAGE_HOOK_BODY,
  signHookBody,
} from '@amojo-bridge/sdk/testing';
import { describe, expect, it } from 'vitest';

const SECRET = SEED.channelSecret;

function roundTrip(body: object): ParsedHook {
  const { rawBody, headers } = signHookBody(body, SECRET);
  return parseHook(rawBody, headers['X-Signature'], SECRET);
}

function inputErrorOf(fn: () => unknown): AmojoInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AmojoInputError);
    return error as AmojoInputError;
  }
  throw new Error('expected an AmojoInputError');
}

function signatureErrorOf(fn: () => unknown): AmojoSignatureError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AmojoSignatureError);
    return error as AmojoSignatureError;
  }
  throw new Error('expected an AmojoSignatureError');
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/seed-examples.json', import.meta.url), 'utf8')) as {
  webhooks: { body: object; candidate_raw_bodies: { raw: string; x_signature: string }[] }[];
};

// Reconstructed from the text of spec 4.2: the full-page example is a picture with media, thumbnail, an inline
// markup with two text buttons, and a template object.
const FULL_PAGE_PICTURE_HOOK = {
  account_id: SEED.accountId,
  time: 1639572261,
  message: {
    receiver: {
      id: SEED.clientAmojoId,
      phone: '+79151112233',
      email: 'example.client@example.com',
      client_id: SEED.clientId,
    },
    sender: { id: SEED.managerAmojoId },
    conversation: { id: SEED.amojoChatId, client_id: SEED.conversationId },
    timestamp: 1639572260,
    msec_timestamp: 1639572260980,
    message: {
      id: '0371a0ff-b78a-4c7b-8538-a7d547e10692',
      type: 'picture',
      text: 'Текст сообщения Сделка #15926745',
      markup: {
        mode: 'inline',
        buttons: [[{ text: 'Кнопка 1' }, { text: 'Кнопка 2' }]],
      },
      tag: '',
      media: 'https://amojo.amocrm.ru/attachments/0371a0ff/image.jpg',
      thumbnail: 'https://amojo.amocrm.ru/attachments/0371a0ff/image_thumb.jpg',
      file_name: 'image.jpg',
      file_size: 52_412,
      template: {
        id: 15,
        external_id: 'my_template_1',
        content: 'Текст сообщения Сделка #{{lead.id}}',
        params: [{ key: '{{lead.id}}', value: '15926745' }],
      },
    },
  },
};

// Spec 4.3, reconstructed from its text: comment reply with post, markup null, a quoted client comment, names.
const COMMENT_HOOK = {
  account_id: SEED.accountId,
  time: 1700000100,
  message: {
    receiver: { id: SEED.clientAmojoId, client_id: SEED.clientId, name: 'Client', phone: '', email: '' },
    sender: { id: SEED.managerAmojoId, name: 'Manager' },
    conversation: { id: SEED.amojoChatId, client_id: SEED.conversationId },
    timestamp: 1700000100,
    msec_timestamp: 1700000100500,
    message: {
      id: 'c0a1e2d3-0000-4000-8000-000000000001',
      type: 'text',
      text: 'Thanks for your comment!',
      tag: '',
      media: '',
      thumbnail: '',
      file_name: '',
      file_size: 0,
      markup: null,
      reply_to: {
        message: {
          id: 'c0a1e2d3-0000-4000-8000-000000000000',
          msgid: 'my_int-comment-1',
          type: 'text',
          text: 'Nice!',
          timestamp: 1700000000,
          msec_timestamp: 1700000000000,
          sender: { id: SEED.clientAmojoId, name: 'Client', client_id: SEED.clientId },
        },
      },
      post: { id: 'post-42' },
    },
  },
};

// Spec 4.4, verbatim.
const TYPING_HOOK_RAW =
  '{"account_id":"81ede28b-8952-4785-abe2-c8d93f5fcc7d","time":1637087558,"action":{"typing":{"user":{"id":"fb0fb604-9e04-4e1d-bee9-37c71924cdc2"},"conversation":{"id":"f1e4e02c-f502-4165-9377-8575c55c5ebd","client_id":"c7"},"expired_at":1637087563,"post_id":"203055422"}}}';

// Spec 4.5: the 2023 shape (message object) and the docs' older example shape (msgid only).
const REACTION_2023 = {
  account_id: SEED.accountId,
  time: 1700000200,
  action: {
    reaction: {
      message: {
        id: 'a1b2c3d4-0000-4000-8000-00000000000a',
        client_id: 'my_int-5f2836a8ca481',
        sender: { id: SEED.clientAmojoId, client_id: SEED.clientId },
        receiver: { id: SEED.managerAmojoId },
        timestamp: 1700000000,
        msec_timestamp: 1700000000000,
      },
      user: { id: SEED.managerAmojoId },
      conversation: { id: SEED.amojoChatId, client_id: SEED.conversationId },
      type: 'react',
      emoji: '😍',
    },
  },
};
const REACTION_OLD = {
  account_id: SEED.accountId,
  time: 1700000300,
  action: {
    reaction: {
      msgid: 'a1b2c3d4-0000-4000-8000-00000000000b',
      user: { id: SEED.managerAmojoId },
      conversation: { id: SEED.amojoChatId, client_id: SEED.conversationId },
      type: 'unreact',
    },
  },
};

// Spec 4.6.
const V1_HOOK = {
  receiver: SEED.clientId,
  conversation_id: SEED.conversationId,
  type: 'picture',
  text: '',
  media: 'https://amojo.amocrm.ru/attachments/x.jpg',
  thumbnail: 'https://amojo.amocrm.ru/attachments/x_thumb.jpg',
  file_name: 'x.jpg',
  file_size: 100,
  msec_timestamp: 1639572260980,
};

describe('parseHook: every example hook of spec section 4', () => {
  it('4.2 seed example, both candidate raw serialisations from the fixture', () => {
    for (const candidate of fixture.webhooks[0]!.candidate_raw_bodies) {
      const hook = parseHook(candidate.raw, candidate.x_signature, SECRET);
      expect(hook.kind).toBe('message');
      if (hook.kind !== 'message') return;
      expect(hook.amojoMsgId).toBe('0371a0ff-b78a-4c7b-8538-a7d547e10692');
      expect(hook.amojoChatId).toBe(SEED.amojoChatId);
      expect(hook.conversationId).toBe(SEED.conversationId);
      expect(hook.accountId).toBe(SEED.accountId);
      expect(hook.body).toEqual(fixture.webhooks[0]!.body);
      expect(hook.body.message.message.text).toBe('Текст сообщения Сделка #15926745');
      expect(hook.body.message.source?.external_id).toBe('79039876543');
    }
    expect(SEED_MESSAGE_HOOK_BODY).toEqual(fixture.webhooks[0]!.body);
  });

  it('4.2 full-page example: picture with media, thumbnail, inline buttons and a template', () => {
    const hook = roundTrip(FULL_PAGE_PICTURE_HOOK);
    expect(hook.kind).toBe('message');
    if (hook.kind !== 'message') return;
    expect(hook.body).toEqual(FULL_PAGE_PICTURE_HOOK);
    const m = hook.body.message.message;
    expect(m.type).toBe('picture');
    expect(m.markup?.buttons?.[0]?.map((b) => b.text)).toEqual(['Кнопка 1', 'Кнопка 2']);
    expect(m.template).toEqual(FULL_PAGE_PICTURE_HOOK.message.message.template);
  });

  it('4.2 List Message markup, URL buttons, reply_to, forwards and media_group_id', () => {
    const body = buildMessageHook({
      message: {
        message: {
          media_group_id: 'group-1',
          markup: {
            list_message: {
              header: 'Menu',
              body: 'Choose *one*',
              footer: 'Thanks',
              button: 'Open',
              sections: [{ title: 'Sizes', rows: [{ callback_data: 'size-s', title: 'S', description: 'Small' }] }],
            },
          },
          reply_to: {
            message: {
              id: 'q-1',
              type: 'text',
              text: 'quoted',
              timestamp: 1,
              msec_timestamp: 1000,
              sender: { id: 'u-1' },
            },
          },
          forwards: {
            messages: [{ id: 'f-1', type: 'picture', media: 'https://x/y.jpg' }],
            conversation_ref_id: 'chat-9',
          },
        },
      },
    });
    const hook = roundTrip(body);
    expect(hook.kind).toBe('message');
    if (hook.kind !== 'message') return;
    expect(hook.body).toEqual(body);
    expect(hook.body.message.message.markup?.list_message?.sections[0]?.rows[0]?.callback_data).toBe('size-s');
    expect(hook.body.message.message.forwards?.messages[0]?.id).toBe('f-1');
    const buttons = roundTrip(
      buildMessageHook({
        message: { message: { markup: { mode: 'inline', buttons: [[{ text: 'Site', url: 'https://e.com' }]] } } },
      }),
    );
    expect(buttons.kind === 'message' && buttons.body.message.message.markup?.buttons?.[0]?.[0]?.url).toBe(
      'https://e.com',
    );
  });

  it('4.2 album: several hooks share one media_group_id', () => {
    const hooks = buildAlbumHooks(3).map(roundTrip);
    const ids = hooks.map((h) => (h.kind === 'message' ? h.body.message.message.media_group_id : undefined));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBeTruthy();
    expect(new Set(hooks.map((h) => (h.kind === 'message' ? h.amojoMsgId : ''))).size).toBe(3);
  });

  it('4.2 "write first": no conversation.client_id gives conversationId undefined and the chosen phone', () => {
    const body = buildMessageHook({
      message: { conversation: { client_id: undefined }, receiver: { client_id: undefined, phone: '+79990001122' } },
    });
    const hook = roundTrip(body);
    expect(hook.kind).toBe('message');
    if (hook.kind !== 'message') return;
    expect(hook.conversationId).toBeUndefined();
    expect(hook.body.message.receiver.phone).toBe('+79990001122');
  });

  it('4.3 comment reply: kind comment with the post id and the quoted comment', () => {
    const hook = roundTrip(COMMENT_HOOK);
    expect(hook.kind).toBe('comment');
    if (hook.kind !== 'comment') return;
    expect(hook.postId).toBe('post-42');
    expect(hook.amojoMsgId).toBe('c0a1e2d3-0000-4000-8000-000000000001');
    expect(hook.body).toEqual(COMMENT_HOOK);
    expect(hook.body.message.message.markup).toBeNull();
    expect(hook.body.message.message.reply_to?.message.msgid).toBe('my_int-comment-1');
    expect(roundTrip(buildCommentHook()).kind).toBe('comment');
  });

  it('4.4 typing, verbatim from the spec', () => {
    const hook = parseHook(TYPING_HOOK_RAW, signHook(TYPING_HOOK_RAW, SECRET), SECRET);
    expect(hook).toMatchObject({
      kind: 'typing',
      accountId: '81ede28b-8952-4785-abe2-c8d93f5fcc7d',
      amojoChatId: 'f1e4e02c-f502-4165-9377-8575c55c5ebd',
      conversationId: 'c7',
      amojoUserId: 'fb0fb604-9e04-4e1d-bee9-37c71924cdc2',
      expiredAt: 1637087563,
    });
    expect(hook.body).toEqual(JSON.parse(TYPING_HOOK_RAW));
    expect(roundTrip(buildTypingHook()).kind).toBe('typing');
  });

  it('4.5 reaction, 2023 shape: amojoMsgId from message.id, msgid from message.client_id', () => {
    const hook = roundTrip(REACTION_2023);
    expect(hook).toMatchObject({
      kind: 'reaction',
      amojoMsgId: 'a1b2c3d4-0000-4000-8000-00000000000a',
      msgid: 'my_int-5f2836a8ca481',
      amojoUserId: SEED.managerAmojoId,
      type: 'react',
      emoji: '😍',
      conversationId: SEED.conversationId,
    });
    expect(hook.body).toEqual(REACTION_2023);
  });

  it('4.5 reaction, older shape with msgid only (unreact without emoji): amojoMsgId still available', () => {
    const hook = roundTrip(REACTION_OLD);
    expect(hook).toMatchObject({
      kind: 'reaction',
      amojoMsgId: 'a1b2c3d4-0000-4000-8000-00000000000b',
      msgid: undefined,
      type: 'unreact',
      emoji: undefined,
    });
  });

  it('4.5 reaction with both shapes at once (as the sandbox sends it)', () => {
    const body = buildReactionHook();
    const hook = roundTrip(body);
    expect(hook.kind === 'reaction' && hook.amojoMsgId).toBe(body.action.reaction.message?.id);
  });

  it('4.6 deprecated v1 hook', () => {
    const hook = roundTrip(V1_HOOK);
    expect(hook).toMatchObject({ kind: 'message_v1', conversationId: SEED.conversationId, receiverId: SEED.clientId });
    expect(hook.body).toEqual(V1_HOOK);
    expect(roundTrip(buildMessageV1Hook()).kind).toBe('message_v1');
  });
});

describe('parseHook: tolerant of absent optional fields', () => {
  it('parses a minimal v2 hook; text defaults to an empty string', () => {
    const minimal = {
      account_id: 'acc',
      time: 1,
      message: {
        conversation: { id: 'chat' },
        sender: { id: 'mgr' },
        receiver: { id: 'client' },
        timestamp: 1,
        msec_timestamp: 1000,
        message: { id: 'msg', type: 'picture', media: 'https://x/y.png' },
      },
    };
    const hook = roundTrip(minimal);
    expect(hook.kind === 'message' && hook.body.message.message.text).toBe('');
    expect(hook.kind === 'message' && hook.conversationId).toBeUndefined();
  });

  it('treats null optional fields as absent and drops unknown fields', () => {
    const body = buildMessageHook({ message: { source: null as never, message: { thumbnail: null as never } } });
    const withExtra = { ...body, extra_field: 1 };
    const hook = roundTrip(withExtra);
    expect(hook.kind).toBe('message');
    if (hook.kind !== 'message') return;
    expect(hook.body.message.source).toBeUndefined();
    expect('thumbnail' in hook.body.message.message).toBe(false);
    expect('extra_field' in hook.body).toBe(false);
  });

  it('passes an unknown message type through, so the caller can refuse it with delivery status 905', () => {
    const hook = roundTrip(buildMessageHook({ message: { message: { type: 'poll' } } }));
    expect(hook.kind === 'message' && hook.body.message.message.type).toBe('poll');
  });
});

describe('parseHook: strict about required fields (AmojoInputError with the JSON path)', () => {
  const cases: [string, object, string][] = [
    ['message.message.id', buildMessageHook({ message: { message: { id: undefined } } }), 'message.message.id'],
    ['empty message id', buildMessageHook({ message: { message: { id: '' } } }), 'message.message.id'],
    [
      'message.conversation.id',
      buildMessageHook({ message: { conversation: { id: undefined } } }),
      'message.conversation.id',
    ],
    ['receiver', buildMessageHook({ message: { receiver: undefined } }), 'message.receiver'],
    ['account_id', buildMessageHook({ account_id: undefined }), 'account_id'],
    ['time as a string', buildMessageHook({ time: '1' as never }), 'time'],
    ['message type', buildMessageHook({ message: { message: { type: undefined } } }), 'message.message.type'],
    [
      'button text',
      buildMessageHook({
        message: { message: { markup: { buttons: [[{ text: 'a' }, { url: 'https://x' } as never]] } } },
      }),
      'message.message.markup.buttons[0][1].text',
    ],
    [
      'template id',
      buildMessageHook({ message: { message: { template: { content: 'c', params: [] } as never } } }),
      'message.message.template.id',
    ],
    [
      'quoted message id',
      buildMessageHook({ message: { message: { reply_to: { message: { type: 'text' } as never } } } }),
      'message.message.reply_to.message.id',
    ],
    [
      'comment post id',
      buildCommentHook({ message: { message: { post: { id: undefined } } } }),
      'message.message.post.id',
    ],
    [
      'typing expired_at',
      buildTypingHook({ action: { typing: { expired_at: undefined } } }),
      'action.typing.expired_at',
    ],
    ['typing user id', buildTypingHook({ action: { typing: { user: { id: undefined } } } }), 'action.typing.user.id'],
    [
      'reaction message id',
      buildReactionHook({ action: { reaction: { message: undefined, msgid: undefined } } }),
      'action.reaction.message.id',
    ],
    ['reaction type', buildReactionHook({ action: { reaction: { type: 'like' as never } } }), 'action.reaction.type'],
    ['react emoji', buildReactionHook({ action: { reaction: { emoji: undefined } } }), 'action.reaction.emoji'],
    [
      'reaction conversation',
      buildReactionHook({ action: { reaction: { conversation: undefined } } }),
      'action.reaction.conversation',
    ],
    ['v1 type', buildMessageV1Hook({ type: undefined }), 'type'],
  ];
  it.each(cases)('missing or bad %s', (_name, body, path) => {
    const error = inputErrorOf(() => roundTrip(body));
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
  });

  it('an unknown hook shape or non-object JSON is refused', () => {
    expect(inputErrorOf(() => roundTrip({ hello: 'world' })).path).toBe('');
    const raw = '[1,2]';
    expect(() => parseHook(raw, signHook(raw, SECRET), SECRET)).toThrow(AmojoInputError);
    const notJson = '{"account_id":';
    expect(() => parseHook(notJson, signHook(notJson, SECRET), SECRET)).toThrow(/not valid JSON/);
  });
});

describe('parseHook: signature verification comes first', () => {
  const { rawBody, headers } = signHookBody(buildMessageHook(), SECRET);
  const signature = headers['X-Signature'];

  it('accepts bytes as well as a string, and an upper-case signature', () => {
    expect(parseHook(Buffer.from(rawBody, 'utf8'), signature, SECRET).kind).toBe('message');
    expect(parseHook(new TextEncoder().encode(rawBody), signature.toUpperCase(), SECRET).kind).toBe('message');
  });

  it('rejects a tampered body', () => {
    const tampered = rawBody.replace('Hello from amoCRM', 'Hello from amoCRN');
    const error = signatureErrorOf(() => parseHook(tampered, signature, SECRET));
    expect(error.code).toBe('invalid_signature');
    expect(error.message).toMatch(/raw bytes/);
  });

  it('rejects a wrong secret, and the message names that mistake without the secret', () => {
    const error = signatureErrorOf(() => parseHook(rawBody, signature, SEED.docsChannelSecret));
    expect(error.message).toMatch(/secret of another channel/);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain(SEED.docsChannelSecret);
  });

  it('rejects a re-serialised body (PHP-escaped bytes parsed and stringified again)', () => {
    const php = fixture.webhooks[0]!.candidate_raw_bodies[1]!;
    const reserialised = JSON.stringify(JSON.parse(php.raw));
    const error = signatureErrorOf(() => parseHook(reserialised, php.x_signature, SECRET));
    expect(error.message).toMatch(/re-serialised/);
  });

  it('accepts the body as amojo really sends it: a trailing newline that X-Signature does not cover', () => {
    for (const tail of ['\n', '\r\n', '\n\n', '\r']) {
      expect(parseHook(`${rawBody}${tail}`, signature, SECRET).kind).toBe('message');
      expect(parseHook(Buffer.from(`${rawBody}${tail}`, 'utf8'), signature, SECRET).kind).toBe('message');
    }
  });

  it('still refuses a forgery sent with a trailing newline, and any other trailing whitespace', () => {
    const tampered = rawBody.replace('Hello from amoCRM', 'Hello from amoCRN');
    expect(signatureErrorOf(() => parseHook(`${tampered}\n`, signature, SECRET)).code).toBe('invalid_signature');
    expect(signatureErrorOf(() => parseHook(`${rawBody}\n`, signature, SEED.docsChannelSecret)).code).toBe(
      'invalid_signature',
    );
    expect(signatureErrorOf(() => parseHook(`${rawBody} `, signature, SECRET)).message).toMatch(/trailing spaces/);
    expect(signatureErrorOf(() => parseHook(`${rawBody}\n\t`, signature, SECRET)).message).toMatch(/trailing spaces/);
    expect(signatureErrorOf(() => parseHook(` ${rawBody}`, signature, SECRET)).code).toBe('invalid_signature');
  });

  it('names a body that lost the newline it was signed with', () => {
    const signedWithNewline = signHook(`${rawBody}\n`, SECRET);
    expect(signatureErrorOf(() => parseHook(rawBody, signedWithNewline, SECRET)).message).toMatch(/trimmed/);
  });

  it('names a missing or malformed X-Signature header', () => {
    expect(signatureErrorOf(() => parseHook(rawBody, undefined, SECRET)).message).toMatch(/no X-Signature/);
    expect(signatureErrorOf(() => parseHook(rawBody, 'abc', SECRET)).message).toMatch(/40-character hex/);
  });

  it('refuses an already parsed body with a message that says so', () => {
    const parsed = JSON.parse(rawBody) as never;
    expect(signatureErrorOf(() => parseHook(parsed, signature, SECRET)).message).toMatch(/already parsed/);
  });

  it('AmojoClient.parseHook verifies with the channel secret', () => {
    const client = new AmojoClient({ channelId: SEED.channelId, channelSecret: SECRET });
    expect(client.parseHook(rawBody, signature).kind).toBe('message');
    const other = new AmojoClient({ channelId: SEED.channelId, channelSecret: SEED.docsChannelSecret });
    expect(() => other.parseHook(rawBody, signature)).toThrow(AmojoSignatureError);
  });
});

describe('parseHookBody (stored hooks, no verification)', () => {
  it('accepts the JSON text or the parsed object', () => {
    const body = buildTypingHook();
    expect(parseHookBody(JSON.stringify(body)).kind).toBe('typing');
    expect(parseHookBody(body).kind).toBe('typing');
  });
});
