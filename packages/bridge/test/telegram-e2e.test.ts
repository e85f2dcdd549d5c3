import type { Message } from '@grammyjs/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import { CUSTOMER_MESSAGE_TYPES, sendManagerFiles } from './support/sandbox-api.js';
import { createTelegramHarness, type TelegramHarness } from './support/telegram-harness.js';

// The Telegram channel end to end: a customer writes to a bot in the emulator, the bridge (grammY, apiRoot = the
// emulator) relays it into the sandbox's amojo, a manager answers from the sandbox, the customer receives it in the
// emulator. Both update modes on both engines.
// TELEGRAM_E2E_CASE=sqlite-polling (etc.) runs one case while debugging; by default all four run.
const CASES = ENGINES.flatMap((engine) => (['polling', 'webhook'] as const).map((mode) => ({ engine, mode }))).filter(
  (c) => !process.env.TELEGRAM_E2E_CASE || `${c.engine}-${c.mode}` === process.env.TELEGRAM_E2E_CASE,
);

describe.each(CASES)('telegram channel end to end ($engine, $mode)', ({ engine, mode }) => {
  let h: TelegramHarness;
  beforeAll(async () => {
    h = await createTelegramHarness({ engine, mode });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('relays every customer message type, with captions and the sender, files re-served by the bridge', async () => {
    const ann = h.customer({ firstName: 'Ann', lastName: 'Lee', username: 'annlee' });
    const photo = Buffer.from('\xff\xd8\xff photo bytes', 'latin1');
    const pdf = Buffer.from('%PDF-1.4 invoice');
    ann.send({ text: 'Hello <b> & welcome' });
    ann.send({ photo, caption: 'my receipt' });
    ann.send({ document: pdf, fileName: 'invoice.pdf', mimeType: 'application/pdf', caption: 'the invoice' });
    ann.send({ video: Buffer.from('mp4 video'), duration: 7 });
    ann.send({ voice: Buffer.from('ogg voice'), duration: 3 });
    ann.send({ audio: Buffer.from('mp3 audio'), duration: 120, title: 'Song' });
    ann.send({ sticker: Buffer.from('webp sticker'), emoji: '😀' });
    ann.send({ location: { latitude: 55.75, longitude: 37.62 } });
    ann.send({ contact: { phoneNumber: '79150000001', firstName: 'Ann', lastName: 'Lee' } });
    const chat = await waitFor('the chat in the sandbox', () => h.chatOf(ann));
    expect(chat.client.name).toBe('Ann Lee');
    const messages = await h.inbound(chat.id, 9);
    expect(messages.map((m) => m.type)).toEqual([...CUSTOMER_MESSAGE_TYPES]);
    expect(messages[0]!.text).toBe('Hello <b> & welcome');
    expect(messages[1]!.text).toBe('my receipt');
    expect(messages[2]).toMatchObject({ text: 'the invoice', fileName: 'invoice.pdf', fileSize: pdf.length });
    // Files come from the bridge's own URL, never Telegram's (which carries the token), and hold the bytes.
    for (const m of messages.slice(1, 7)) {
      expect(m.media).toMatch(new RegExp(`^${h.bridgeUrl}/channels/telegram/files/[A-Za-z0-9_-]{43}/`));
      expect(m.media).not.toContain(h.bot.token);
    }
    const served = await fetch(messages[1]!.media!);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(photo);
    const document = await fetch(messages[2]!.media!);
    expect(document.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''invoice.pdf");
    expect(document.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(await document.arrayBuffer())).toEqual(pdf);
    // Served again from the bridge's store: Telegram is asked once per file.
    const getFileCalls = h.bot.callsOf('getFile').length;
    expect(Buffer.from(await (await fetch(messages[1]!.media!)).arrayBuffer())).toEqual(photo);
    expect(h.bot.callsOf('getFile').length).toBe(getFileCalls);
    const guessed = messages[1]!.media!.replace(/files\/[^/]+/, `files/${'A'.repeat(43)}`);
    expect((await fetch(guessed)).status).toBe(404);
    expect(h.logText()).not.toContain(h.bot.token);
  });

  it('keeps an album in order, relays an edit and a quote-reply', async () => {
    const bob = h.customer({ firstName: 'Bob' });
    const first = bob.send({ text: 'plese help' });
    bob.sendAlbum(
      [{ photo: Buffer.from('p1') }, { photo: Buffer.from('p2') }, { photo: Buffer.from('p3') }],
      'my trip',
    );
    const chat = await waitFor('the chat in the sandbox', () => h.chatOf(bob));
    const messages = await h.inbound(chat.id, 4);
    const album = messages.slice(1);
    expect(album.map((m) => m.type)).toEqual(['picture', 'picture', 'picture']);
    expect(album.map((m) => m.text)).toEqual(['my trip', '', '']);
    const bytes = await Promise.all(album.map(async (m) => (await (await fetch(m.media!)).arrayBuffer()).byteLength));
    expect(bytes).toEqual([2, 2, 2]);
    const contents = await Promise.all(
      album.map(async (m) => Buffer.from(await (await fetch(m.media!)).arrayBuffer()).toString()),
    );
    expect(contents).toEqual(['p1', 'p2', 'p3']);

    bob.edit(first.message_id, 'please help');
    await waitFor('the edit in the sandbox', async () => {
      const m = (await h.sandboxMessages(chat.id)).find((x) => x.id === messages[0]!.id);
      return m?.edited && m.text === 'please help';
    });
    bob.send({ text: 'about that' }, { replyTo: first.message_id });
    const reply = await waitFor('the reply', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.text === 'about that'),
    );
    expect(reply.replyTo?.id).toBe(messages[0]!.id);
  });

  it('delivers manager messages of every type with status 1, escapes text, keeps an album in order', async () => {
    const cat = h.customer({ firstName: 'Cat' });
    const hello = cat.send({ text: 'hi' });
    const chat = await waitFor('the chat in the sandbox', () => h.chatOf(cat));
    await h.inbound(chat.id, 1);
    const picture = await h.upload('pic.jpg', 'image/jpeg', Buffer.from('jpeg!'));
    const file = await h.upload('terms.pdf', 'application/pdf', Buffer.from('%PDF terms'));
    const sent = [
      ...(await h.sendManagerMessage(chat.id, { text: 'Price: 5 < 7 & <b>no tags</b>' })),
      ...(await sendManagerFiles(h, chat.id, [
        { type: 'picture', file: picture, fileName: 'pic.jpg', text: 'look' },
        { type: 'file', file, fileName: 'terms.pdf' },
        { type: 'video', file, fileName: 'clip.mp4' },
        { type: 'voice', file, fileName: 'v.ogg' },
        { type: 'audio', file, fileName: 'a.mp3' },
        { type: 'sticker', file: picture, fileName: 's.webp' },
      ])),
      ...(await h.sendManagerMessage(chat.id, {
        attachments: [
          { type: 'picture', media: picture.url, fileName: 'a1.jpg', fileSize: picture.fileSize },
          { type: 'picture', media: picture.url, fileName: 'a2.jpg', fileSize: picture.fileSize },
          { type: 'picture', media: picture.url, fileName: 'a3.jpg', fileSize: picture.fileSize },
        ],
        text: 'album',
      })),
      ...(await h.sendManagerMessage(chat.id, {
        text: 'answering this',
        replyToId: (await h.sandboxMessages(chat.id))[0]!.id,
      })),
    ];
    const received = await waitFor('every manager message at the customer', () => {
      const got = cat.received();
      return got.length >= sent.length ? got : undefined;
    });
    const kind = (m: Message) =>
      m.text !== undefined
        ? 'text'
        : (['photo', 'document', 'video', 'voice', 'audio', 'sticker'].find((k) => k in m) ?? '?');
    expect(received.map(kind)).toEqual([
      'text',
      'photo',
      'document',
      'video',
      'voice',
      'audio',
      'sticker',
      'photo',
      'photo',
      'photo',
      'text',
    ]);
    expect(received[0]!.text).toBe('Price: 5 < 7 & <b>no tags</b>');
    expect(received[1]!.caption).toBe('look');
    expect(received[10]!.reply_to_message?.message_id).toBe(hello.message_id);
    for (const m of sent) {
      await waitFor(`status 1 for ${m.id}`, async () =>
        (await h.sandboxMessages(chat.id)).find((x) => x.id === m.id && x.status === 'delivered'),
      );
    }
  });

  it('relays typing and reactions both ways', { timeout: 90_000 }, async () => {
    const dan = h.customer({ firstName: 'Dan' });
    const question = dan.send({ text: 'question' });
    const chat = await waitFor('the chat in the sandbox', () => h.chatOf(dan));
    const [customerMessage] = await h.inbound(chat.id, 1);
    const before = h.bot.callsOf('sendChatAction').length;
    // Typing is ephemeral: a typing job the queue reaches after the indication expired is dropped by design, which
    // a loaded machine can cause. The manager types again then (the sandbox sends one typing hook per 5 s).
    for (let attempt = 0; h.bot.callsOf('sendChatAction').length === before; attempt++) {
      const typing = await fetch(`${h.sandbox.url}/_sandbox/api/chats/${chat.id}/typing`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(typing.status).toBe(200);
      const shown = await waitFor('sendChatAction', () => h.bot.callsOf('sendChatAction').length > before, 6_000).catch(
        () => false,
      );
      if (!shown && attempt >= 4) throw new Error('manager typing never reached Telegram in 5 tries');
    }
    expect(h.bot.callsOf('sendChatAction').at(-1)!.params).toMatchObject({ chat_id: dan.chatId, action: 'typing' });

    // Manager reaction on the customer's message -> setMessageReaction on that Telegram message.
    expect(await h.managerReact(customerMessage!.id, '❤️')).toBe(200);
    await waitFor('the bot reaction', () => h.bot.botReactions.get(`${dan.chatId}:${question.message_id}`)?.length);
    expect(h.bot.botReactions.get(`${dan.chatId}:${question.message_id}`)).toEqual([{ type: 'emoji', emoji: '❤' }]);

    // Customer reaction on a manager message -> amojo react, then unreact.
    const [answer] = await h.sendManagerMessage(chat.id, { text: 'answer' });
    const delivered = await waitFor('the answer at the customer', () =>
      dan.received().find((m) => m.text === 'answer'),
    );
    dan.react(delivered.message_id, ['👍']);
    await waitFor('the customer reaction in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).find(
        (m) => m.id === answer!.id && m.reactions.some((r) => r.emoji === '👍' && r.byKind === 'client'),
      ),
    );
    // Telegram's ❤ is amoCRM's ❤️ (with the variation selector); the new emoji replaces the old one.
    dan.react(delivered.message_id, ['❤']);
    await waitFor('the customer ❤️ in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).find(
        (m) => m.id === answer!.id && m.reactions.length === 1 && m.reactions[0]!.emoji === '❤️',
      ),
    );
    dan.react(delivered.message_id, []);
    await waitFor('the reaction removed in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.id === answer!.id && m.reactions.length === 0),
    );
  });

  it('reports 901 for a customer who blocked the bot and honours a 429 retry_after', async () => {
    const eve = h.customer({ firstName: 'Eve' });
    eve.send({ text: 'hi' });
    const chat = await waitFor('the chat in the sandbox', () => h.chatOf(eve));
    await h.inbound(chat.id, 1);
    h.bot.failNext({ kind: 'too-many-requests', retryAfter: 1 }, { method: 'sendMessage' });
    const [limited] = await h.sendManagerMessage(chat.id, { text: 'after a 429' });
    await waitFor('delivered after the 429', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.id === limited!.id && m.status === 'delivered'),
    );
    const attempts = h.bot.callsOf('sendMessage').filter((c) => c.params.text === 'after a 429');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);

    eve.blockBot();
    const [refused] = await h.sendManagerMessage(chat.id, { text: 'are you there?' });
    const failed = await waitFor('status -1 in the sandbox', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.id === refused!.id && m.status === 'error'),
    );
    expect(failed.error).toEqual({
      code: 901,
      text: 'the customer blocked the bot (Forbidden: bot was blocked by the user)',
    });
  });

  it.runIf(mode === 'webhook')('refuses a webhook call without the right secret token', async () => {
    const url = `${h.bridgeUrl}/channels/telegram/${h.instanceKey}/webhook`;
    const update = JSON.stringify({
      update_id: 1,
      message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, text: 'x' },
    });
    const post = (headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: update });
    expect((await post({})).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': `${h.instanceSecret}x` })).status).toBe(401);
    const right = await post({
      'x-telegram-bot-api-secret-token': h.instanceSecret,
      'content-type': 'application/json',
    });
    expect(right.status).toBe(200);
    expect(h.bot.webhook).toMatchObject({ secretToken: h.instanceSecret, maxConnections: 1 });
    const noId = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': h.instanceSecret },
      body: '{"message":{}}',
    });
    expect(noId.status).toBe(400);
    expect(await noId.json()).toMatchObject({ message: 'update_id: expected an integer' });
  });
});
