import { createHash, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { FastifyInstance } from 'fastify';
import { rawBody } from '../../http/raw-body.js';
import { asChannelInstanceKey } from '../../store/ids.js';
import type { ChannelRuntime } from '../channel-plugin.js';
import { GraphApi, GraphApiRefusal } from './graph-api.js';
import { mapWebhook, WebhookShapeError } from './map-webhook.js';
import { mediaPath, mediaSignatureMatches } from './media-url.js';
import { signatureMatches } from './verify-signature.js';
import type { WhatsAppSettings } from './whatsapp-settings.js';
import { recordCustomerMessage } from './whatsapp-windows.js';

/** Meta's webhook bodies are a few KB; a batch stays far below this. */
export const WHATSAPP_WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

/** The webhook path of an instance (the "Callback URL" is PUBLIC_URL + this). */
export const whatsappWebhookPath = (instanceKey: string) =>
  `/channels/whatsapp/${encodeURIComponent(instanceKey)}/webhook`;

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function hasStatusCode(error: unknown): error is { statusCode: number; message: string } {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' && code >= 400 && code < 500;
}

/**
 * The WhatsApp channel's routes:
 * - `GET  /channels/whatsapp/:instance/webhook`: Meta's subscription handshake (`hub.challenge` echoed when
 *   `hub.verify_token` matches the instance's verify token).
 * - `POST /channels/whatsapp/:instance/webhook`: a batch of changes, its `X-Hub-Signature-256` checked on the raw
 *   body (constant time) before it is parsed; answered 200 only when every message of the batch is stored, 503
 *   otherwise (Meta redelivers; the wamid makes a redelivery a no-op).
 * - `GET  /channels/whatsapp/media/:instance/:mediaId/:sig/:name`: a customer's media, fetched from the Graph API
 *   with the instance's token and streamed; the signed path is what amoCRM is given, never the token.
 */
export async function registerWhatsAppRoutes(
  app: FastifyInstance,
  runtime: ChannelRuntime<WhatsAppSettings>,
): Promise<void> {
  // Inside this plugin's scope only: the body stays raw bytes, so the signature is checked on what Meta signed.
  await app.register(rawBody, { contentTypes: ['application/json'] });

  app.get<{ Params: { instance: string }; Querystring: Record<string, string | undefined> }>(
    '/channels/whatsapp/:instance/webhook',
    async (request, reply) => {
      const instance = await runtime.findInstance(asChannelInstanceKey(request.params.instance));
      if (!instance) return reply.code(404).send({ error: 'not_found', message: 'no WhatsApp instance with this key' });
      const query = request.query;
      if (query['hub.mode'] !== 'subscribe' || !sameSecret(query['hub.verify_token'], instance.settings.verifyToken)) {
        return reply.code(403).send({
          error: 'verify_token_invalid',
          message: 'hub.mode must be subscribe and hub.verify_token must equal the instance verifyToken',
        });
      }
      const challenge = query['hub.challenge'] ?? '';
      return reply.code(200).type('text/plain').send(challenge);
    },
  );

  app.post<{ Params: { instance: string } }>(
    '/channels/whatsapp/:instance/webhook',
    { bodyLimit: WHATSAPP_WEBHOOK_BODY_LIMIT_BYTES },
    async (request, reply) => {
      const instance = await runtime.findInstance(asChannelInstanceKey(request.params.instance));
      if (!instance) return reply.code(404).send({ error: 'not_found', message: 'no WhatsApp instance with this key' });
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!signatureMatches(request.headers['x-hub-signature-256'], raw, instance.settings.appSecret)) {
        return reply.code(401).send({
          error: 'signature_invalid',
          message:
            'X-Hub-Signature-256 is missing or does not match: it must be the HMAC-SHA256 of the raw body with the app secret (check appSecret)',
        });
      }
      // One Meta app sends every number's changes to the one callback it has: a change goes to the instance of its
      // phone number id among the instances of the same app (same app secret, which just proved the signature).
      const sameApp = (await runtime.listInstances()).filter(
        (i) => i.settings.appSecret === instance.settings.appSecret,
      );
      const byNumber = new Map(sameApp.map((i) => [i.settings.phoneNumberId, i]));
      const base = runtime.publicUrl ?? runtime.bridgeUrl;
      let items: ReturnType<typeof mapWebhook>;
      try {
        items = mapWebhook({
          body: JSON.parse(raw.toString('utf8')),
          instanceOf: (phoneNumberId) => {
            const target = byNumber.get(phoneNumberId);
            if (!target) return undefined;
            return {
              instanceKey: target.key,
              mediaUrlOf: (mediaId, fileName) =>
                `${base}${mediaPath(target.secret ?? '', target.key, mediaId, fileName)}`,
            };
          },
        });
      } catch (error) {
        const message = error instanceof WebhookShapeError ? error.message : 'body: not valid JSON';
        return reply.code(400).send({ error: 'invalid_webhook', message });
      }
      try {
        for (const item of items) {
          if (item.kind === 'skipped') {
            request.log.info(
              { instance: instance.key, what: item.what, ...item.detail },
              'whatsapp webhook item skipped',
            );
            continue;
          }
          const target = byNumber.get(item.phoneNumberId)!;
          try {
            await runtime.receive(item.event, { instance: target });
          } catch (error) {
            // A status or reaction on a message this bridge does not know can never be taken: log, do not fail the batch.
            if (item.kind !== 'message' && hasStatusCode(error)) {
              request.log.info(
                { instance: target.key, what: item.kind, reason: error.message },
                'whatsapp event not taken',
              );
              continue;
            }
            throw error;
          }
          if (item.kind === 'message') {
            await recordCustomerMessage(runtime.store.db, {
              instanceRowId: target.rowId,
              waId: item.waId,
              at: item.event.sentAt.getTime(),
            });
          }
        }
      } catch (error) {
        if (hasStatusCode(error))
          return reply.code(error.statusCode).send({ error: 'refused', message: error.message });
        request.log.warn({ err: error, instance: instance.key }, 'whatsapp webhook not stored');
        return reply.code(503).send({ error: 'not_stored', message: 'the batch was not stored; send it again' });
      }
      return reply.code(200).send({});
    },
  );

  app.get<{ Params: { instance: string; mediaId: string; sig: string; name: string } }>(
    '/channels/whatsapp/media/:instance/:mediaId/:sig/:name',
    async (request, reply) => {
      const { params } = request;
      const instance = await runtime.findInstance(asChannelInstanceKey(params.instance));
      if (!instance?.secret || !mediaSignatureMatches(instance.secret, instance.key, params.mediaId, params.sig)) {
        return reply.code(404).send({ error: 'not_found', message: 'no such file' });
      }
      try {
        const { response, mimeType } = await new GraphApi(instance.settings, runtime.fetch).downloadMedia(
          params.mediaId,
        );
        const length = response.headers.get('content-length');
        // Served as a download in a sandbox: a customer's file must never run as a page of the bridge's origin.
        reply
          .code(200)
          .type(mimeType)
          .header('cache-control', 'private, max-age=86400')
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(params.name)}`)
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('x-content-type-options', 'nosniff');
        if (length) reply.header('content-length', length);
        return reply.send(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>));
      } catch (error) {
        if (error instanceof GraphApiRefusal && error.status < 500 && error.status !== 401) {
          return reply.code(404).send({ error: 'not_found', message: 'WhatsApp no longer has this file' });
        }
        request.log.warn({ err: error, instance: instance.key }, 'whatsapp media not fetched');
        return reply
          .code(502)
          .send({ error: 'media_unavailable', message: 'the file could not be fetched from WhatsApp' });
      }
    },
  );
}
