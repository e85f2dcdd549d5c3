// onRequest/onResponse against the sandbox on a real port (Chats API) and a recording server (REST v4): every
// method's every attempt is seen, retries included, and no hook ever sees a secret, a token or a body.
import { type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import {
  AmojoClient,
  type AmojoClientOptions,
  type RequestHookInfo,
  type ResponseHookInfo,
  type ScopeId,
} from '@amojo-bridge/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientFor, type Handler, reply, startServer, type TestServer } from './rest-test-server.js';

const CHANNEL = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const SECRET = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const ACCOUNT = 'aa11bb22-cc33-4d44-8e55-ff6677889900';
const MANAGER = '11111111-2222-4333-8444-555555555555';

interface Seen {
  readonly requests: RequestHookInfo[];
  readonly responses: ResponseHookInfo[];
  readonly warnings: string[];
}

function recorder(): Seen & Required<Pick<AmojoClientOptions, 'onRequest' | 'onResponse' | 'log'>> {
  const seen: Seen = { requests: [], responses: [], warnings: [] };
  return {
    ...seen,
    onRequest: (info) => void seen.requests.push(info),
    onResponse: (info) => void seen.responses.push(info),
    log: { warn: (obj, msg) => void seen.warnings.push(`${msg} ${JSON.stringify(obj)}`) },
  };
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    channels: [{ id: CHANNEL, secret: SECRET, name: 'Hook test channel', reactions: ['👍'] }],
    accounts: [{ amojoId: ACCOUNT, id: 1001, subdomain: 'hooks', users: [{ id: 1, name: 'M', amojoId: MANAGER }] }],
  });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.state.setFaults({});
});

function amojo(extra: Partial<AmojoClientOptions> = {}): AmojoClient {
  return new AmojoClient({
    channelId: CHANNEL,
    channelSecret: SECRET,
    baseUrl: sandbox.url,
    retry: { retries: 2, sleep: async () => {}, random: () => 0 },
    ...extra,
  });
}

