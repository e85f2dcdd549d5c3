import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findNulByte, nulByteRefusal } from '../../find-nul-byte.js';
import { rawBody } from '../../http/raw-body.js';
import { errorReplyScope } from '../../http/register-error-reply.js';
import { asChannelChatKey, asChannelInstanceKey, asMsgid, type ChannelInstanceKey } from '../../store/ids.js';
import type { InboundChannelEvent } from '../channel-adapter.js';
import { ChannelEventRefusedError, type ChannelRuntime } from '../channel-plugin.js';
import { declaredReactionEmoji, reactionEmojiOf } from './http-capabilities.js';
import { type HttpChannelEvent, parseHttpChannelEvent } from './http-event-schema.js';
import type { HttpSettings } from './http-settings.js';
import { verifyWebhook } from './webhook-signature.js';

/** Largest customer event accepted, bytes (media travel as URLs, never inline). */
export const HTTP_CHANNEL_BODY_LIMIT_BYTES = 256 * 1024;

interface EventsRoute {
  Params: { instance: string };
  Body: Buffer;
}

/**
 * Registers `POST /channels/http/:instance/events`: a customer system posts customer events signed Standard-Webhooks
 * style with the instance secret. The answer (200 with our message id) is sent only after the event is committed;
 * the same `eventId` again stores nothing and answers the same id. Refusals say what was wrong: 401 for signatures,
 * 400 for the body, 404 for an unknown instance or message.
 */
export async function registerHttpChannelRoutes(
  app: FastifyInstance,
  runtime: ChannelRuntime<HttpSettings>,
): Promise<void> {
  const log = runtime.log.child({ component: 'http-channel' });
  // CHANNEL_BODY_LIMIT_BYTES (config.limits), passed to every channel's runtime.
  const bodyLimit = runtime.bodyLimitBytes ?? HTTP_CHANNEL_BODY_LIMIT_BYTES;
  await app.register(async (scope) => {
    await scope.register(rawBody, { contentTypes: '*', bodyLimit });
    const instanceIdOf = (request: FastifyRequest) => (request.params as { instance?: string } | undefined)?.instance;
    // A customer system retries what was not stored: a failure is 503 `unavailable`, not 500.
    errorReplyScope(scope, {
      log,
      logFields: (request) => ({ instanceId: instanceIdOf(request) }),
      map: (error, request) => {
        if (!(error instanceof ChannelEventRefusedError)) return undefined;
        log.warn({ instanceId: instanceIdOf(request), reason: error.message }, 'customer event refused');
        return { status: error.statusCode, body: { error: 'refused', message: error.message } };
      },
      tooLarge: { message: (limit) => `event body exceeds ${limit} bytes` },
      failure: {
        status: 503,
        error: 'unavailable',
        message: 'the event was not stored; retry it',
        log: 'customer event could not be stored',
      },
    });
    scope.post<EventsRoute>('/channels/http/:instance/events', { bodyLimit }, (request, reply) =>
      handleEvent(runtime, log, request, reply),
    );
  });
}

