import { Api } from 'grammy';
import type { TelegramSettings } from './telegram-settings.js';

// One Bot API request may take this long before grammY aborts it (its default is 500 s): a send stuck longer is
// retried by the queue instead of holding a worker.
const SEND_TIMEOUT_SECONDS = 30;

/** How long a long poll waits for updates at Telegram (`getUpdates` `timeout`). */
export const POLL_TIMEOUT_SECONDS = 25;

/** The grammY API client of a bot; `forPolling` allows a request to outlast the long poll. */
export function telegramApi(settings: Pick<TelegramSettings, 'token' | 'apiRoot'>, forPolling = false): Api {
  return new Api(settings.token, {
    apiRoot: settings.apiRoot.replace(/\/+$/, ''),
    timeoutSeconds: forPolling ? POLL_TIMEOUT_SECONDS + 15 : SEND_TIMEOUT_SECONDS,
  });
}

/** The download URL of a file: it contains the token, so it is fetched by the bridge and never shown or logged. */
export function telegramFileDownloadUrl(
  settings: Pick<TelegramSettings, 'token' | 'apiRoot'>,
  filePath: string,
): string {
  return `${settings.apiRoot.replace(/\/+$/, '')}/file/bot${settings.token}/${filePath}`;
}