describe('AmojoClient request hooks', () => {
  it('sees one request and one response for every Chats API method, with its operation name and no secrets', async () => {
    const seen = recorder();
    const client = amojo(seen);
    const { scopeId } = await client.connect({ accountId: ACCOUNT, title: 'Hooks' });
    const scope = scopeId as ScopeId;
    const sender = { id: 'client-1', name: 'Ann the customer' };
    const chat = await client.createChat(scope, { conversationId: 'conv-1', user: sender });
    const sent = await client.sendMessage(scope, {
      msgid: 'm-1',
      conversationId: 'conv-1',
      sender,
      message: { type: 'text', text: 'a private customer text' },
    });
    await client.editMessage(scope, {
      msgid: 'm-1',
      conversationId: 'conv-1',
      message: { type: 'text', text: 'an edited private text' },
    });
    await client
      .sendComment(scope, {
        msgid: 'c-1',
        conversationId: 'conv-1',
        sender,
        message: { type: 'text', text: 'a comment' },
        post: { id: 'p-1', url: 'https://example.com/p/1' },
      })
      .catch(() => undefined);
    await client.deliveryStatus(scope, sent.amojoMsgId, { status: 1 }).catch(() => undefined);
    await client.getHistory(scope, chat.amojoChatId);
    await client.typing(scope, { conversationId: 'conv-1', senderId: 'client-1' });
    const target = { conversationId: 'conv-1', msgid: 'm-1', user: { id: 'client-1' } };
    await client.react(scope, { ...target, emoji: '👍' });
    await client.unreact(scope, target);
    await client.disconnect({ accountId: ACCOUNT });

    const operations = [
      'connect',
      'createChat',
      'sendMessage',
      'editMessage',
      'sendComment',
      'deliveryStatus',
      'getHistory',
      'typing',
      'react',
      'unreact',
      'disconnect',
    ];
    expect(seen.requests.map((r) => r.operation)).toEqual(operations);
    expect(seen.responses.map((r) => r.operation)).toEqual(operations);
    expect(seen.requests.every((r) => r.attempt === 1)).toBe(true);
    expect(seen.requests[6]).toEqual({
      operation: 'getHistory',
      method: 'GET',
      path: `/v2/origin/custom/${scope}/chats/${chat.amojoChatId}/history`,
      attempt: 1,
    });
    const byOperation = Object.fromEntries(seen.responses.map((r) => [r.operation, r]));
    expect(byOperation.sendMessage).toMatchObject({ ok: true, status: 200, willRetry: false, attempt: 1 });
    expect(byOperation.sendMessage?.durationMs).toBeGreaterThanOrEqual(0);
    expect(byOperation.disconnect).toMatchObject({ method: 'DELETE', ok: true });
    // Whatever the sandbox said to each, a refusal carries its status and error type, not its body.
    for (const r of seen.responses) {
      expect(r.ok).toBe(r.status !== undefined && r.status < 300);
      if (!r.ok) expect(r.error).toMatchObject({ code: 'api_refused', errorType: expect.any(String) });
    }
    const everything = JSON.stringify([seen.requests, seen.responses]);
    for (const secret of [SECRET, 'a private customer text', 'an edited private text', 'Ann the customer']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('sees every attempt of a retried call, and the last one says no retry follows', async () => {
    const seen = recorder();
    const client = amojo(seen);
    const { scopeId } = await client.connect({ accountId: ACCOUNT });
    seen.requests.length = 0;
    seen.responses.length = 0;
    sandbox.state.setFaults({ apiFailureRate: 1, apiFailureStatuses: [503], retryAfterSeconds: 0 });
    const failed = await client.getHistory(scopeId as ScopeId, 'chat-1').catch((e: unknown) => e);
    expect(failed).toMatchObject({ status: 503 });
    expect(seen.requests.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(seen.responses.map((r) => [r.attempt, r.ok, r.status, r.willRetry, r.error?.code])).toEqual([
      [1, false, 503, true, 'api_refused'],
      [2, false, 503, true, 'api_refused'],
      [3, false, 503, false, 'api_refused'],
    ]);

    // typing is never retried: one attempt, and it is the last.
    seen.responses.length = 0;
    await client.typing(scopeId as ScopeId, { conversationId: 'conv-1', senderId: 'c' }).catch(() => undefined);
    expect(seen.responses.map((r) => [r.operation, r.attempt, r.willRetry])).toEqual([['typing', 1, false]]);
  });

  it('reports an unreachable server without a status, as a network error', async () => {
    const seen = recorder();
    const client = new AmojoClient({
      channelId: CHANNEL,
      channelSecret: SECRET,
      baseUrl: 'http://127.0.0.1:9',
      retry: { retries: 1, sleep: async () => {}, random: () => 0 },
      ...seen,
    });
    await expect(client.connect({ accountId: ACCOUNT })).rejects.toMatchObject({ code: 'network' });
    expect(seen.responses.map((r) => [r.attempt, r.ok, 'status' in r, r.willRetry, r.error?.code])).toEqual([
      [1, false, false, true, 'network'],
      [2, false, false, false, 'network'],
    ]);
  });

  it('a hook that throws or rejects never breaks the call; the client logs it', async () => {
    const seen = recorder();
    const client = amojo({
      log: seen.log,
      onRequest: () => {
        throw new Error('request hook broke');
      },
      onResponse: (async () => {
        throw new Error('response hook broke');
      }) as unknown as AmojoClientOptions['onResponse'] & {},
    });
    const { scopeId } = await client.connect({ accountId: ACCOUNT });
    expect(scopeId).toBe(`${CHANNEL}_${ACCOUNT}`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.warnings.some((w) => w.includes('request hook broke') && w.includes('"operation":"connect"'))).toBe(
      true,
    );
    expect(seen.warnings.some((w) => w.includes('response hook broke'))).toBe(true);
  });
});

/** A REST server that grants `accessToken` to every token request and answers the API calls with `api`. */
function grantingThen(accessToken: string, api: Handler): Handler {
  return (req, res) =>
    req.path === '/oauth2/access_token'
      ? reply(res, 200, {
          token_type: 'Bearer',
          expires_in: 3600,
          access_token: accessToken,
          refresh_token: `r-${accessToken}`,
        })
      : api(req, res);
}

describe('AmocrmClient request hooks', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('sees REST calls and their retries by operation, never the token, the code or the client secret', async () => {
    const seen = recorder();
    let calls = 0;
    server.handle(
      grantingThen('access-token-never-seen-by-hooks', (_req, res) => {
        calls++;
        if (calls === 1) return reply(res, 502, { title: 'Bad Gateway', status: 502 });
        return reply(res, 200, { _embedded: { sources: [] } });
      }),
    );
    const { client, options } = clientFor(server, { ...seen });
    await client.exchangeCode('authorization-code-never-seen');
    await client.listSources();
    expect(seen.responses.map((r) => [r.operation, r.method, r.path, r.attempt, r.status, r.willRetry])).toEqual([
      ['exchangeCode', 'POST', '/oauth2/access_token', 1, 200, false],
      ['listSources', 'GET', '/api/v4/sources', 1, 502, true],
      ['listSources', 'GET', '/api/v4/sources', 2, 200, false],
    ]);
    expect(seen.requests.map((r) => `${r.operation}#${r.attempt}`)).toEqual([
      'exchangeCode#1',
      'listSources#1',
      'listSources#2',
    ]);
    const everything = JSON.stringify([seen.requests, seen.responses]);
    for (const secret of [
      options.clientSecret,
      'authorization-code-never-seen',
      'access-token-never-seen-by-hooks',
      'r-access-token-never-seen-by-hooks',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('scrubs a secret a REST problem title echoes before the hook sees it', async () => {
    const seen = recorder();
    server.handle(
      grantingThen('access-token-echoed-in-a-title', (_req, res) =>
        reply(res, 400, { title: 'Bad token access-token-echoed-in-a-title', status: 400 }),
      ),
    );
    const { client } = clientFor(server, { ...seen });
    await client.exchangeCode('another-authorization-code');
    await expect(client.getAccount()).rejects.toMatchObject({ status: 400 });
    const last = seen.responses.at(-1);
    expect(last?.error?.errorType).toBe('Bad token [redacted]');
  });
});
