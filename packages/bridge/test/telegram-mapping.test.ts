import type { Update } from '@grammyjs/types';
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundChannelMessage } from '../src/channels/channel-adapter.js';
import { escapeHtml } from '../src/channels/telegram/escape-html.js';
import { mapOutbound, splitText } from '../src/channels/telegram/map-outbound.js';
import { amojoReactionEmoji, reactionParam, telegramReactionEmoji } from '../src/channels/telegram/map-reaction.js';
import { mapSendError } from '../src/channels/telegram/map-send-error.js';
import { mapUpdate } from '../src/channels/telegram/map-update.js';
import { botIdOfToken, chatIdOfKey, telegramChatKey } from '../src/channels/telegram/telegram-chat-key.js';
import { asChannelChatKey, asMsgid } from '../src/store/ids.js';
import { startTelegramEmulator, type TelegramEmulator } from './support/telegram-emulator/index.js';

// Updates are made by the emulator's customers, so they have the shape Telegram gives them; send errors come from
// real calls to the emulator through grammY.
describe('Telegram mapping', () => {
  let emulator: TelegramEmulator;
  beforeAll(async () => {
    emulator = await startTelegramEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const lastUpdate = (bot: { updates: { created: Update[] } }): Update => bot.updates.created.at(-1)!;

  it('maps every customer message type, with captions, replies, albums and the sender', () => {
    const bot = emulator.addBot();
    const ann = bot.customer({ firstName: 'Ann', lastName: 'Lee', username: 'annlee' });
    const key = telegramChatKey(bot.id, ann.chatId);
    const map = () => mapUpdate(bot.id, lastUpdate(bot));

    const hello = ann.send({ text: 'Hello <b>&' });
    expect(map()).toMatchObject({
      kind: 'message',
      channelMessageId: String(hello.message_id),
      chatKey: key,
      sender: { id: String(ann.user.id), name: 'Ann Lee', username: 'annlee' },
      message: { type: 'text', text: 'Hello <b>&' },
    });
    ann.send({ photo: Buffer.alloc(400, 1), caption: 'my receipt' }, { replyTo: hello.message_id });
    const photo = map();
    expect(photo).toMatchObject({
      kind: 'message',
      message: { type: 'picture', text: 'my receipt', fileSize: 400 },
      file: { mimeType: 'image/jpeg', size: 400 },
      replyToChannelMessageId: String(hello.message_id),
    });
    // The largest size, not the thumbnail.
    const sent = lastUpdate(bot).message!;
    expect(photo.kind === 'message' && photo.file?.fileId).toBe(sent.photo!.at(-1)!.file_id);

    ann.send({ document: Buffer.from('%PDF'), fileName: 'invoice.pdf', mimeType: 'application/pdf', caption: 'inv' });
    expect(map()).toMatchObject({
      message: { type: 'file', text: 'inv', fileName: 'invoice.pdf', fileSize: 4 },
      file: { fileName: 'invoice.pdf', mimeType: 'application/pdf' },
    });
    ann.send({ video: Buffer.alloc(10), duration: 12 });
    expect(map()).toMatchObject({ message: { type: 'video', mediaDuration: 12 }, file: { mimeType: 'video/mp4' } });
    ann.send({ voice: Buffer.alloc(10), duration: 3 });
    expect(map()).toMatchObject({ message: { type: 'voice', mediaDuration: 3 }, file: { mimeType: 'audio/ogg' } });
    ann.send({ audio: Buffer.alloc(10), duration: 200, title: 'Song' });
    expect(map()).toMatchObject({ message: { type: 'audio', fileName: 'Song.mp3', mediaDuration: 200 } });
    ann.send({ sticker: Buffer.alloc(10), emoji: '😀' });
    expect(map()).toMatchObject({ message: { type: 'sticker', text: '😀' }, file: { mimeType: 'image/webp' } });
    ann.send({ location: { latitude: 55.75, longitude: 37.62 } });
    expect(map()).toMatchObject({ message: { type: 'location', location: { lat: 55.75, lon: 37.62 } } });
    ann.send({ contact: { phoneNumber: '79150000001', firstName: 'Ann', lastName: 'Lee' } });
    // Her own contact: its phone becomes the sender's phone (for amoCRM's contact and duplicate control).
    expect(map()).toMatchObject({
      message: { type: 'contact', contact: { name: 'Ann Lee', phone: '79150000001' } },
      sender: { phone: '+79150000001' },
    });

    const album = ann.sendAlbum(
      [{ photo: Buffer.alloc(5) }, { photo: Buffer.alloc(6) }, { photo: Buffer.alloc(7) }],
      'trip',
    );
    const mapped = bot.updates.created.slice(-3).map((u) => mapUpdate(bot.id, u));
    expect(mapped.map((m) => m.kind === 'message' && m.mediaGroupId)).toEqual(album.map((m) => m.media_group_id));
    expect(mapped.map((m) => m.kind === 'message' && m.message.text)).toEqual(['trip', '', '']);
    expect(mapped.map((m) => m.kind === 'message' && Number(m.channelMessageId))).toEqual(
      album.map((m) => m.message_id),
    );
  });

  it('maps an edit, reactions (added and removed) and ignores what is not relayed', () => {
    const bot = emulator.addBot();
    bot.updates.allowedUpdates = ['message', 'edited_message', 'message_reaction'];
    const bob = bot.customer({ username: 'bob', firstName: '' });
    const m = bob.send({ text: 'helo' });
    bob.edit(m.message_id, 'hello');
    expect(mapUpdate(bot.id, lastUpdate(bot))).toMatchObject({
      kind: 'edit',
      channelMessageId: String(m.message_id),
      text: 'hello',
    });
    bob.react(m.message_id, ['👍', '🔥']);
    expect(mapUpdate(bot.id, lastUpdate(bot))).toMatchObject({
      kind: 'reaction',
      added: ['👍', '🔥'],
      removed: [],
      senderName: '@bob',
    });
    bob.react(m.message_id, ['🔥']);
    expect(mapUpdate(bot.id, lastUpdate(bot))).toMatchObject({ kind: 'reaction', added: [], removed: ['👍'] });
    expect(mapUpdate(bot.id, { update_id: 1, callback_query: {} } as unknown as Update)).toEqual({
      kind: 'ignored',
      reason: 'callback_query updates are not relayed',
    });
    const group = { ...m, chat: { id: -100, type: 'group', title: 'g' } };
    expect(mapUpdate(bot.id, { update_id: 2, message: group } as unknown as Update).kind).toBe('ignored');
  });

  it('keys chats by bot and chat id, and reads the bot id of a token', () => {
    expect(telegramChatKey(7, 42)).toBe('7:42');
    expect(chatIdOfKey('7:42', 7)).toBe(42);
    expect(chatIdOfKey('8:42', 7)).toBeUndefined();
    expect(botIdOfToken('123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw')).toBe(123456);
    expect(botIdOfToken('not a token')).toBeUndefined();
  });

  const outbound = (message: OutboundChannelMessage['message']): OutboundChannelMessage => ({
    messageId: asMsgid('ab-1'),
    recipient: { chatKey: asChannelChatKey('1:2') },
    sender: { id: 'm' },
    message,
    sentAt: new Date(),
  });

  it('maps manager messages to send methods with escaped text, splits and fallbacks', () => {
    expect(escapeHtml('1 < 2 & <b>"x"</b>')).toBe('1 &lt; 2 &amp; &lt;b&gt;&quot;x&quot;&lt;/b&gt;');
    expect(mapOutbound(2, outbound({ type: 'text', text: 'a < b' }), 5)).toEqual([
      {
        method: 'sendMessage',
        params: {
          chat_id: 2,
          text: 'a &lt; b',
          parse_mode: 'HTML',
          reply_parameters: { message_id: 5, allow_sending_without_reply: true },
        },
      },
    ]);
    const media = (type: 'picture' | 'file' | 'video' | 'voice' | 'audio' | 'sticker', fileSize = 10) =>
      mapOutbound(2, outbound({ type, text: 'cap', media: 'https://x/y', fileName: 'y', fileSize }))[0]!;
    expect(media('picture')).toMatchObject({ method: 'sendPhoto', params: { photo: 'https://x/y', caption: 'cap' } });
    expect(media('file').method).toBe('sendDocument');
    expect(media('video').method).toBe('sendVideo');
    expect(media('voice').method).toBe('sendVoice');
    expect(media('audio').method).toBe('sendAudio');
    expect(media('sticker')).toMatchObject({ method: 'sendSticker', params: { sticker: 'https://x/y' } });
    expect(media('picture', 6 * 1024 * 1024).method).toBe('sendDocument');
    expect(media('file', 30 * 1024 * 1024)).toMatchObject({
      method: 'sendMessage',
      params: { text: 'cap\ny: https://x/y' },
    });
    expect(mapOutbound(2, outbound({ type: 'location', location: { lat: 1, lon: 2 } }))).toEqual([
      { method: 'sendLocation', params: { chat_id: 2, latitude: 1, longitude: 2 } },
    ]);
    expect(mapOutbound(2, outbound({ type: 'contact', contact: { name: 'Ann Lee', phone: '+7915' } }))[0]).toEqual({
      method: 'sendContact',
      params: { chat_id: 2, phone_number: '+7915', first_name: 'Ann', last_name: 'Lee' },
    });
    const long = 'word '.repeat(1000);
    const parts = mapOutbound(2, outbound({ type: 'text', text: long }));
    expect(parts.length).toBe(2);
    expect(splitText(long).join(' ').trim()).toBe(long.trim());
    expect(splitText(long).every((p) => p.length <= 4096)).toBe(true);
    const longCaption = mapOutbound(2, outbound({ type: 'picture', text: 'c'.repeat(2000), media: 'https://x/y' }));
    expect(longCaption.map((s) => s.method)).toEqual(['sendPhoto', 'sendMessage']);
    expect(longCaption[0]!.params.caption).toBeUndefined();
    const buttons = mapOutbound(
      2,
      outbound({ type: 'text', text: 't', buttons: [[{ text: 'Site', url: 'https://s' }]] }),
    );
    expect(buttons[0]!.params.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Site', url: 'https://s' }]] });
  });

  it('maps reactions to what Telegram allows a bot', () => {
    expect(telegramReactionEmoji('❤️')).toBe('❤');
    expect(telegramReactionEmoji('🦖')).toBeUndefined();
    expect(reactionParam('react', '👍')).toEqual([{ type: 'emoji', emoji: '👍' }]);
    expect(reactionParam('unreact', undefined)).toEqual([]);
    expect(reactionParam('react', '🦖')).toBeUndefined();
    expect(amojoReactionEmoji('❤')).toBe('❤️');
    expect(amojoReactionEmoji('👍')).toBe('👍');
  });

  it('maps Telegram refusals: 403 blocked -> 901, chat not found -> 904, 429 retry_after, 5xx retried, other 905', async () => {
    const bot = emulator.addBot();
    const api = new Api(bot.token, { apiRoot: emulator.apiRoot, timeoutSeconds: 1 });
    const ann = bot.customer();
    ann.send({ text: 'hi' });
    const failure = (promise: Promise<unknown>) => promise.then(() => undefined, mapSendError);

    expect(await failure(api.sendMessage(999, 'x'))).toEqual({
      ok: false,
      errorCode: 904,
      reason: 'Telegram: Bad Request: chat not found',
      retryable: false,
    });
    bot.failNext({ kind: 'too-many-requests', retryAfter: 3 });
    expect(await failure(api.sendMessage(ann.chatId, 'x'))).toMatchObject({ retryable: true, retryAfterMs: 3000 });
    bot.failNext({ kind: 'status', status: 503 });
    expect(await failure(api.sendMessage(ann.chatId, 'x'))).toMatchObject({ errorCode: 905, retryable: true });
    bot.failNext({ kind: 'timeout' });
    expect(await failure(api.sendMessage(ann.chatId, 'x'))).toMatchObject({ errorCode: 905, retryable: true });
    expect(await failure(api.sendMessage(ann.chatId, '<oops>', { parse_mode: 'HTML' }))).toMatchObject({
      errorCode: 905,
      retryable: false,
      reason: expect.stringMatching(/can't parse entities/),
    });
    ann.blockBot();
    const blocked = await failure(api.sendMessage(ann.chatId, 'x'));
    expect(blocked).toEqual({
      ok: false,
      errorCode: 901,
      reason: 'the customer blocked the bot (Forbidden: bot was blocked by the user)',
      retryable: false,
    });
    expect(JSON.stringify(blocked)).not.toContain(bot.token);
  });
});
