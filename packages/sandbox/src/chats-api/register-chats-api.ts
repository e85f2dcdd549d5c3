import { verifyRequest } from '@amojo-bridge/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelConfig } from '../config.js';
import { AmojoRequestError } from '../errors.js';
import type { ChatsAnswer, ChatsContext, ScopeCall } from './chats-context.js';
import { checkRequestForm, signatureProblem } from './check-request-form.js';
import { connect, disconnect } from './connect.js';
import { createChat } from './create-chat.js';
import { deliveryStatus } from './delivery-status.js';
import { history } from './history.js';
import { postMessage } from './post-message.js';
import { react } from './react.js';
import { parseJsonObject } from './read-fields.js';
import { typing } from './typing.js';

/** Options of {@link registerChatsApi}. */
export interface ChatsApiOptions extends ChatsContext {
  readonly maxDateSkewSeconds: number;
}

/** Where the Chats API lives (spec 3.0); the plugin's routes are relative to it. */
export const CHATS_API_PREFIX = '/v2/origin/custom';

function notRegistered(reason: string): AmojoRequestError {
  return new AmojoRequestError(404, 'ORIGIN_NOT_REGISTERED', 'NOT_FOUND', reason);
}

// Header values must stay printable ASCII; a reason may quote a client-sent Date.
const headerSafe = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?');

/**
 * The Chats API (spec 3) as an encapsulated Fastify plugin. Bodies are kept as raw bytes, verified (spec 2.7), and
 * only then parsed as JSON.
 */
export async function registerChatsApi(app: FastifyInstance, options: ChatsApiOptions): Promise<void> {
  const { state, log } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  function rawBody(request: FastifyRequest): Buffer {
    return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  }

  function verify(request: FastifyRequest, channel: ChannelConfig): void {
    const form = { method: request.method, headers: request.headers, body: rawBody(request) };
    checkRequestForm(form);
    const result = verifyRequest({
      method: request.method,
      path: request.raw.url ?? request.url,
      headers: request.headers,
      body: rawBody(request),
      secret: channel.secret,
      maxSkewSeconds: options.maxDateSkewSeconds,
      now: state.now(),
    });
    const problem = signatureProblem(form, result);
    if (problem) {
      log.warn?.({ channelId: channel.id, path: request.url, detail: problem }, 'signature check failed');
      throw new AmojoRequestError(403, 'ORIGIN_INVALID_SIGNATURE', 'invalid signature', problem);
    }
  }

  function channelById(id: string): ChannelConfig {
    const channel = state.channels.get(id);
    if (!channel) throw notRegistered(`no channel with id ${id}`);
    return channel;
  }

  /** Channel owning a scope id (its id prefixes the scope, spec 1.2), verified, and the connected scope. */
  function scopeCall(request: FastifyRequest, scopeId: string): ScopeCall {
    const channel = [...state.channels.values()].find((c) => scopeId.startsWith(`${c.id}_`));
    if (!channel) throw notRegistered(`no channel owns scope ${scopeId}`);
    verify(request, channel);
    const scope = state.scopes.get(scopeId);
    if (!scope?.connected) throw notRegistered(`scope ${scopeId} is not connected`);
    const body = request.method === 'GET' ? {} : parseJsonObject(rawBody(request));
    return { channel, scope, body };
  }

  function send(reply: FastifyReply, result: ChatsAnswer): FastifyReply {
    reply.code(result.status);
    return result.body === undefined ? reply.send() : reply.type('application/json').send(JSON.stringify(result.body));
  }

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof AmojoRequestError) {
      if (error.reason) reply.header('X-Sandbox-Reason', headerSafe(error.reason));
      if (error.status >= 400 && error.status !== 403) {
        log.info?.(
          { path: request.url, status: error.status, errorType: error.errorType, detail: error.message },
          'request refused',
        );
      }
      return reply
        .code(error.status)
        .type('application/json')
        .send(
          JSON.stringify({
            status: 0,
            error_code: error.status,
            error_type: error.errorType,
            error_description: error.message,
          }),
        );
    }
    const status =
      typeof (error as { statusCode?: unknown }).statusCode === 'number'
        ? (error as { statusCode: number }).statusCode
        : 500;
    if (status >= 500) log.error?.({ err: error, path: request.url }, 'Chats API handler failed');
    return reply
      .code(status)
      .type('application/json')
      .send(
        JSON.stringify({
          status: 0,
          error_code: status,
          error_type: status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_REQUEST',
          error_description: status >= 500 ? 'internal error' : (error as Error).message,
        }),
      );
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/json')
      .send(
        JSON.stringify({
          status: 0,
          error_code: 404,
          error_type: 'NOT_FOUND',
          error_description: `no Chats API method ${request.method} ${request.url.split('?')[0]}`,
        }),
      ),
  );

  type P = { target: string };
  app.post<{ Params: P }>('/:target/connect', async (request, reply) => {
    const channel = channelById(request.params.target);
    verify(request, channel);
    return send(reply, connect(options, channel, parseJsonObject(rawBody(request))));
  });
  app.delete<{ Params: P }>('/:target/disconnect', async (request, reply) => {
    const channel = channelById(request.params.target);
    verify(request, channel);
    return send(reply, disconnect(options, channel, parseJsonObject(rawBody(request))));
  });
  app.post<{ Params: P }>('/:target', async (request, reply) =>
    send(reply, postMessage(options, scopeCall(request, request.params.target))),
  );
  app.post<{ Params: P }>('/:target/chats', async (request, reply) =>
    send(reply, createChat(options, scopeCall(request, request.params.target))),
  );
  app.post<{ Params: P }>('/:target/typing', async (request, reply) =>
    send(reply, typing(options, scopeCall(request, request.params.target))),
  );
  app.post<{ Params: P }>('/:target/react', async (request, reply) =>
    send(reply, react(options, scopeCall(request, request.params.target))),
  );
  app.post<{ Params: P & { msgid: string } }>('/:target/:msgid/delivery_status', async (request, reply) =>
    send(reply, deliveryStatus(options, scopeCall(request, request.params.target), request.params.msgid)),
  );
  app.get<{ Params: P & { chatId: string }; Querystring: Record<string, string | undefined> }>(
    '/:target/chats/:chatId/history',
    async (request, reply) => {
      const call = scopeCall(request, request.params.target);
      return send(reply, history(options, call.scope.scopeId, request.params.chatId, request.query));
    },
  );
}
