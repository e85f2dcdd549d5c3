import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotApiFailure, failures } from './bot-api-failure.js';
import { BOT_METHODS } from './bot-methods.js';
import { EmulatedBot, type InjectedFailure } from './emulated-bot.js';
import { Params } from './read-params.js';
import { WebhookSender } from './webhook-sender.js';

/** Options of {@link startTelegramEmulator}. */
export interface TelegramEmulatorOptions {
  /** How long a webhook delivery may take before it counts as failed; default 10 s. */
  readonly webhookTimeoutMs?: number;
  /** Pause before a failed webhook delivery is retried; default 100 ms. */
  readonly webhookRetryDelayMs?: number;
}

/** A local Telegram Bot API: point grammY's `client.apiRoot` at {@link TelegramEmulator.apiRoot}. */
export interface TelegramEmulator {
  readonly apiRoot: string;
  /** Creates a bot (as @BotFather would) and returns it with its token. */
  addBot(options?: { username?: string; firstName?: string }): EmulatedBot;
  /** The bot of a token. */
  bot(token: string): EmulatedBot | undefined;
  close(): Promise<void>;
}

const METHOD_BY_LOWER = new Map(Object.keys(BOT_METHODS).map((name) => [name.toLowerCase(), name]));

async function readParams(request: IncomingMessage, url: URL): Promise<Params> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  const raw: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (body) {
    if (type === 'application/json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw failures.badRequest("can't parse JSON request body");
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw failures.badRequest('the request body must be a JSON object');
      }
      Object.assign(raw, parsed);
    } else if (type === 'application/x-www-form-urlencoded') {
      Object.assign(raw, Object.fromEntries(new URLSearchParams(body)));
    } else if (type === 'multipart/form-data') {
      throw failures.badRequest('multipart uploads are not supported by this emulator; send a file id or a URL');
    }
  }
  return new Params(raw);
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  if (response.writableEnded || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function failureOf(injected: InjectedFailure): BotApiFailure | undefined {
  if (injected.kind === 'too-many-requests') return failures.tooManyRequests(injected.retryAfter);
  if (injected.kind === 'timeout') return undefined;
  if (injected.status === 403) return failures.blocked();
  if (injected.status === 400) return failures.badRequest(injected.description ?? 'chat not found');
  return new BotApiFailure(injected.status, injected.description ?? failures.serverError(injected.status).description);
}

/** Starts the emulator on 127.0.0.1 and a free port. */
export async function startTelegramEmulator(options: TelegramEmulatorOptions = {}): Promise<TelegramEmulator> {
  const bots = new Map<string, EmulatedBot>();
  const senders = new Map<EmulatedBot, WebhookSender>();
  const hanging = new Set<ServerResponse>();
  let nextBotId = 7_000_000_000 + Math.floor(Math.random() * 100_000_000);

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      const stored = bots.get(decodeURIComponent(file[1]!))?.files.byPath(decodeURIComponent(file[2]!));
      if (!stored) return answer(response, 404, failures.notFound().toBody());
      response.writeHead(200, { 'content-type': stored.mimeType, 'content-length': stored.bytes.length });
      response.end(stored.bytes);
      return;
    }
    const call = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const bot = call ? bots.get(decodeURIComponent(call[1]!)) : undefined;
    if (!call) return answer(response, 404, failures.notFound().toBody());
    if (bot?.revoked) bot.refusedCalls.push(call[2]!);
    if (!bot || bot.revoked) return answer(response, 401, failures.unauthorized().toBody());
    const method = METHOD_BY_LOWER.get(call[2]!.toLowerCase());
    if (!method) return answer(response, 404, failures.notFound().toBody());
    const controller = new AbortController();
    response.on('close', () => controller.abort());
    let params: Params;
    try {
      params = await readParams(request, url);
    } catch (error) {
      const failure = error instanceof BotApiFailure ? error : failures.badRequest(String(error));
      return answer(response, failure.status, failure.toBody());
    }
    const recorded = { method, params: params.raw, status: 0 };
    bot.calls.push(recorded);
    const injected = bot.takeFailure(method);
    if (injected) {
      const failure = failureOf(injected);
      if (!failure) {
        hanging.add(response);
        response.on('close', () => hanging.delete(response));
        return; // never answered: the client's timeout is what is being tested
      }
      recorded.status = failure.status;
      return answer(response, failure.status, failure.toBody());
    }
    try {
      const result = await BOT_METHODS[method]!({ bot, params, signal: controller.signal });
      recorded.status = 200;
      answer(response, 200, { ok: true, result });
    } catch (error) {
      const failure =
        error instanceof BotApiFailure ? error : new BotApiFailure(500, `Internal Server Error: ${String(error)}`);
      recorded.status = failure.status;
      answer(response, failure.status, failure.toBody());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    addBot(botOptions = {}) {
      const id = nextBotId++;
      const token = `${id}:AA${randomBytes(26).toString('base64url').slice(0, 33)}`;
      const bot = new EmulatedBot({
        id,
        token,
        username: botOptions.username ?? `emulated_${id}_bot`,
        firstName: botOptions.firstName ?? 'Emulated bot',
      });
      const sender = new WebhookSender(bot, {
        timeoutMs: options.webhookTimeoutMs ?? 10_000,
        retryDelayMs: options.webhookRetryDelayMs ?? 100,
      });
      bot.onUpdatesChanged = () => sender.kick();
      bots.set(token, bot);
      senders.set(bot, sender);
      return bot;
    },
    bot: (token) => bots.get(token),
    async close() {
      for (const sender of senders.values()) sender.close();
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
