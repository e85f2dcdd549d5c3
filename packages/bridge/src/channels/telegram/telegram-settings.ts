import { z } from 'zod';

/** Telegram's own Bot API server. */
export const TELEGRAM_API_ROOT = 'https://api.telegram.org';

/**
 * Settings of a `telegram` instance: the bot's token (a secret setting: encrypted at rest, never shown or logged),
 * how updates arrive, and where the Bot API is. `botId` and `botUsername` are learnt from `getMe` when the instance
 * is saved.
 */
export const telegramSettingsSchema = z.object({
  token: z
    .string()
    .regex(/^\d{1,20}:[A-Za-z0-9_-]{30,100}$/, { error: 'expected a bot token from @BotFather (<bot id>:<secret>)' })
    .describe('the bot token @BotFather gave (secret)'),
  mode: z
    .enum(['polling', 'webhook'], { error: 'expected "polling" or "webhook"' })
    .default('polling')
    .describe(
      'polling: the bridge asks Telegram for updates (no public URL needed); webhook: Telegram POSTs updates to ' +
        'PUBLIC_URL/channels/telegram/<instance>/webhook (PUBLIC_URL must be https)',
    ),
  apiRoot: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .default(TELEGRAM_API_ROOT)
    .describe('Bot API server: Telegram, or your own telegram-bot-api server'),
  botId: z.number().int().positive().optional().describe('the bot id (from getMe, filled in when saved)'),
  botUsername: z.string().max(64).optional().describe('the bot username (from getMe, filled in when saved)'),
});

/** Parsed settings of a `telegram` instance. */
export type TelegramSettings = z.output<typeof telegramSettingsSchema>;
