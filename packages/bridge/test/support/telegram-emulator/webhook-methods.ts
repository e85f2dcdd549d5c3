import { failures } from './bot-api-failure.js';
import type { CallContext } from './bot-methods.js';

/**
 * `setWebhook`: an https URL (or, in this emulator, http on loopback, since tests have no certificate), an optional
 * `secret_token` of 1-256 characters from A-Z, a-z, 0-9, `_` and `-`, `max_connections` 1-100 (default 40).
 */
export function setWebhook({ bot, params }: CallContext): true {
  const url = params.string('url') ?? '';
  if (url === '') {
    bot.webhook = undefined;
    return true;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw failures.badRequest('bad webhook: Failed to resolve host: Name or service not known');
  }
  const loopbackHttp = parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !loopbackHttp) {
    throw failures.badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  }
  const secretToken = params.string('secret_token');
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    throw failures.badRequest('secret token contains unallowed characters');
  }
  const maxConnections = params.integer('max_connections') ?? 40;
  if (maxConnections < 1 || maxConnections > 100)
    throw failures.badRequest('bad webhook: max_connections must be 1-100');
  const allowed = params.json<string[]>('allowed_updates');
  if (allowed !== undefined) {
    if (!Array.isArray(allowed)) throw failures.badRequest('field "allowed_updates" must be an Array');
    bot.updates.allowedUpdates = allowed;
  }
  if (params.boolean('drop_pending_updates')) bot.updates.dropAll();
  bot.webhook = { url, secretToken, maxConnections };
  bot.onUpdatesChanged();
  return true;
}

/** `deleteWebhook`: back to getUpdates; `drop_pending_updates` forgets what was not delivered. */
export function deleteWebhook({ bot, params }: CallContext): true {
  bot.webhook = undefined;
  if (params.boolean('drop_pending_updates')) bot.updates.dropAll();
  return true;
}

/** `getWebhookInfo`. */
export function getWebhookInfo({ bot }: CallContext): Record<string, unknown> {
  return {
    url: bot.webhook?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: bot.updates.pending().length,
    ...(bot.webhook ? { max_connections: bot.webhook.maxConnections } : {}),
    ...(bot.updates.allowedUpdates ? { allowed_updates: bot.updates.allowedUpdates } : {}),
    ...(bot.webhookLastError
      ? { last_error_date: bot.webhookLastError.date, last_error_message: bot.webhookLastError.message }
      : {}),
  };
}
