import { randomBytes } from 'node:crypto';
import type { WebSocket } from '@fastify/websocket';
import { findConversation } from '../../store/conversations/index.js';
import { asChannelChatKey, asMsgid, type Msgid } from '../../store/ids.js';
import { findMessage } from '../../store/messages/index.js';
import type { ChannelMessageContent, InboundChannelMessage } from '../channel-adapter.js';
import { ChannelEventRefusedError } from '../channel-plugin.js';
import { isInlinePicture } from './sniff-mime.js';
import { checkProfile, parseClientFrame, WEBCHAT_MAX_TEXT_LENGTH } from './socket-frames.js';
import { signVisitorToken } from './visitor-token.js';
import { loadWebchatHistoryPage, WEBCHAT_EARLIER_LIMIT } from './webchat-history.js';
import type { WebchatConnection } from './webchat-hub.js';
import type { WebchatClientFrame, WebchatErrorCode, WebchatServerFrame } from './webchat-protocol.js';
import { webchatQuoteOf } from './webchat-quotes.js';
import { checkVisitorToken, type LoadedWebchatInstance, type WebchatServerContext } from './webchat-server-context.js';
import {
  findWebchatUpload,
  findWebchatVisitor,
  listWebchatReactions,
  listWebchatReactionsBy,
  saveWebchatVisitor,
  setWebchatReaction,
  type WebchatVisitor,
} from './webchat-store.js';
import { toWireMessage } from './wire-message.js';

/** Largest frame a widget may send, bytes (a text message is at most 10 000 characters). */
export const WEBCHAT_MAX_FRAME_BYTES = 64 * 1024;

/** What a socket knows about where it came from. */
export interface WebchatSocketInput {
  readonly socket: WebSocket;
  readonly loaded: LoadedWebchatInstance;
  /** The client's address, for the rate limit of new sessions. */
  readonly ip: string;
  /** Base of public file URLs: PUBLIC_URL, or the address the visitor reached the bridge at. */
  readonly publicBase: string;
}

type Send<F extends WebchatClientFrame['type']> = Extract<WebchatClientFrame, { type: F }>;

/**
 * Serves one visitor socket. Frames are handled one at a time in arrival order, so a visitor's messages are
 * stored in the order they were sent. Every frame after `start` carries the visitor token, which is verified each
 * time and must name the visitor this socket was opened for; the conversation is always the token's own.
 */
