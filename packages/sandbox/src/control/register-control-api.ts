import type { FastifyInstance, FastifyReply } from 'fastify';
import { ControlRequestError } from '../errors.js';
import { FaultSettingsError } from '../faults/fault-settings.js';
import type { RequestLog } from '../state/request-log.js';
import type { SandboxEvent } from '../state/sandbox-state.js';
import {
  type ManagerContext,
  type ManagerMessageInput,
  managerReaction,
  managerTyping,
  markRead,
  sendManagerMessage,
} from './manager-actions.js';
import { MAX_UPLOAD_BYTES, type UploadStore } from './uploads.js';
import { writeFirst } from './write-first.js';

/** Options of {@link registerControlApi}. */
export interface ControlApiOptions extends ManagerContext {
  readonly uploads: UploadStore;
  /** Request counters served at `/requests`. */
  readonly requests?: RequestLog;
  /** The sandbox's own base URL, for upload links. */
  readonly baseUrl: () => string;
}

const API = '/_sandbox/api';
type Body = Record<string, unknown>;

function objectBody(body: unknown): Body {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ControlRequestError(400, 'body must be a JSON object');
  return body as Body;
}

const optionalString = (body: Body, name: string): string | undefined => {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ControlRequestError(400, `${name} must be a string`);
  return value;
};

/** The control API and its live event stream (the sandbox contract, section 3); JSON, no auth: a local tool. */
export async function registerControlApi(app: FastifyInstance, options: ControlApiOptions): Promise<{ close(): void }> {
  const { state } = options;
  const streams = new Set<() => void>();

  app.setErrorHandler((error, _request, reply: FastifyReply) => {
    if (error instanceof ControlRequestError) return reply.code(error.status).send({ error: error.message });
    if (error instanceof FaultSettingsError) return reply.code(400).send({ error: error.message });
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send({ error: status >= 500 ? 'internal error' : (error as Error).message });
  });

  app.get(`${API}/config`, async () => state.configView());
  app.get<{ Querystring: { scope?: string } }>(`${API}/chats`, async (request) => state.listChats(request.query.scope));
  app.get<{ Params: { chatId: string } }>(`${API}/chats/:chatId/messages`, async (request) => {
    if (!state.chats.has(request.params.chatId)) throw new ControlRequestError(404, `no chat ${request.params.chatId}`);
    return state.listMessages(request.params.chatId);
  });
  app.post<{ Params: { chatId: string } }>(`${API}/chats/:chatId/messages`, async (request) =>
    sendManagerMessage(options, request.params.chatId, objectBody(request.body) as ManagerMessageInput),
  );
  app.post<{ Params: { chatId: string } }>(`${API}/chats/:chatId/typing`, async (request) => {
    const result = await managerTyping(
      options,
      request.params.chatId,
      optionalString(objectBody(request.body), 'userId'),
    );
    return { sent: result.sent, ...(result.hook ? { hook: result.hook } : {}) };
  });
  app.post<{ Params: { chatId: string } }>(`${API}/chats/:chatId/read`, async (request) =>
    markRead(options, request.params.chatId),
  );
  app.post<{ Params: { messageId: string } }>(`${API}/messages/:messageId/reactions`, async (request) => {
    const body = objectBody(request.body);
    const type = optionalString(body, 'type');
    const emoji = optionalString(body, 'emoji');
    const userId = optionalString(body, 'userId');
    return managerReaction(options, request.params.messageId, {
      ...(type === undefined ? {} : { type: type as 'react' | 'unreact' }),
      ...(emoji === undefined ? {} : { emoji }),
      ...(userId === undefined ? {} : { userId }),
    });
  });
  app.post(`${API}/write-first`, async (request) => writeFirst(options, objectBody(request.body)));
  app.post(`${API}/uploads`, { bodyLimit: Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 64 * 1024 }, async (request) =>
    options.uploads.add(options.baseUrl(), objectBody(request.body)),
  );
  app.get(`${API}/hooks`, async () => state.hooks());
  app.get(`${API}/faults`, async () => state.faults);
  app.get(`${API}/requests`, async () => {
    if (!options.requests) throw new ControlRequestError(404, 'request counting is not enabled');
    return options.requests.counts();
  });
  app.delete(`${API}/requests`, async () => {
    if (!options.requests) throw new ControlRequestError(404, 'request counting is not enabled');
    return options.requests.reset();
  });
  app.put(`${API}/faults`, async (request) => state.setFaults(objectBody(request.body)));

  app.get(`${API}/events`, (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    const write = (event: SandboxEvent) => res.write(`data: ${JSON.stringify(event)}\n\n`);
    const unsubscribe = state.subscribe(write);
    // A comment line now and then keeps proxies and browsers from dropping an idle stream.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    const end = () => {
      clearInterval(keepAlive);
      unsubscribe();
      streams.delete(end);
      if (!res.writableEnded) res.end();
    };
    streams.add(end);
    request.raw.on('close', end);
  });

  return {
    close() {
      for (const end of [...streams]) end();
    },
  };
}
