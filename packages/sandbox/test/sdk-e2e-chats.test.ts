// Every AmojoClient method end to end against a started sandbox; hooks arrive at a real node:http server that
// verifies and parses them with the SDK's parseHook, as an integration would.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import {
  AmojoApiError,
  AmojoClient,
  type AmojoClientOptions,
  type Fetch,
  isDuplicateMsgidError,
  type ParsedHook,
  parseHook,
} from '@amojo-bridge/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT_ID,
  BOT_ID,
  CHANNEL_ID,
  control,
  MANAGER_ID,
  SCOPE_ID,
  SECRET,
  testOptions,
} from './fixtures/helpers.js';

interface HookInbox {
  readonly url: string;
  readonly hooks: ParsedHook[];
  /** Hooks whose signature or body did not pass parseHook; must stay empty. */
  readonly failures: unknown[];
  close(): Promise<void>;
}

async function startHookInbox(): Promise<HookInbox> {
  const hooks: ParsedHook[] = [];
  const failures: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        hooks.push(parseHook(Buffer.concat(chunks), req.headers['x-signature'] as string | undefined, SECRET));
      } catch (error) {
        failures.push(error);
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hooks,
    failures,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let inbox: HookInbox;
let sandbox: Sandbox;
let amojo: AmojoClient;
let counter = 0;

function newClient(extra: Partial<AmojoClientOptions> = {}): AmojoClient {
  return new AmojoClient({
    channelId: CHANNEL_ID,
    channelSecret: SECRET,
    baseUrl: sandbox.url,
    retry: { sleep: async () => {} },
    ...extra,
  });
}

beforeEach(async () => {
  inbox = await startHookInbox();
  sandbox = await startSandbox(testOptions({ hookUrl: `${inbox.url}/hooks/amojo/:scope_id`, hookTimeoutMs: 2000 }));
  amojo = newClient();
  const { scopeId } = await amojo.connect({ accountId: ACCOUNT_ID, title: 'E2E' });
  expect(scopeId).toBe(SCOPE_ID);
});
afterEach(async () => {
  expect(inbox.failures).toEqual([]);
  await sandbox.close();
  await inbox.close();
});

const msgid = () => `e2e-${++counter}`;
const client = { id: 'client-1', name: 'Ann Client', profile: { phone: '+79990001122' } };

/** A client's first message: creates the chat; returns amojo ids. */
async function clientSays(text: string, conversationId = 'conv-1') {
  const sent = await amojo.sendMessage(SCOPE_ID, {
    msgid: msgid(),
    conversationId,
    sender: client,
    message: { type: 'text', text },
  });
  return { amojoMsgId: sent.amojoMsgId, amojoChatId: sandbox.state.messages.get(sent.amojoMsgId)!.chatId };
}

/** The manager answers in the sandbox inbox; returns the parsed hook of that answer. */
async function managerSays(amojoChatId: string, body: Record<string, unknown>) {
  const before = inbox.hooks.length;
  const result = await control(sandbox.url, 'POST', `/chats/${amojoChatId}/messages`, body);
  expect(result.status).toBe(200);
  expect(inbox.hooks.length).toBeGreaterThan(before);
  return inbox.hooks.slice(before);
}

describe('connect / disconnect', () => {
  it('connect is idempotent; after disconnect chat calls are refused until connected again', async () => {
    expect((await amojo.connect({ accountId: ACCOUNT_ID })).scopeId).toBe(SCOPE_ID);
    await amojo.disconnect({ accountId: ACCOUNT_ID });
    expect(sandbox.state.scopes.get(SCOPE_ID)?.connected).toBe(false);
    const error = await clientSays('hello').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmojoApiError);
    expect((error as AmojoApiError).status).toBe(404);
    await amojo.connect({ accountId: ACCOUNT_ID });
    expect((await clientSays('hello again')).amojoMsgId).toBeTruthy();
  });

  it('a wrong secret is refused with ORIGIN_INVALID_SIGNATURE, a stale Date too', async () => {
    const wrong = newClient({ channelSecret: 'f'.repeat(40) });
    await expect(wrong.connect({ accountId: ACCOUNT_ID })).rejects.toMatchObject({
      status: 403,
      errorType: 'ORIGIN_INVALID_SIGNATURE',
    });
    const stale = newClient({ now: () => new Date(Date.now() - 20 * 60_000) });
    await expect(stale.connect({ accountId: ACCOUNT_ID })).rejects.toMatchObject({ status: 403 });
  });
});

