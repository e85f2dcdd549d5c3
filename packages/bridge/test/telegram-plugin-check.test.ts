import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelManagementContext, ChannelSettingsError } from '../src/channels/channel-plugin.js';
import { channelPlugins } from '../src/channels/channel-plugins.js';
import { telegramChannelPlugin, telegramSettingsSchema } from '../src/channels/telegram/index.js';
import { createLogger } from '../src/log.js';
import { startTelegramEmulator, type TelegramEmulator } from './support/telegram-emulator/index.js';

// What `amojo-bridge channels add telegram` runs before saving: the settings schema, then getMe on the token.
describe('telegram plugin: settings and the getMe check', () => {
  let emulator: TelegramEmulator;
  beforeAll(async () => {
    emulator = await startTelegramEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const context = (publicUrl?: string): ChannelManagementContext => ({
    log: createLogger({ level: 'silent' }),
    now: () => new Date(),
    fetch: (input, init) => fetch(input, init),
    publicUrl,
    bridgeUrl: 'http://127.0.0.1:8080',
  });
  const candidate = (settings: Record<string, unknown>) => ({
    key: 'tg_1',
    name: 'Support bot',
    settings: telegramSettingsSchema.parse({ apiRoot: emulator.apiRoot, ...settings }),
    creating: true,
  });

  it('is the registry entry telegram with the token as a secret setting', () => {
    expect(channelPlugins.telegram).toBe(telegramChannelPlugin);
    expect(telegramChannelPlugin.secretSettings).toEqual(['token']);
  });

  it('refuses a malformed token and an unknown mode, naming the field', () => {
    const bad = telegramSettingsSchema.safeParse({ token: 'hello' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['token'], message: expect.stringMatching(/@BotFather/) });
    const mode = telegramSettingsSchema.safeParse({ token: `1:${'a'.repeat(35)}`, mode: 'carrier-pigeon' });
    expect(mode.error?.issues[0]).toMatchObject({ path: ['mode'], message: 'expected "polling" or "webhook"' });
    expect(telegramSettingsSchema.parse({ token: `1:${'a'.repeat(35)}` })).toMatchObject({
      mode: 'polling',
      apiRoot: 'https://api.telegram.org',
    });
  });

  it('says which bot a token belongs to and learns its id and username', async () => {
    const bot = emulator.addBot({ username: 'shop_support_bot', firstName: 'Shop support' });
    const result = await telegramChannelPlugin.check!(candidate({ token: bot.token }), context());
    expect(result).toEqual({
      notes: [`bot @shop_support_bot (Shop support, id ${bot.id})`],
      settings: { botId: bot.id, botUsername: 'shop_support_bot' },
    });
    expect(JSON.stringify(result)).not.toContain(bot.token);
  });

  it('refuses a token Telegram does not know, and webhook mode without a PUBLIC_URL (https for Telegram)', async () => {
    const unknown = await telegramChannelPlugin.check!(
      candidate({ token: `123456:${'x'.repeat(35)}` }),
      context(),
    ).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ChannelSettingsError);
    expect(unknown).toMatchObject({ field: 'token', message: expect.stringMatching(/does not know this token/) });
    const bot = emulator.addBot();
    // Telegram itself delivers webhooks over https only.
    const viaTelegram = {
      key: 'tg_1',
      name: 'Support bot',
      settings: telegramSettingsSchema.parse({ token: bot.token, mode: 'webhook' }),
      creating: true,
    };
    const webhook = await telegramChannelPlugin.check!(viaTelegram, context('http://bridge.example')).catch(
      (e: unknown) => e,
    );
    expect(webhook).toMatchObject({ field: 'mode', message: expect.stringMatching(/public https URL/) });
    // An own Bot API server (here the emulator) may take http, but a public URL is still needed.
    const noUrl = await telegramChannelPlugin.check!(candidate({ token: bot.token, mode: 'webhook' }), context()).catch(
      (e: unknown) => e,
    );
    expect(noUrl).toMatchObject({ field: 'mode', message: expect.stringMatching(/set PUBLIC_URL/) });
    expect(
      await telegramChannelPlugin.check!(
        candidate({ token: bot.token, mode: 'webhook' }),
        context('http://127.0.0.1:1'),
      ),
    ).toMatchObject({ settings: { botId: bot.id } });
    expect(
      await telegramChannelPlugin.check!(
        candidate({ token: bot.token, mode: 'webhook' }),
        context('https://bridge.example'),
      ),
    ).toMatchObject({
      settings: { botId: bot.id },
    });
  });
});
