import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message } from '@grammyjs/types';
import { Api, GrammyError, HttpError } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramEmulator, type TelegramEmulator } from './support/telegram-emulator/index.js';

// The emulator is tested through grammY itself (the client the channel uses), so what passes here is what grammY
// sends and understands.
describe('Telegram Bot API emulator', () => {
  let emulator: TelegramEmulator;
  let files: Server;
  let filesBase: string;
  const apiOf = (token: string, timeoutSeconds?: number) =>
    new Api(token, { apiRoot: emulator.apiRoot, ...(timeoutSeconds ? { timeoutSeconds } : {}) });

  beforeAll(async () => {
    emulator = await startTelegramEmulator({ webhookRetryDelayMs: 20 });
    files = createServer((request, response) => {
      if (request.url === '/pic.jpg') {
        response.writeHead(200, { 'content-type': 'image/jpeg' });
        response.end(Buffer.from('jpeg-bytes'));
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesBase = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await emulator?.close();
    await new Promise((resolve) => files?.close(resolve));
  });

  it('answers getMe for a known token, 401 for an unknown one, 404 for an unknown method', async () => {
    const bot = emulator.addBot({ username: 'shop_support_bot', firstName: 'Shop support' });
    expect(await apiOf(bot.token).getMe()).toMatchObject({ id: bot.id, is_bot: true, username: 'shop_support_bot' });
    const unauthorized = await apiOf('123:nope')
      .getMe()
      .catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(GrammyError);
    expect((unauthorized as GrammyError).error_code).toBe(401);
    const unknown = await fetch(`${emulator.apiRoot}/bot${bot.token}/sendTelepathy`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    // Method names are case-insensitive on Telegram.
    expect((await fetch(`${emulator.apiRoot}/bot${bot.token}/getme`)).status).toBe(200);
  });

  it('validates required fields and chats: empty text, unknown chat, a user who blocked the bot', async () => {
    const bot = emulator.addBot();
    const api = apiOf(bot.token);
    const ann = bot.customer({ firstName: 'Ann' });
    ann.send({ text: 'hi' });
    const noText = await api.sendMessage(ann.chatId, '').catch((e: GrammyError) => e);
    expect(noText).toMatchObject({ error_code: 400, description: 'Bad Request: message text is empty' });
    const noChat = await fetch(`${emulator.apiRoot}/bot${bot.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x' }),
    });
    expect(await noChat.json()).toMatchObject({ error_code: 400, description: 'Bad Request: chat_id is empty' });
    const unknownChat = await api.sendMessage(42, 'hello').catch((e: GrammyError) => e);
    expect(unknownChat).toMatchObject({ error_code: 400, description: 'Bad Request: chat not found' });
    ann.blockBot();
    const blocked = await api.sendMessage(ann.chatId, 'hello').catch((e: GrammyError) => e);
    expect(blocked).toMatchObject({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
  });

  it('parses HTML like Telegram: unescaped < or & is a 400, escaped text reaches the user decoded', async () => {
    const bot = emulator.addBot();
    const api = apiOf(bot.token);
    const ann = bot.customer();
    ann.send({ text: 'hi' });
    const raw = await api.sendMessage(ann.chatId, '1 < 2 & 3', { parse_mode: 'HTML' }).catch((e: GrammyError) => e);
    expect(raw).toMatchObject({ error_code: 400 });
    expect((raw as GrammyError).description).toMatch(/can't parse entities/);
    const fake = await api.sendMessage(ann.chatId, '<script>x</script>', { parse_mode: 'HTML' }).catch((e) => e);
    expect((fake as GrammyError).description).toMatch(/Unsupported start tag "script"/);
    const sent = await api.sendMessage(ann.chatId, '1 &lt; 2 &amp; <b>bold</b>', { parse_mode: 'HTML' });
    expect(sent.text).toBe('1 < 2 & bold');
    expect(ann.received().map((m) => m.text)).toEqual(['1 < 2 & bold']);
  });

  it('getUpdates: pending until an offset confirms them, long poll wakes on a new update, 409 beside a webhook', async () => {
    const bot = emulator.addBot();
    const api = apiOf(bot.token);
    const ann = bot.customer();
    ann.send({ text: 'one' });
    ann.send({ text: 'two' });
    const first = await api.getUpdates();
    expect(first.map((u) => u.message?.text)).toEqual(['one', 'two']);
    expect(first[1]!.update_id).toBe(first[0]!.update_id + 1);
    // Not confirmed yet: the same updates again.
    expect((await api.getUpdates()).map((u) => u.update_id)).toEqual(first.map((u) => u.update_id));
    // An offset confirms only what is below it.
    expect((await api.getUpdates({ offset: first[1]!.update_id })).map((u) => u.message?.text)).toEqual(['two']);
    expect(await api.getUpdates({ offset: first[1]!.update_id + 1 })).toEqual([]);
    expect(await api.getUpdates()).toEqual([]);
    expect(await api.getUpdates({ limit: 1 })).toEqual([]);

    const waiting = api.getUpdates({ timeout: 20 });
    setTimeout(() => ann.send({ text: 'three' }), 50);
    expect((await waiting).map((u) => u.message?.text)).toEqual(['three']);

    // A second poller ends the first with 409.
    const older = api.getUpdates({ offset: (await api.getUpdates())[0]!.update_id + 1, timeout: 20 });
    const newer = api.getUpdates({ timeout: 1 });
    const ended = await older.catch((e: GrammyError) => e);
    expect(ended).toMatchObject({ error_code: 409 });
    expect((ended as GrammyError).description).toMatch(/terminated by other getUpdates request/);
    await newer;

    await api.setWebhook('http://127.0.0.1:9/never');
    const conflict = await api.getUpdates().catch((e: GrammyError) => e);
    expect(conflict).toMatchObject({ error_code: 409 });
    await api.deleteWebhook();
  });

  it('creates message_reaction updates only for a bot that asked for them in allowed_updates', async () => {
    const bot = emulator.addBot();
    const api = apiOf(bot.token);
    const ann = bot.customer();
    const message = ann.send({ text: 'hi' });
    ann.react(message.message_id, ['👍']);
    expect((await api.getUpdates()).map((u) => Object.keys(u)[1])).toEqual(['message']);
    expect(bot.updates.dropped).toBe(1);
    await api.getUpdates({ allowed_updates: ['message', 'message_reaction'], offset: -1 });
    ann.react(message.message_id, ['🔥']);
    const updates = await api.getUpdates({ offset: bot.updates.created[0]!.update_id + 1 });
    expect(updates[0]?.message_reaction).toMatchObject({
      message_id: message.message_id,
      old_reaction: [{ type: 'emoji', emoji: '👍' }],
      new_reaction: [{ type: 'emoji', emoji: '🔥' }],
    });
  });

  it('delivers by webhook with the secret token, retrying an update until a 2xx, in order with one connection', async () => {
    const bot = emulator.addBot();
    const api = apiOf(bot.token);
    const seen: { id: number; secret: string | undefined }[] = [];
    let failuresLeft = 2;
    const hook = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { update_id: number };
      seen.push({ id: update.update_id, secret: request.headers['x-telegram-bot-api-secret-token'] as string });
      if (failuresLeft-- > 0) return response.writeHead(500).end();
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/tg`;
    try {
      const bad = await api.setWebhook(url, { secret_token: 'no spaces allowed' }).catch((e: GrammyError) => e);
      expect(bad).toMatchObject({
        error_code: 400,
        description: 'Bad Request: secret token contains unallowed characters',
      });
      const notHttps = await api.setWebhook('http://shop.example/tg').catch((e: GrammyError) => e);
      expect((notHttps as GrammyError).description).toMatch(/HTTPS URL must be provided/);
      await api.setWebhook(url, { secret_token: 'S3cret_token-1', max_connections: 1 });
      const ann = bot.customer();
      for (const text of ['a', 'b', 'c']) ann.send({ text });
      const ids = bot.updates.created.map((u) => u.update_id);
      const deadline = Date.now() + 20_000;
      while (bot.updates.pending().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(bot.updates.pending()).toEqual([]);
      // The first update failed twice and was retried before the second was sent: order kept.
      expect(seen.map((s) => s.id)).toEqual([ids[0], ids[0], ids[0], ids[1], ids[2]]);
      expect(new Set(seen.map((s) => s.secret))).toEqual(new Set(['S3cret_token-1']));
      const info = await api.getWebhookInfo();
      expect(info).toMatchObject({ url, pending_update_count: 0, max_connections: 1 });
      expect(info.last_error_message).toMatch(/500/);
    } finally {
      await api.deleteWebhook();
      await new Promise((resolve) => hook.close(resolve));
    }
  });

  it('serves getFile and the download, and refuses a file id it never issued', async () => {
    const bot = emulator.addBot();
    const api = apiOf(bot.token);
    const ann = bot.customer();
    const photo = Buffer.from('a picture, honestly');
    const message = ann.send({ photo, caption: 'look' });
    const largest = message.photo!.at(-1)!;
    const file = await api.getFile(largest.file_id);
    expect(file.file_size).toBe(photo.length);
    const download = await fetch(`${emulator.apiRoot}/file/bot${bot.token}/${file.file_path}`);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(photo);
    expect((await fetch(`${emulator.apiRoot}/file/bot${bot.token}/photos/nope.jpg`)).status).toBe(404);
    const wrong = await api.getFile('AgACAgIAAxkBAAI-made-up').catch((e: GrammyError) => e);
    expect(wrong).toMatchObject({ error_code: 400, description: 'Bad Request: invalid file_id' });
    // Another bot's file id is not this bot's.
    const other = emulator.addBot();
    expect(
      await apiOf(other.token)
        .getFile(largest.file_id)
        .catch((e: GrammyError) => e.error_code),
    ).toBe(400);
  });

  it('sends media by URL and by file id, albums, locations, contacts, chat actions and reactions', async () => {
    const bot = emulator.addBot();
    const api = apiOf(bot.token);
    const ann = bot.customer();
    const hello = ann.send({ text: 'hi' });
    const byUrl = await api.sendPhoto(ann.chatId, `${filesBase}/pic.jpg`, { caption: 'a &amp; b', parse_mode: 'HTML' });
    expect(byUrl.caption).toBe('a & b');
    const fileId = byUrl.photo!.at(-1)!.file_id;
    const downloaded = await api.getFile(fileId);
    expect(downloaded.file_size).toBe('jpeg-bytes'.length);
    await api.sendPhoto(ann.chatId, fileId, { reply_parameters: { message_id: hello.message_id } });
    const missing = await api.sendPhoto(ann.chatId, `${filesBase}/missing.jpg`).catch((e: GrammyError) => e);
    expect(missing).toMatchObject({ error_code: 400, description: 'Bad Request: failed to get HTTP URL content' });
    const notLocal = await api.sendDocument(ann.chatId, 'https://example.com/x.pdf').catch((e: GrammyError) => e);
    expect((notLocal as GrammyError).error_code).toBe(400);

    const album = await api.sendMediaGroup(ann.chatId, [
      { type: 'photo', media: fileId, caption: 'first' },
      { type: 'photo', media: `${filesBase}/pic.jpg` },
    ]);
    expect(album).toHaveLength(2);
    const [first, second] = album as Message[];
    expect(first!.media_group_id).toEqual(expect.any(String));
    expect(first!.media_group_id).toBe(second!.media_group_id);
    const single = await api
      .sendMediaGroup(ann.chatId, [{ type: 'photo', media: fileId }])
      .catch((e: GrammyError) => e);
    expect((single as GrammyError).error_code).toBe(400);

    expect((await api.sendLocation(ann.chatId, 55.75, 37.61)).location).toEqual({ latitude: 55.75, longitude: 37.61 });
    expect(await api.sendLocation(ann.chatId, 95, 0).catch((e: GrammyError) => e.description)).toBe(
      'Bad Request: wrong latitude',
    );
    expect((await api.sendContact(ann.chatId, '+79150000000', 'Shop')).contact?.phone_number).toBe('+79150000000');

    expect(await api.sendChatAction(ann.chatId, 'typing')).toBe(true);
    expect(
      await api.raw.sendChatAction({ chat_id: ann.chatId, action: 'dancing' as 'typing' }).catch((e) => e.error_code),
    ).toBe(400);

    expect(await api.setMessageReaction(ann.chatId, hello.message_id, [{ type: 'emoji', emoji: '👍' }])).toBe(true);
    expect(bot.botReactions.get(`${ann.chatId}:${hello.message_id}`)).toEqual([{ type: 'emoji', emoji: '👍' }]);
    const invalid = await api
      .setMessageReaction(ann.chatId, hello.message_id, [{ type: 'emoji', emoji: '🦖' as '👍' }])
      .catch((e: GrammyError) => e);
    expect(invalid).toMatchObject({ error_code: 400, description: 'Bad Request: REACTION_INVALID' });
    const noMessage = await api.setMessageReaction(ann.chatId, 9999, []).catch((e: GrammyError) => e);
    expect((noMessage as GrammyError).description).toBe('Bad Request: MESSAGE_ID_INVALID');
    const badReply = await api
      .sendMessage(ann.chatId, 'x', { reply_parameters: { message_id: 9999 } })
      .catch((e: GrammyError) => e);
    expect((badReply as GrammyError).description).toBe('Bad Request: message to be replied not found');
  });

  it('fails on demand: 429 with retry_after, 5xx, and a call that never answers', async () => {
    const bot = emulator.addBot();
    const api = apiOf(bot.token, 1);
    const ann = bot.customer();
    ann.send({ text: 'hi' });
    bot.failNext({ kind: 'too-many-requests', retryAfter: 7 }, { method: 'sendMessage' });
    const limited = await api.sendMessage(ann.chatId, 'x').catch((e: GrammyError) => e);
    expect(limited).toBeInstanceOf(GrammyError);
    expect(limited).toMatchObject({ error_code: 429, parameters: { retry_after: 7 } });
    bot.failNext({ kind: 'status', status: 502 }, { times: 2 });
    expect(await api.getMe().catch((e: GrammyError) => e.error_code)).toBe(502);
    expect(await api.sendMessage(ann.chatId, 'x').catch((e: GrammyError) => e.error_code)).toBe(502);
    bot.failNext({ kind: 'timeout' }, { method: 'sendMessage' });
    const timedOut = await api.sendMessage(ann.chatId, 'x').catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(HttpError);
    // The token never appears in grammY's error message.
    expect(String((timedOut as Error).message)).not.toContain(bot.token);
    expect((await api.sendMessage(ann.chatId, 'after')).text).toBe('after');
    expect(bot.callsOf('sendMessage').map((c) => c.status)).toEqual([429, 502, 0, 200]);
  });
});