describe('chats and messages', () => {
  it('createChat creates a chat once per conversation_id and returns its amojo id', async () => {
    const first = await amojo.createChat(SCOPE_ID, {
      conversationId: 'conv-9',
      user: client,
      sourceExternalId: 'site-1',
    });
    const again = await amojo.createChat(SCOPE_ID, { conversationId: 'conv-9', user: client });
    expect(again.amojoChatId).toBe(first.amojoChatId);
    expect(sandbox.state.chats.get(first.amojoChatId)?.conversationId).toBe('conv-9');
    expect(sandbox.state.participants.get(first.amojoUserId)?.clientId).toBe('client-1');
  });

  it('sendMessage: incoming text, every media type, location and contact are stored as sent', async () => {
    const { amojoChatId } = await clientSays('hello');
    const media = 'https://example.com/files/1.bin';
    const contents = [
      { type: 'picture', media, fileName: 'p.jpg', fileSize: 100, text: 'a photo' },
      { type: 'video', media, fileName: 'v.mp4', fileSize: 200, mediaDuration: 5 },
      { type: 'file', media, fileName: 'a.pdf', fileSize: 300 },
      { type: 'voice', media, mediaDuration: 3 },
      { type: 'audio', media },
      { type: 'sticker', media, stickerId: 'st-1' },
      { type: 'location', location: { lon: 37.6, lat: 55.7 } },
      { type: 'contact', contact: { name: 'Bob', phone: '+100' } },
    ] as const;
    for (const message of contents) {
      const sent = await amojo.sendMessage(SCOPE_ID, {
        msgid: msgid(),
        conversationId: 'conv-1',
        sender: client,
        message,
      });
      const stored = sandbox.state.messages.get(sent.amojoMsgId)!;
      expect(stored.chatId).toBe(amojoChatId);
      expect(stored.type).toBe(message.type);
      expect(stored.direction).toBe('in');
    }
    expect(sandbox.state.chats.get(amojoChatId)?.messageCount).toBe(contents.length + 1);
  });

  it('sendMessage: outgoing as a manager and as the channel bot (silent import), with reply_to and forwards', async () => {
    const { amojoMsgId, amojoChatId } = await clientSays('question');
    const asManager = await amojo.sendMessage(SCOPE_ID, {
      msgid: msgid(),
      conversationId: 'conv-1',
      silent: true,
      sender: { id: 'mgr-1', name: 'Manager One', refId: MANAGER_ID },
      receiver: client,
      message: { type: 'text', text: 'answer' },
      replyTo: { amojoMsgId },
    });
    const asBot = await amojo.sendMessage(SCOPE_ID, {
      msgid: msgid(),
      conversationId: 'conv-1',
      silent: true,
      sender: { id: 'bot', name: 'Test bot', refId: BOT_ID },
      receiver: client,
      message: { type: 'text', text: 'auto answer' },
      forwards: { conversationRefId: amojoChatId, messages: [{ amojoMsgId }] },
    });
    const m1 = sandbox.state.messages.get(asManager.amojoMsgId)!;
    const m2 = sandbox.state.messages.get(asBot.amojoMsgId)!;
    expect([m1.direction, m1.senderId, m1.silent]).toEqual(['out', MANAGER_ID, true]);
    expect(m1.replyTo?.id).toBe(amojoMsgId);
    expect([m2.direction, m2.senderId]).toEqual(['out', BOT_ID]);
    expect(m2.forwards?.messages[0]?.id).toBe(amojoMsgId);
    // No hooks come back for messages the integration posted itself.
    expect(inbox.hooks).toEqual([]);
  });

  it('sendMessage with a source tags the chat', async () => {
    await amojo.sendMessage(SCOPE_ID, {
      msgid: msgid(),
      conversationId: 'conv-src',
      sourceExternalId: 'site-7',
      sender: client,
      message: { type: 'text', text: 'from the site' },
    });
    const chat = [...sandbox.state.chats.values()].find((c) => c.conversationId === 'conv-src');
    expect(chat?.sourceExternalId).toBe('site-7');
  });

  it('a repeated msgid is refused and recognised by isDuplicateMsgidError', async () => {
    const options = {
      msgid: msgid(),
      conversationId: 'conv-1',
      sender: client,
      message: { type: 'text' as const, text: 'x' },
    };
    await amojo.sendMessage(SCOPE_ID, options);
    const error = await amojo.sendMessage(SCOPE_ID, options).catch((e: unknown) => e);
    expect(isDuplicateMsgidError(error)).toBe(true);
  });

  it('a lost answer is retried with the same msgid: the retry is a recognisable duplicate, not a second message', async () => {
    // The real sandbox handles the first attempt; only its answer is lost on the way back.
    let calls = 0;
    const losingFetch: Fetch = async (input, init) => {
      const response = await fetch(input, init);
      calls += 1;
      if (calls === 1) {
        await response.body?.cancel();
        throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      }
      return response;
    };
    const flaky = newClient({ fetch: losingFetch });
    const id = msgid();
    const error = await flaky
      .sendMessage(SCOPE_ID, {
        msgid: id,
        conversationId: 'conv-1',
        sender: client,
        message: { type: 'text', text: 'once' },
      })
      .catch((e: unknown) => e);
    expect(calls).toBe(2);
    expect(isDuplicateMsgidError(error)).toBe(true);
    const stored = [...sandbox.state.messages.values()].filter((m) => m.clientMsgId === id);
    expect(stored).toHaveLength(1);
  });

  it('an injected 500 is retried and the message is stored once', async () => {
    await control(sandbox.url, 'PUT', '/faults', { apiFailureRate: 1, apiFailureStatuses: [500] });
    const healing = newClient({
      retry: {
        // The "wait" before the retry switches the fault off, so the second attempt goes through.
        sleep: async () => {
          await control(sandbox.url, 'PUT', '/faults', { apiFailureRate: 0 });
        },
      },
    });
    const id = msgid();
    const sent = await healing.sendMessage(SCOPE_ID, {
      msgid: id,
      conversationId: 'conv-1',
      sender: client,
      message: { type: 'text', text: 'after a fault' },
    });
    expect(sandbox.state.messages.get(sent.amojoMsgId)?.clientMsgId).toBe(id);
  });

  it('editMessage changes the stored text', async () => {
    const id = msgid();
    const sent = await amojo.sendMessage(SCOPE_ID, {
      msgid: id,
      conversationId: 'conv-1',
      sender: client,
      message: { type: 'text', text: 'typo' },
    });
    const edited = await amojo.editMessage(SCOPE_ID, {
      msgid: id,
      conversationId: 'conv-1',
      message: { type: 'text', text: 'fixed' },
    });
    expect(edited.amojoMsgId).toBe(sent.amojoMsgId);
    const stored = sandbox.state.messages.get(sent.amojoMsgId)!;
    expect([stored.text, stored.edited]).toEqual(['fixed', true]);
  });
});