export function handleWebchatSocket(ctx: WebchatServerContext, input: WebchatSocketInput): void {
  const { socket, loaded } = input;
  const { runtime, hub } = ctx;
  const db = runtime.store.db;
  const instanceKey = loaded.instance.key;
  const log = runtime.log.child({ component: 'webchat', instanceId: instanceKey });
  let visitor: WebchatVisitor | undefined;
  let leave: (() => void) | undefined;
  let chain: Promise<void> = Promise.resolve();
  const connectionId = randomBytes(8).toString('hex');

  const connection: WebchatConnection = {
    send(frame) {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    },
  };
  const reply = (frame: WebchatServerFrame) => connection.send(frame);
  const fail = (code: WebchatErrorCode, message: string, extra: { clientId?: string; retryAfterMs?: number } = {}) =>
    reply({ type: 'error', code, message, ...extra });

  const issueToken = () =>
    signVisitorToken(
      {
        instance: instanceKey,
        visitor: visitor?.visitorId ?? '',
        exp: Math.floor(runtime.now().getTime() / 1000 + loaded.settings.tokenTtlDays * 86_400),
      },
      loaded.tokenKey,
    );

  const bind = (next: WebchatVisitor) => {
    visitor = next;
    leave?.();
    leave = hub.join(instanceKey, next.visitorId, connection);
  };

  /** Verifies the frame's token; answers the error and returns false when it is not this socket's visitor. */
  const authorised = (token: string, clientId?: string): boolean => {
    const checked = checkVisitorToken(runtime, loaded, token);
    const extra = clientId ? { clientId } : {};
    if (!checked.ok) {
      log.info({ reason: checked.reason }, 'webchat frame refused: token');
      if (checked.reason === 'expired') fail('token_expired', 'the visitor token has expired', extra);
      else fail('token_invalid', 'the visitor token is not valid for this chat', extra);
      return false;
    }
    if (!visitor) {
      fail('not_started', 'send "hello" with the token first', extra);
      return false;
    }
    if (checked.payload.visitor !== visitor.visitorId) {
      fail('token_mismatch', 'the token belongs to another visitor than this connection', extra);
      return false;
    }
    return true;
  };

  const handlers = {
    async start(frame: Send<'start'>) {
      // Per address, generous enough for an office behind one NAT, tight enough to stop filling the visitors table.
      const tuning = ctx.runtime.tuning;
      const limited = ctx.limiter.take(`start:${instanceKey}:${input.ip}`, {
        perMinute: tuning?.webchatStartsPerMinute ?? 20,
        burst: tuning?.webchatStartBurst ?? 10,
      });
      if (!limited.ok) {
        return fail('rate_limited', 'too many new chats from this address', { retryAfterMs: limited.retryAfterMs });
      }
      const checked = checkProfile(frame.profile, loaded.settings.form);
      if (!checked.ok) return fail('invalid_profile', checked.message);
      const visitorId = `v_${randomBytes(16).toString('base64url')}`;
      await saveWebchatVisitor(db, {
        instanceRowId: loaded.instance.rowId,
        visitorId,
        profile: checked.profile,
        now: runtime.now().getTime(),
      });
      bind({ visitorId, ...checked.profile });
      log.info({ event: 'webchat_visitor_started', visitorId }, 'webchat visitor started a chat');
      reply({ type: 'session', token: issueToken(), visitorId });
    },

    async hello(frame: Send<'hello'>) {
      const checked = checkVisitorToken(runtime, loaded, frame.token);
      if (!checked.ok) {
        log.info({ reason: checked.reason }, 'webchat hello refused: token');
        return checked.reason === 'expired'
          ? fail('token_expired', 'the visitor token has expired')
          : fail('token_invalid', 'the visitor token is not valid for this chat');
      }
      if (visitor && visitor.visitorId !== checked.payload.visitor) {
        return fail('token_mismatch', 'the token belongs to another visitor than this connection');
      }
      const found = await findWebchatVisitor(db, {
        instanceRowId: loaded.instance.rowId,
        visitorId: checked.payload.visitor,
      });
      if (!found) return fail('token_invalid', 'this chat no longer exists');
      bind(found);
      const { messages, hasMore } = await loadWebchatHistoryPage(db, {
        instanceRowId: loaded.instance.rowId,
        visitorId: found.visitorId,
      });
      const { visitorId, ...profile } = found;
      reply({ type: 'ready', token: issueToken(), visitorId, profile, messages, hasMore });
    },

    async earlier(frame: Send<'earlier'>) {
      if (!authorised(frame.token) || !visitor) return;
      const page = await loadWebchatHistoryPage(db, {
        instanceRowId: loaded.instance.rowId,
        visitorId: visitor.visitorId,
        before: frame.before,
        limit: WEBCHAT_EARLIER_LIMIT,
      });
      reply({ type: 'earlier', ...page });
    },

    async send(frame: Send<'send'>) {
      if (!authorised(frame.token, frame.clientId) || !visitor) return;
      const limited = ctx.limiter.take(`send:${instanceKey}:${visitor.visitorId}`, {
        perMinute: loaded.settings.rateLimit.messagesPerMinute,
      });
      if (!limited.ok) {
        return fail('rate_limited', 'too many messages: wait a little', {
          clientId: frame.clientId,
          retryAfterMs: limited.retryAfterMs,
        });
      }
      const content = await messageContent(frame);
      if (!content.ok) return fail(content.code, content.message, { clientId: frame.clientId });
      // A quote of a message of the visitor's own chat; any other id is dropped and the text goes unquoted.
      const quoted = frame.replyTo ? await messageOfChat(asMsgid(frame.replyTo)) : undefined;
      const now = runtime.now().getTime();
      // A message typed offline keeps the time it was written, within a day (amoCRM sorts by it).
      const sentAt = frame.sentAt && frame.sentAt <= now && frame.sentAt > now - 86_400_000 ? frame.sentAt : now;
      const event: InboundChannelMessage = {
        kind: 'message',
        instanceId: instanceKey,
        eventId: frame.clientId,
        chatKey: asChannelChatKey(visitor.visitorId),
        sender: {
          id: visitor.visitorId,
          name: visitor.name ?? `Website visitor ${visitor.visitorId.slice(2, 8)}`,
          ...(visitor.phone ? { phone: visitor.phone } : {}),
          ...(visitor.email ? { email: visitor.email } : {}),
        },
        message: content.message,
        sentAt: new Date(sentAt),
        ...(quoted ? { replyToEventId: quoted.channelMessageId ?? quoted.msgid } : {}),
      };
      let result: { messageId: string; duplicate: boolean };
      try {
        result = await runtime.receive(event, { instance: loaded.instance });
      } catch (error) {
        const why = error instanceof ChannelEventRefusedError ? error.message : 'the message was not stored';
        log.warn({ err: error, clientId: frame.clientId }, 'webchat message not stored');
        return fail('unavailable', `${why}; it stays in the outbox and is sent again`, {
          clientId: frame.clientId,
          retryAfterMs: 5_000,
        });
      }
      reply({ type: 'ack', clientId: frame.clientId, id: result.messageId, duplicate: result.duplicate });
      if (!result.duplicate) {
        const message = toWireMessage({
          id: result.messageId,
          clientId: frame.clientId,
          direction: 'in',
          content: content.message,
          sentAt,
          replyTo: quoted ? await webchatQuoteOf(db, quoted.conversationRowId, { msgid: quoted.msgid }) : undefined,
        });
        hub.publish(instanceKey, visitor.visitorId, { type: 'message', message }, connection);
      }
    },

    async edit(frame: Send<'edit'>) {
      if (!authorised(frame.token) || !visitor) return;
      if (!ctx.limiter.take(`edit:${instanceKey}:${visitor.visitorId}`, { perMinute: 20, burst: 5 }).ok) {
        return fail('rate_limited', 'too many edits: wait a little');
      }
      const message = await messageOfChat(asMsgid(frame.id));
      // Only the visitor's own last message, and only a text: what the widget offers.
      const last = message && (await lastMessageOf(message.conversationRowId));
      if (
        message?.direction !== 'in' ||
        last?.id !== message.id ||
        message.type !== 'text' ||
        !message.channelMessageId
      ) {
        return fail('unknown_message', `message ${frame.id} is not your last text message in this chat`);
      }
      try {
        await runtime.receive(
          {
            kind: 'edit',
            instanceId: instanceKey,
            eventId: frame.eventId,
            chatKey: asChannelChatKey(visitor.visitorId),
            messageEventId: message.channelMessageId,
            text: frame.text,
            editedAt: runtime.now(),
          },
          { instance: loaded.instance },
        );
      } catch (error) {
        log.warn({ err: error, id: frame.id }, 'webchat edit not stored');
        const why = error instanceof ChannelEventRefusedError ? error.message : 'the edit was not stored';
        return fail('unavailable', `${why}; try again`);
      }
      hub.publish(instanceKey, visitor.visitorId, { type: 'edited', id: message.msgid, text: frame.text });
    },

    async react(frame: Send<'react'>) {
      if (!authorised(frame.token) || !visitor) return;
      if (!ctx.limiter.take(`react:${instanceKey}:${visitor.visitorId}`, { perMinute: 60, burst: 10 }).ok) {
        return fail('rate_limited', 'too many reactions: wait a little');
      }
      const message = await messageOfChat(asMsgid(frame.id));
      if (message?.direction !== 'out')
        return fail('unknown_message', `message ${frame.id} is not a manager message of this chat`);
      const declared = loaded.settings.reactionEmoji;
      const emoji = frame.emoji === null ? null : declared.find((e) => bare(e) === bare(frame.emoji ?? ''));
      if (emoji === undefined) {
        return fail('invalid_reaction', `${frame.emoji} is not a reaction of this chat (${declared.join(' ')})`);
      }
      const previous = (await listWebchatReactionsOf(message.id)).find((r) => r.senderId === visitor?.visitorId);
      if (emoji === null && !previous) return;
      try {
        await runtime.receive(
          {
            kind: 'reaction',
            instanceId: instanceKey,
            eventId: frame.eventId,
            chatKey: asChannelChatKey(visitor.visitorId),
            senderId: visitor.visitorId,
            messageEventId: message.msgid,
            type: emoji === null ? 'unreact' : 'react',
            emoji: emoji ?? previous?.emoji ?? '',
          },
          { instance: loaded.instance },
        );
      } catch (error) {
        log.warn({ err: error, id: frame.id }, 'webchat reaction not stored');
        const why = error instanceof ChannelEventRefusedError ? error.message : 'the reaction was not stored';
        return fail('unavailable', `${why}; try again`);
      }
      await setWebchatReaction(db, {
        messageRowId: message.id,
        senderId: visitor.visitorId,
        emoji,
        now: runtime.now().getTime(),
      });
      const reactions = (await listWebchatReactions(db, [message.id])).get(message.id) ?? [];
      hub.publish(instanceKey, visitor.visitorId, {
        type: 'reaction',
        id: message.msgid,
        reactions,
        myReaction: emoji,
      });
    },

    async typing(frame: Send<'typing'>) {
      if (!authorised(frame.token) || !visitor) return;
      // amojo shows typing for a few seconds per event; one every two seconds is plenty (spec 3.7).
      if (!ctx.limiter.take(`typing:${instanceKey}:${visitor.visitorId}`, { perMinute: 30, burst: 3 }).ok) return;
      await runtime.receive({
        kind: 'typing',
        instanceId: instanceKey,
        chatKey: asChannelChatKey(visitor.visitorId),
        senderId: visitor.visitorId,
      });
    },

    async read(frame: Send<'read'>) {
      if (!authorised(frame.token) || !visitor) return;
      const conversation = await findConversation(db, {
        channelInstanceId: loaded.instance.rowId,
        channelChatKey: asChannelChatKey(visitor.visitorId),
      });
      const read: string[] = [];
      for (const id of new Set(frame.ids.map(asMsgid))) {
        const message = await findMessage(db, { msgid: id });
        // Only manager messages of the visitor's own conversation: anything else is answered as unknown.
        if (!conversation || message?.direction !== 'out' || message.conversationRowId !== conversation.id) {
          fail('unknown_message', `message ${id} is not in this chat`);
          continue;
        }
        await runtime.receive({ kind: 'read', instanceId: instanceKey, messageId: id });
        read.push(id);
      }
      if (read.length > 0) hub.publish(instanceKey, visitor.visitorId, { type: 'read', ids: read });
    },

    async ping() {
      reply({ type: 'pong' });
    },
  };

  /** A message of this visitor's conversation by our msgid; undefined for anything else. */
  const messageOfChat = async (msgid: Msgid) => {
    if (!visitor) return undefined;
    const conversation = await findConversation(db, {
      channelInstanceId: loaded.instance.rowId,
      channelChatKey: asChannelChatKey(visitor.visitorId),
    });
    const message = conversation && (await findMessage(db, { msgid }));
    return message && message.conversationRowId === conversation.id ? message : undefined;
  };
  const lastMessageOf = (conversationRowId: number) =>
    db
      .selectFrom('messages')
      .select('id')
      .where('conversation_row_id', '=', conversationRowId)
      .where('direction', '=', 'in')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst()
      .then((row) => (row ? { id: Number(row.id) } : undefined));
  const listWebchatReactionsOf = async (messageRowId: number) =>
    (await listWebchatReactionsBy(db, [messageRowId])).get(messageRowId) ?? [];

  const messageContent = async (
    frame: Send<'send'>,
  ): Promise<
    | { ok: true; message: ChannelMessageContent }
    | { ok: false; code: 'invalid_message' | 'unknown_upload'; message: string }
  > => {
    const text = frame.text?.trim() ?? '';
    if (frame.uploadId === undefined) {
      if (!text) return { ok: false, code: 'invalid_message', message: 'a message needs text or an uploadId' };
      return { ok: true, message: { type: 'text', text } };
    }
    const upload = await findWebchatUpload(db, { id: frame.uploadId });
    if (!upload || upload.instanceRowId !== loaded.instance.rowId || upload.visitorId !== visitor?.visitorId) {
      return { ok: false, code: 'unknown_upload', message: `upload ${frame.uploadId} is not one of this visitor's` };
    }
    return {
      ok: true,
      message: {
        type: isInlinePicture(upload.mimeType) ? 'picture' : 'file',
        text,
        media: webchatFileUrl(input.publicBase, upload.fileKey, upload.fileName),
        fileName: upload.fileName,
        fileSize: upload.size,
      },
    };
  };

  const handle = async (data: string) => {
    const parsed = parseClientFrame(data);
    if (!parsed.ok) return fail('bad_frame', parsed.message, parsed.clientId ? { clientId: parsed.clientId } : {});
    const frame = parsed.frame;
    try {
      switch (frame.type) {
        case 'start':
          return await handlers.start(frame);
        case 'hello':
          return await handlers.hello(frame);
        case 'earlier':
          return await handlers.earlier(frame);
        case 'send':
          return await handlers.send(frame);
        case 'typing':
          return await handlers.typing(frame);
        case 'react':
          return await handlers.react(frame);
        case 'edit':
          return await handlers.edit(frame);
        case 'read':
          return await handlers.read(frame);
        case 'ping':
          return await handlers.ping();
      }
    } catch (error) {
      log.error({ err: error, frame: frame.type }, 'webchat frame failed');
      fail('unavailable', 'the bridge could not handle this; try again');
    }
  };

  socket.on('message', (data: Buffer, isBinary: boolean) => {
    // Any frame counts, so a flood of pings or bad tokens cannot keep the process busy: past the limit, the socket
    // is closed (the widget reconnects after a backoff).
    if (!ctx.limiter.take(`frames:${connectionId}`, { perMinute: 240, burst: 60 }).ok) {
      log.warn(
        { event: 'webchat_socket_flood', visitorId: visitor?.visitorId },
        'webchat socket closed: too many frames',
      );
      socket.close(1008, 'too many frames');
      return;
    }
    if (isBinary) return fail('bad_frame', 'frames are JSON text');
    const text = data.toString('utf8');
    // Never a rejected chain: a throw outside handle()'s own try (parsing included) would be an unhandled rejection,
    // which ends the process, and would stop every later frame of the socket.
    chain = chain
      .then(() => handle(text))
      .catch((error: unknown) => {
        log.error({ err: error }, 'webchat frame failed');
        fail('unavailable', 'the bridge could not handle this; try again');
      });
  });
  socket.on('close', (code: number) => {
    log.debug({ event: 'webchat_socket_closed', code, visitorId: visitor?.visitorId }, 'webchat socket closed');
    leave?.();
    leave = undefined;
  });
  // The client's doing (a reset, an oversize frame, logged at warn by the route): no stack trace.
  socket.on('error', (error: Error & { code?: string }) =>
    log.debug({ event: 'webchat_socket_error', code: error.code, reason: error.message }, 'webchat socket error'),
  );
  log.debug({ event: 'webchat_socket_opened' }, 'webchat socket opened: sending its config');
  reply({
    type: 'config',
    config: {
      title: loaded.settings.title,
      form: loaded.settings.form,
      uploads: loaded.settings.uploads,
      limits: { textMaxLength: WEBCHAT_MAX_TEXT_LENGTH, frameMaxBytes: WEBCHAT_MAX_FRAME_BYTES },
      brandColor: loaded.settings.brandColor,
      greeting: loaded.settings.greeting,
      position: loaded.settings.position,
      titles: loaded.settings.titles,
      consent: loaded.settings.consent,
      reactions: loaded.settings.reactionEmoji,
    },
  });
}

/** An emoji without variation selectors (U+FE0F): keyboards differ in sending it ("❤" for "❤️"). */
const bare = (emoji: string) => emoji.replace(/\uFE0F/g, '');

/** The public URL of an uploaded file: unguessable key, then the file name for people and amoCRM to read. */
export function webchatFileUrl(publicBase: string, fileKey: string, fileName: string): string {
  return `${publicBase}/webchat/files/${fileKey}/${encodeURIComponent(fileName)}`;
}
