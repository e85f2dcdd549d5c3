import { GrammyError } from 'grammy';
import { ChannelSettingsError, defineChannelPlugin } from '../channel-plugin.js';
import { registerTelegramRoutes } from './register-telegram-routes.js';
import { createTelegramAdapter, telegramWebhookUrl } from './telegram-adapter.js';
import { telegramApi } from './telegram-api.js';
import { TELEGRAM_API_ROOT, telegramSettingsSchema } from './telegram-settings.js';

/** The `telegram` channel: one bot per instance, on grammY, by webhook or long polling. */
export const telegramChannelPlugin = defineChannelPlugin({
  kind: 'telegram',
  title: 'Telegram bot',
  description:
    'A Telegram bot per instance (--set token=<token from @BotFather>): customers write to the bot, managers ' +
    'answer from amoCRM. mode=polling (default) needs no public URL; mode=webhook needs PUBLIC_URL over https.',
  settings: telegramSettingsSchema,
  secretSettings: ['token'],
  // The webhook's secret_token: generated, checked on every update, never shown.
  instanceSecret: 'internal',
  async check(candidate, context) {
    const { settings } = candidate;
    // Telegram delivers webhooks over https only; an own Bot API server in --local mode also takes http.
    const needsHttps = settings.apiRoot.replace(/\/+$/, '') === TELEGRAM_API_ROOT;
    if (settings.mode === 'webhook' && !(needsHttps ? context.publicUrl?.startsWith('https://') : context.publicUrl)) {
      throw new ChannelSettingsError(
        'mode',
        `webhook mode needs the bridge's public ${needsHttps ? 'https ' : ''}URL: set PUBLIC_URL or use mode=polling`,
      );
    }
    let me: Awaited<ReturnType<ReturnType<typeof telegramApi>['getMe']>>;
    try {
      me = await telegramApi(settings).getMe();
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 401) {
        throw new ChannelSettingsError(
          'token',
          'Telegram does not know this token (401): copy it again from @BotFather',
        );
      }
      const reason = error instanceof GrammyError ? error.description : 'Telegram could not be reached';
      throw new ChannelSettingsError('token', `the token could not be checked with getMe: ${reason}`);
    }
    return {
      notes: [`bot @${me.username} (${me.first_name}, id ${me.id})`],
      settings: { botId: me.id, botUsername: me.username },
    };
  },
  connectionInfo: (instance, context) => ({
    bot: instance.settings.botUsername ? `https://t.me/${instance.settings.botUsername}` : 'unknown',
    mode: instance.settings.mode,
    ...(instance.settings.mode === 'webhook' && context.publicUrl
      ? { webhookUrl: telegramWebhookUrl(context.publicUrl, instance.key) }
      : {}),
  }),
  createAdapter: (instance, runtime) => createTelegramAdapter(instance, runtime),
  routes: (app, runtime) => registerTelegramRoutes(app, runtime),
  async removed(instance) {
    if (instance.settings.mode === 'webhook') await telegramApi(instance.settings).deleteWebhook();
  },
});