describe('hooks, delivery status, comments', () => {
  it('a manager message arrives as a verified hook; deliveryStatus 1, 2 and -1/905 are stored', async () => {
    const { amojoChatId } = await clientSays('hi');
    const [hook] = await managerSays(amojoChatId, { text: 'Hello from the manager' });
    expect(hook?.kind).toBe('message');
    if (hook?.kind !== 'message') return;
    expect(hook.conversationId).toBe('conv-1');
    expect(hook.amojoChatId).toBe(amojoChatId);
    expect(hook.body.message.message.text).toBe('Hello from the manager');
    const stored = () => sandbox.state.messages.get(hook.amojoMsgId)!;
    await amojo.deliveryStatus(SCOPE_ID, hook.amojoMsgId, { status: 1 });
    expect(stored().status).toBe('delivered');
    await amojo.deliveryStatus(SCOPE_ID, hook.amojoMsgId, { status: 2 });
    expect(stored().status).toBe('read');
    await amojo.deliveryStatus(SCOPE_ID, hook.amojoMsgId, { status: -1, errorCode: 905, error: 'Messenger refused' });
    expect(stored().status).toBe('error');
    expect(stored().error).toEqual({ code: 905, text: 'Messenger refused' });
    await expect(
      amojo.deliveryStatus(SCOPE_ID, '00000000-0000-4000-8000-000000000000', { status: 1 }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('an album arrives as several hooks sharing a media_group_id', async () => {
    const { amojoChatId } = await clientSays('send photos');
    const attachments = [1, 2].map((i) => ({
      type: 'picture',
      media: `https://example.com/p${i}.jpg`,
      fileName: `p${i}.jpg`,
      fileSize: 10 * i,
    }));
    const hooks = await managerSays(amojoChatId, { text: 'Photos', attachments });
    expect(hooks).toHaveLength(2);
    const groups = hooks.map((h) => (h.kind === 'message' ? h.body.message.message.media_group_id : undefined));
    expect(groups[0]).toBeTruthy();
    expect(groups[1]).toBe(groups[0]);
  });

  it('"write first": the hook has no conversationId; the client answer binds it', async () => {
    const result = await control(sandbox.url, 'POST', '/write-first', {
      scopeId: SCOPE_ID,
      phone: '+79995554433',
      text: 'Hello, this is the shop',
    });
    expect(result.status).toBe(200);
    const hook = inbox.hooks.at(-1)!;
    expect(hook.kind).toBe('message');
    if (hook.kind !== 'message') return;
    expect(hook.conversationId).toBeUndefined();
    expect(hook.body.message.receiver.phone).toBe('+79995554433');
    await amojo.sendMessage(SCOPE_ID, {
      msgid: msgid(),
      conversationId: 'conv-wf',
      conversationRefId: hook.amojoChatId,
      sender: { id: 'client-wf', name: 'New client', refId: hook.body.message.receiver.id },
      message: { type: 'text', text: 'Hi!' },
    });
    expect(sandbox.state.chats.get(hook.amojoChatId)?.conversationId).toBe('conv-wf');
    const [next] = await managerSays(hook.amojoChatId, { text: 'Welcome' });
    expect(next?.kind === 'message' && next.conversationId).toBe('conv-wf');
  });

  it('sendComment posts a comment; the manager answer to it arrives as a comment hook', async () => {
    const sent = await amojo.sendComment(SCOPE_ID, {
      msgid: msgid(),
      conversationId: 'conv-c',
      sender: client,
      message: { type: 'text', text: 'How much?' },
      post: { id: 'post-77', url: 'https://example.com/posts/77', caption: 'New shoes' },
    });
    const stored = sandbox.state.messages.get(sent.amojoMsgId)!;
    expect(stored.post?.id).toBe('post-77');
    const [hook] = await managerSays(stored.chatId, { text: '100 EUR', replyToId: sent.amojoMsgId });
    expect(hook?.kind).toBe('comment');
    if (hook?.kind !== 'comment') return;
    expect(hook.postId).toBe('post-77');
    expect(hook.body.message.message.reply_to?.message.id).toBe(sent.amojoMsgId);
  });
});

describe('history, typing, reactions', () => {
  it('getHistory reads a page; iterateHistory walks all pages; an unknown chat is an empty list', async () => {
    const { amojoChatId } = await clientSays('m0');
    for (let i = 1; i < 5; i++) await clientSays(`m${i}`);
    const page = await amojo.getHistory(SCOPE_ID, amojoChatId, { offset: 0, limit: 2 });
    expect(page).toHaveLength(2);
    const texts: string[] = [];
    for await (const item of amojo.iterateHistory(SCOPE_ID, amojoChatId, { pageSize: 2 }))
      texts.push(item.message.text ?? '');
    expect(texts.sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(await amojo.getHistory(SCOPE_ID, '00000000-0000-4000-8000-000000000000')).toEqual([]);
  });

  it('typing is accepted (204) and a manager typing arrives as a typing hook', async () => {
    const { amojoChatId } = await clientSays('hi');
    await amojo.typing(SCOPE_ID, { conversationId: 'conv-1', senderId: 'client-1', durationMs: 3000 });
    expect(sandbox.state.chats.get(amojoChatId)?.typingUntil).toBeGreaterThan(Date.now());
    const before = inbox.hooks.length;
    await control(sandbox.url, 'POST', `/chats/${amojoChatId}/typing`, {});
    const hook = inbox.hooks[before];
    expect(hook?.kind).toBe('typing');
    expect(hook?.kind === 'typing' && hook.amojoChatId).toBe(amojoChatId);
    expect(hook?.kind === 'typing' && hook.amojoUserId).toBe(MANAGER_ID);
  });

  it('react / unreact by the client and a manager reaction hook with amojoMsgId', async () => {
    const { amojoMsgId, amojoChatId } = await clientSays('hi');
    const [answer] = await managerSays(amojoChatId, { text: 'Hello' });
    const managerMsgId = answer?.kind === 'message' ? answer.amojoMsgId : '';
    await amojo.react(SCOPE_ID, {
      conversationId: 'conv-1',
      amojoMsgId: managerMsgId,
      user: { id: 'client-1' },
      emoji: '👍',
    });
    expect(sandbox.state.messages.get(managerMsgId)?.reactions.map((r) => r.emoji)).toEqual(['👍']);
    await amojo.unreact(SCOPE_ID, {
      conversationRefId: amojoChatId,
      amojoMsgId: managerMsgId,
      user: { id: 'client-1' },
    });
    expect(sandbox.state.messages.get(managerMsgId)?.reactions).toEqual([]);
    await expect(
      amojo.react(SCOPE_ID, {
        conversationId: 'conv-1',
        amojoMsgId: managerMsgId,
        user: { id: 'client-1' },
        emoji: '🦄',
      }),
    ).rejects.toMatchObject({ status: 400 });
    const before = inbox.hooks.length;
    await control(sandbox.url, 'POST', `/messages/${amojoMsgId}/reactions`, { emoji: '❤️' });
    const hook = inbox.hooks[before];
    expect(hook?.kind).toBe('reaction');
    if (hook?.kind !== 'reaction') return;
    expect([hook.amojoMsgId, hook.type, hook.emoji, hook.conversationId]).toEqual([amojoMsgId, 'react', '❤️', 'conv-1']);
  });
});
