import { createServer } from 'node:net';
import { AmojoApiError, AmojoNetworkError, AmojoTimeoutError } from '@amojo-bridge/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientFor, fakeClockLimiter, reply, startServer, type TestServer } from './rest-test-server.js';

const ACCESS = 'access-token-for-error-tests-0001';

describe('AmocrmClient error mapping and retries', () => {
  let server: TestServer;
  const setup = (overrides: Parameters<typeof clientFor>[1] = {}) => {
    const sleeps: number[] = [];
    const made = clientFor(server, {
      retry: { retries: 3, random: () => 0, sleep: async (ms) => void sleeps.push(ms) },
      ...overrides,
    });
    made.store.set(made.options.accountKey, {
      accessToken: ACCESS,
      refreshToken: 'refresh-token-for-error-tests-0001',
      expiresAt: Date.now() + 3_600_000,
      tokenType: 'Bearer',
    });
    return { ...made, sleeps };
  };
  const apiCalls = () => server.requests.filter((r) => r.path.startsWith('/api/'));

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('400 with a validation problem body: AmojoApiError with title, detail and body; not retried', async () => {
    const problem = {
      'validation-errors': [
        { request_id: '0', errors: [{ code: 'NotSupportedChoice', path: 'name', detail: 'Bad name' }] },
      ],
      title: 'Bad Request',
      type: 'https://httpstatus.es/400',
      status: 400,
      detail: 'Request validation failed',
    };
    server.handle((_req, res) => reply(res, 400, problem, { 'content-type': 'application/problem+json' }));
    const { client } = setup();
    const error = (await client.createSources([{ name: 'A', external_id: 'a' }]).catch((e) => e)) as AmojoApiError;
    expect(error).toBeInstanceOf(AmojoApiError);
    expect([error.status, error.errorType, error.description, error.code]).toEqual([
      400,
      'Bad Request',
      'Request validation failed',
      'api_refused',
    ]);
    expect(error.body).toEqual(problem);
    expect(error.request).toBe('POST /api/v4/sources');
    expect(error.message).toContain('HTTP 400');
    expect(apiCalls()).toHaveLength(1);
  });

  it('401 after the one refresh-and-retry is thrown with the token hint', async () => {
    server.handle((req, res) => {
      if (req.path === '/oauth2/access_token') {
        return reply(res, 200, {
          token_type: 'Bearer',
          expires_in: 86400,
          access_token: 'access-after-refresh-0002',
          refresh_token: 'refresh-after-refresh-0002',
        });
      }
      return reply(res, 401, { title: 'Unauthorized', type: 'https://httpstatus.es/401', status: 401, detail: 'x' });
    });
    const { client } = setup();
    const error = (await client.getSource(1).catch((e) => e)) as AmojoApiError;
    expect(error.status).toBe(401);
    expect(error.message).toContain('access token is missing, expired or revoked');
    expect(apiCalls().map((r) => r.headers.authorization)).toEqual([
      `Bearer ${ACCESS}`,
      'Bearer access-after-refresh-0002',
    ]);
  });

  it.each([403, 404])('%i is thrown at once, not retried', async (status) => {
    server.handle((_req, res) => reply(res, status, { title: `HTTP ${status}`, status, detail: 'no' }));
    const { client, sleeps } = setup();
    const error = (await client.listSources().catch((e) => e)) as AmojoApiError;
    expect(error).toBeInstanceOf(AmojoApiError);
    expect(error.status).toBe(status);
    expect(error.errorType).toBe(`HTTP ${status}`);
    expect(apiCalls()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a stored token echoed back without "Bearer" is redacted from the error', async () => {
    server.handle((req, res) =>
      reply(res, 403, { title: 'Forbidden', detail: `token ${String(req.headers.authorization).slice(7)} blocked` }),
    );
    const { client } = setup();
    const error = (await client.getAccount().catch((e) => e)) as AmojoApiError;
    expect(error.status).toBe(403);
    expect(error.message).toContain('token [redacted] blocked');
    expect(JSON.stringify(error.body)).not.toContain(ACCESS);
    expect(error.description).not.toContain(ACCESS);
  });

  it('500 on a GET is retried with backoff (retries + 1 attempts), then thrown', async () => {
    server.handle((_req, res) => reply(res, 500, { title: 'Internal Server Error', status: 500 }));
    const { client, sleeps } = setup();
    const error = (await client.getAccount().catch((e) => e)) as AmojoApiError;
    expect(error.status).toBe(500);
    expect(apiCalls()).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
  });

  it('500 on an idempotent PATCH is retried until it succeeds', async () => {
    let n = 0;
    const source = { id: 1, name: 'A', external_id: 'a', pipeline_id: 1, default: false, origin_code: null };
    server.handle((_req, res) => (++n < 3 ? reply(res, 502) : reply(res, 200, { _embedded: { sources: [source] } })));
    const { client } = setup();
    expect(await client.updateSources([{ id: 1, name: 'A' }])).toEqual([source]);
    expect(apiCalls()).toHaveLength(3);
    expect(apiCalls().every((r) => r.method === 'PATCH')).toBe(true);
  });

  it('500 on a create (POST sources, POST contacts) is not retried', async () => {
    server.handle((_req, res) => reply(res, 500));
    const { client, sleeps } = setup();
    await expect(client.createSources([{ name: 'A', external_id: 'a' }])).rejects.toMatchObject({ status: 500 });
    await expect(client.createContacts([{ name: 'Ivan' }])).rejects.toMatchObject({ status: 500 });
    expect(apiCalls()).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it('429 with Retry-After: the retry waits at least that long and the account limiter pauses', async () => {
    let n = 0;
    server.handle((_req, res) =>
      ++n === 1
        ? reply(res, 429, { title: 'Too Many Requests', status: 429, detail: 'slow down' }, { 'retry-after': '2' })
        : reply(res, 200, { id: 1, name: 'A', subdomain: 'a', amojo_id: 'acc' }),
    );
    const { limiter, clock, sleeps: limiterSleeps } = fakeClockLimiter(7);
    const { client, sleeps } = setup({ rateLimiter: limiter });
    expect(await client.getAmojoId()).toBe('acc');
    expect(apiCalls()).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
    // The retry's limiter slot waited out the pause (fake clock: no real waiting).
    expect(limiter.pausedUntil).toBe(2000);
    expect(limiterSleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2000);
    expect(clock.now).toBeGreaterThanOrEqual(2000);
  });

  it('429 on a create is thrown with retryAfterMs (from the body) and still pauses the account', async () => {
    server.handle((_req, res) =>
      reply(res, 429, { title: 'Too Many Requests', status: 429, detail: 'x', retry_after: 300 }),
    );
    const { limiter } = fakeClockLimiter(7);
    const { client } = setup({ rateLimiter: limiter });
    const error = (await client.createContacts([{ name: 'A' }]).catch((e) => e)) as AmojoApiError;
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(300_000);
    expect(error.message).toContain('retry after 300 s');
    expect(apiCalls()).toHaveLength(1);
    expect(limiter.pausedUntil).toBe(300_000);
  });

  it('a server that never answers gives AmojoTimeoutError', async () => {
    server.handle(() => {
      // never answers; the server's close() drops the socket
    });
    const { client } = setup({ timeoutMs: 100, retry: false });
    const error = await client.getUser(1).catch((e) => e);
    expect(error).toBeInstanceOf(AmojoTimeoutError);
    expect((error as AmojoTimeoutError).timeoutMs).toBe(100);
    expect((error as Error).message).toBe('GET /api/v4/users/1 timed out after 100 ms');
  });

  it('connection refused gives AmojoNetworkError after the retries of an idempotent call', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { client, sleeps } = setup({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await client.listChatLinks({ chatIds: ['x'] }).catch((e) => e);
    expect(error).toBeInstanceOf(AmojoNetworkError);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).not.toContain(ACCESS);
    expect(sleeps).toHaveLength(3);
    const created = await client.createContacts([{ name: 'A' }]).catch((e) => e);
    expect(created).toBeInstanceOf(AmojoNetworkError);
    expect(sleeps).toHaveLength(3);
  });

  it('a 200 answer that is not JSON is an AmojoNetworkError', async () => {
    server.handle((_req, res) => reply(res, 200, '<html>maintenance</html>'));
    const { client } = setup();
    await expect(client.getAccount()).rejects.toBeInstanceOf(AmojoNetworkError);
  });
});
