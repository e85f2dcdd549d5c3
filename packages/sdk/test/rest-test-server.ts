// A real node:http server on port 0 for the AmocrmClient tests: records every request and lets each test answer.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AmocrmClient, type AmocrmClientOptions, MemoryTokenStore, RateLimiter } from '@amojo-bridge/sdk';

/** One request as the server saw it. */
export interface Recorded {
  readonly method: string;
  /** Path without query. */
  readonly path: string;
  /** Raw query string without `?` (undecoded), '' when none. */
  readonly query: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** Parsed body when it is JSON. */
  readonly json: unknown;
  /** performance.now() at arrival. */
  readonly at: number;
}

/** Answers one recorded request. */
export type Handler = (req: Recorded, res: ServerResponse) => void | Promise<void>;

/** A running test server. */
export interface TestServer {
  readonly url: string;
  readonly requests: Recorded[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** Sends a JSON answer (or an empty one when body is undefined). */
export function reply(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/hal+json', ...headers });
  res.end(text);
}

/** Starts a recording server; the default handler answers 404. */
export async function startServer(initial?: Handler): Promise<TestServer> {
  let handler: Handler = initial ?? ((_req, res) => reply(res, 404, { title: 'Not Found', status: 404 }));
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const raw = req.url ?? '/';
      const q = raw.indexOf('?');
      const recorded: Recorded = {
        method: req.method ?? '',
        path: q >= 0 ? raw.slice(0, q) : raw,
        query: q >= 0 ? raw.slice(q + 1) : '',
        headers: req.headers,
        body,
        json,
        at: performance.now(),
      };
      requests.push(recorded);
      Promise.resolve(handler(recorded, res)).catch((error: unknown) => {
        reply(res, 500, { title: 'test handler failed', detail: String(error) });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A limiter on a fake clock whose sleep advances the clock, so pauses cost no real time. */
export function fakeClockLimiter(perSecond = 7): { limiter: RateLimiter; clock: { now: number }; sleeps: number[] } {
  const clock = { now: 0 };
  const sleeps: number[] = [];
  const limiter = new RateLimiter({
    perSecond,
    now: () => clock.now,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
    },
  });
  return { limiter, clock, sleeps };
}

/** A long, unique, recognisable token value. */
export function token(kind: string): string {
  return `${kind}-${randomUUID()}`;
}

/** Captured log lines of a pino-compatible logger. */
export function captureLog(): { log: NonNullable<AmocrmClientOptions['log']>; lines: string[] } {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push(`${level} ${JSON.stringify(obj)} ${msg ?? ''}`);
    };
  return {
    lines,
    log: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
  };
}

/** Default client settings against a test server; every client gets its own account key unless given one. */
export function clientFor(
  server: TestServer,
  overrides: Partial<AmocrmClientOptions> = {},
  { sharedLimiter = false }: { sharedLimiter?: boolean } = {},
) {
  const tokenStore = overrides.tokenStore ?? new MemoryTokenStore();
  const options: AmocrmClientOptions = {
    baseUrl: server.url,
    clientId: 'c1d2e3f4-0000-4000-8000-000000000001',
    clientSecret: 'client-secret-that-must-stay-hidden',
    redirectUri: 'https://bridge.example/amocrm/install',
    tokenStore,
    accountKey: `acct-${randomUUID()}`,
    // A generous fake-clock limiter keeps tests off the process-wide 7 rps budget unless they test it.
    ...(sharedLimiter ? {} : { rateLimiter: fakeClockLimiter(1000).limiter }),
    retry: { sleep: async () => {}, random: () => 0 },
    ...overrides,
  };
  return { client: new AmocrmClient(options), store: tokenStore, options };
}
