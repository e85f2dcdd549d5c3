import { createHash, timingSafeEqual } from 'node:crypto';
import { ResponseTooLargeError, readResponseBytes } from '@amojo-bridge/sdk';
import type { Update } from '@grammyjs/types';
import type { FastifyInstance } from 'fastify';
import { GrammyError } from 'grammy';
import { asChannelInstanceKey } from '../../store/ids.js';
import type { ChannelRuntime } from '../channel-plugin.js';
import { handleUpdate } from './handle-update.js';
import { telegramApi, telegramFileDownloadUrl } from './telegram-api.js';
import { botIdOfToken } from './telegram-chat-key.js';
import { findTelegramFile, storeTelegramFileData } from './telegram-files.js';
import type { TelegramSettings } from './telegram-settings.js';

/** The largest update body accepted (Telegram's are a few KB; an album item with a long caption stays far below). */
export const TELEGRAM_WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;
/** Largest file download read from Telegram: the Bot API lets bots download files of up to 20 MB. */
const TELEGRAM_DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

// Both sides hashed first, so the comparison takes the same time whatever the lengths.
function secretMatches(given: unknown, expected: string | null): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The Telegram channel's routes:
 * - `POST /channels/telegram/:instance/webhook`: one update from Telegram, checked by `X-Telegram-Bot-Api-Secret-Token`
 *   (constant time); answered 200 only once the update is durable, 5xx when it is not (Telegram sends it again).
 * - `GET /channels/telegram/files/:key/:name`: a customer's file by its unguessable key, fetched from Telegram by the
 *   bridge on first request (the token stays inside the bridge) and kept.
 */
export function registerTelegramRoutes(app: FastifyInstance, runtime: ChannelRuntime<TelegramSettings>): void {
  app.post<{ Params: { instance: string } }>(
    '/channels/telegram/:instance/webhook',
    { bodyLimit: TELEGRAM_WEBHOOK_BODY_LIMIT_BYTES },
    async (request, reply) => {
      const instance = await runtime.findInstance(asChannelInstanceKey(request.params.instance));
      if (instance?.settings.mode !== 'webhook') {
        return reply.code(404).send({ error: 'not_found', message: 'no Telegram webhook instance with this key' });
      }
      if (!secretMatches(request.headers['x-telegram-bot-api-secret-token'], instance.secret)) {
        return reply.code(401).send({
          error: 'secret_token_invalid',
          message: 'X-Telegram-Bot-Api-Secret-Token is missing or does not match this instance',
        });
      }
      const update = request.body as Partial<Update> | null;
      if (typeof update !== 'object' || update === null || !Number.isSafeInteger(update.update_id)) {
        return reply.code(400).send({ error: 'invalid_update', message: 'update_id: expected an integer' });
      }
      const botId = instance.settings.botId ?? botIdOfToken(instance.settings.token)!;
      try {
        await handleUpdate(runtime, instance, botId, update as Update);
      } catch (error) {
        request.log.warn({ err: error, updateId: update.update_id }, 'telegram update not stored');
        return reply.code(503).send({ error: 'not_stored', message: 'the update was not stored; send it again' });
      }
      return reply.code(200).send({});
    },
  );

  app.get<{ Params: { key: string; name: string } }>('/channels/telegram/files/:key/:name', async (request, reply) => {
    const file = /^[A-Za-z0-9_-]{43}$/.test(request.params.key)
      ? await findTelegramFile(runtime.store.db, request.params.key)
      : undefined;
    if (!file) return reply.code(404).send({ error: 'not_found', message: 'no such file' });
    let data = file.data;
    if (!data) {
      const instance = (await runtime.listInstances()).find((i) => i.rowId === file.channelInstanceId);
      if (!instance) return reply.code(404).send({ error: 'not_found', message: 'the bot of this file was removed' });
      try {
        const info = await telegramApi(instance.settings).getFile(file.telegramFileId);
        if (!info.file_path) throw new Error('Telegram gave no file_path');
        const response = await runtime.fetch(telegramFileDownloadUrl(instance.settings, info.file_path), {
          signal: AbortSignal.timeout(60_000),
        });
        if (!response.ok) throw new Error(`Telegram answered ${response.status} to the download`);
        // Bots may download files of at most 20 MB (Bot API getFile); nothing larger is read.
        data = Buffer.from(await readResponseBytes(response, TELEGRAM_DOWNLOAD_LIMIT_BYTES));
      } catch (error) {
        // Never the download URL: it contains the token.
        const reason =
          error instanceof GrammyError
            ? error.description
            : error instanceof ResponseTooLargeError
              ? `the file is larger than ${error.limitBytes} bytes`
              : 'download failed';
        request.log.warn({ event: 'telegram_file_unavailable', reason }, 'telegram file could not be fetched');
        return reply
          .code(502)
          .send({ error: 'file_unavailable', message: `the file could not be fetched from Telegram: ${reason}` });
      }
      await storeTelegramFileData(runtime.store.db, { fileKey: file.fileKey, data, now: runtime.now().getTime() });
    }
    return (
      reply
        .code(200)
        .header('content-type', file.mimeType)
        .header('x-content-type-options', 'nosniff')
        // A customer chooses a document's type: never let one run as a page on the bridge's origin.
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header(
          'content-disposition',
          `${/^(image|audio|video)\//.test(file.mimeType) ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        )
        .header('cache-control', 'private, max-age=31536000, immutable')
        .send(data)
    );
  });
}