async function handleEvent(
  runtime: ChannelRuntime<HttpSettings>,
  log: ChannelRuntime['log'],
  request: FastifyRequest<EventsRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const key = asChannelInstanceKey(request.params.instance);
  const instance = await runtime.findInstance(key);
  if (!instance) {
    log.warn({ instanceId: key }, 'customer event refused: unknown http channel instance');
    return reply.code(404).send({ error: 'unknown_instance', message: `http channel instance ${key} does not exist` });
  }
  if (!instance.secret) {
    return reply
      .code(401)
      .send({ error: 'no_secret', message: `http channel instance ${key} has no secret: set one to receive events` });
  }
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const verified = verifyWebhook({ headers: request.headers, body: raw, secret: instance.secret, now: runtime.now() });
  if (!verified.ok) {
    log.warn({ instanceId: key, reason: verified.reason }, 'customer event refused: signature');
    return reply.code(401).send({ error: verified.reason, message: verified.message });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    log.warn({ instanceId: key, bytes: raw.length }, 'customer event refused: body is not JSON');
    return reply.code(400).send({ error: 'invalid_json', message: 'the body is not valid JSON' });
  }
  // Our own events to the customer system are signed with the same secret and say `direction: "outbound"`; one
  // replayed here (a typing event would parse) is refused, so a signature only ever counts in its own direction.
  // A customer system's events say nothing, "inbound", or (a message the business sent, mirrored) "outgoing".
  if (
    json &&
    typeof json === 'object' &&
    'direction' in json &&
    !['inbound', 'incoming', 'outgoing'].includes(String((json as { direction?: unknown }).direction))
  ) {
    log.warn({ instanceId: key }, 'customer event refused: an outbound event sent back');
    return reply.code(401).send({
      error: 'wrong_direction',
      message: 'this is an event the bridge sent (direction "outbound"); post customer events only',
    });
  }
  const nulAt = findNulByte(raw, json);
  if (nulAt) {
    log.warn({ instanceId: key, path: nulAt }, 'customer event refused: NUL character');
    return reply.code(400).send(nulByteRefusal(nulAt));
  }
  const parsed = parseHttpChannelEvent(json);
  if (!parsed.ok) {
    log.warn({ instanceId: key, reason: parsed.message }, 'customer event refused: invalid');
    return reply.code(400).send({ error: 'invalid_event', message: parsed.message });
  }
  const event = parsed.event;
  if (event.kind === 'reaction' && event.reaction === 'react' && event.emoji) {
    const declared = declaredReactionEmoji(instance.settings, event.emoji);
    if (!declared) {
      log.warn({ instanceId: key, emoji: event.emoji }, 'customer event refused: reaction not declared');
      return reply.code(400).send({
        error: 'invalid_event',
        message: `emoji: ${event.emoji} is not a reaction of this channel (${reactionEmojiOf(instance.settings).join(' ')})`,
      });
    }
    event.emoji = declared;
  }
  const result = await runtime.receive(toInboundEvent(key, event, runtime.now()), { instance });
  return reply.code(200).send({ id: result.messageId, duplicate: result.duplicate });
}

/** Seconds or milliseconds: 13 digits are milliseconds until the year 33658. */
function dateOf(timestamp: number): Date {
  return new Date(timestamp > 1e12 ? timestamp : timestamp * 1000);
}

function toInboundEvent(instanceId: ChannelInstanceKey, event: HttpChannelEvent, now: Date): InboundChannelEvent {
  switch (event.kind) {
    case 'message': {
      const { message } = event;
      const outgoing = event.direction === 'outgoing';
      // The schema guarantees `recipient` for outgoing and `sender` otherwise; the customer is always `sender` here.
      const sender = (outgoing ? event.recipient : event.sender)!;
      return {
        kind: 'message',
        instanceId,
        eventId: event.eventId,
        chatKey: asChannelChatKey(event.chatKey),
        ...(outgoing ? { outgoing: { userAmojoId: event.senderUserId, name: event.senderName } } : {}),
        sender: {
          id: sender.id,
          name: sender.name,
          ...(sender.phone ? { phone: sender.phone } : {}),
          ...(sender.email ? { email: sender.email } : {}),
          ...(sender.avatar ? { avatar: sender.avatar } : {}),
        },
        message: {
          ...(Object.fromEntries(
            Object.entries(message).filter(([, v]) => v !== undefined),
          ) as unknown as InboundMessageContent),
          ...(event.forwarded
            ? {
                forwarded: {
                  text: event.forwarded.text,
                  ...(event.forwarded.author ? { author: event.forwarded.author } : {}),
                  ...(event.forwarded.timestamp ? { sentAtMs: dateOf(event.forwarded.timestamp).getTime() } : {}),
                  ...(event.forwarded.messageId ? { messageId: event.forwarded.messageId } : {}),
                },
              }
            : {}),
        },
        sentAt: dateOf(event.timestamp),
        ...(event.replyTo ? { replyToEventId: event.replyTo } : {}),
      };
    }
    case 'edit':
      return {
        kind: 'edit',
        instanceId,
        eventId: event.eventId,
        chatKey: asChannelChatKey(event.chatKey),
        messageEventId: event.messageId,
        text: event.text,
        editedAt: event.timestamp ? dateOf(event.timestamp) : now,
      };
    case 'reaction':
      return {
        kind: 'reaction',
        instanceId,
        eventId: event.eventId,
        chatKey: asChannelChatKey(event.chatKey),
        senderId: event.sender.id,
        messageEventId: event.messageId,
        type: event.reaction,
        // amojo's unreact names no emoji (one reaction per person and message).
        emoji: event.emoji ?? '',
      };
    case 'read':
      return { kind: 'read', instanceId, messageId: asMsgid(event.messageId) };
    case 'typing':
      return { kind: 'typing', instanceId, chatKey: asChannelChatKey(event.chatKey), senderId: event.sender.id };
  }
}

type InboundMessageContent = Extract<InboundChannelEvent, { kind: 'message' }>['message'];
