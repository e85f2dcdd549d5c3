import { AmocrmClient, AmojoApiError, AmojoInputError, MemoryTokenStore, type TokenSet } from '@amojo-bridge/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  captureLog,
  clientFor,
  fakeClockLimiter,
  reply,
  startServer,
  type TestServer,
  token,
} from './rest-test-server.js';

const CLIENT_SECRET = 'client-secret-that-must-stay-hidden';

/** A fake amoCRM OAuth server: single-use codes and refresh tokens, access tokens checked on /api/v4/account. */
function oauthState(server: TestServer, options: { expiresIn?: number; accountReply?: (access: string) => void } = {}) {
  const state = {
    codes: new Set<string>(['code-from-install-redirect']),
    liveRefresh: new Set<string>(),
    liveAccess: new Set<string>(),
    usedRefresh: [] as string[],
    refreshCount: 0,
    /** Access tokens seen on API calls, in arrival order. */
    apiBearers: [] as string[],
    /** Delay before answering a refresh, to widen race windows. */
    refreshDelayMs: 0,
  };
  const issue = () => {
    const pair = { access: token('access'), refresh: token('refresh') };
    state.liveAccess.add(pair.access);
    state.liveRefresh.add(pair.refresh);
    return {
      token_type: 'Bearer',
      expires_in: options.expiresIn ?? 86400,
      server_time: 1751621727,
      access_token: pair.access,
      refresh_token: pair.refresh,
    };
  };
  server.handle(async (req, res) => {
    if (req.path === '/oauth2/access_token') {
      const body = req.json as Record<string, string>;
      if (body.client_secret !== CLIENT_SECRET) return reply(res, 401, { title: 'Unauthorized', status: 401 });
      if (body.grant_type === 'authorization_code') {
        if (!state.codes.delete(body.code!)) return reply(res, 400, { title: 'Bad Request', detail: 'Code expired' });
        return reply(res, 200, issue());
      }
      state.refreshCount++;
      state.usedRefresh.push(body.refresh_token!);
      if (state.refreshDelayMs) await new Promise((r) => setTimeout(r, state.refreshDelayMs));
      // Single use: the old refresh token (and its access token) die with the refresh.
      if (!state.liveRefresh.delete(body.refresh_token!)) {
        return reply(res, 400, { title: 'Bad Request', detail: 'Refresh token has been revoked' });
      }
      return reply(res, 200, issue());
    }
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    state.apiBearers.push(bearer);
    options.accountReply?.(bearer);
    if (!state.liveAccess.has(bearer)) {
      return reply(res, 401, {
        title: 'Unauthorized',
        type: 'https://httpstatus.es/401',
        status: 401,
        detail: 'Token expired',
      });
    }
    return reply(res, 200, { id: 1, name: 'Acme', subdomain: 'acme', amojo_id: 'amojo-account-uuid' });
  });
  return state;
}

describe('AmocrmClient OAuth', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(() => server.close());

  it('exchangeCode sends the authorization_code grant and saves the pair', async () => {
    const state = oauthState(server);
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const { client, store, options } = clientFor(server, { now: () => new Date(clock) });
    const pair = await client.exchangeCode('code-from-install-redirect');
    const req = server.requests[0]!;
    expect([req.method, req.path]).toEqual(['POST', '/oauth2/access_token']);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBeUndefined();
    expect(req.json).toEqual({
      client_id: options.clientId,
      client_secret: CLIENT_SECRET,
      grant_type: 'authorization_code',
      code: 'code-from-install-redirect',
      redirect_uri: options.redirectUri,
    });
    expect(pair.tokenType).toBe('Bearer');
    expect(pair.expiresAt).toBe(clock + 86_400_000);
    expect(state.liveAccess.has(pair.accessToken)).toBe(true);
    expect(await store.get(options.accountKey)).toEqual(pair);
    clock += 1000;
    expect(await client.getAmojoId()).toBe('amojo-account-uuid');
    expect(state.apiBearers).toEqual([pair.accessToken]);
  });

  it('a refused code is an AmojoApiError without the code or the secret in its message', async () => {
    oauthState(server);
    const { client, store, options } = clientFor(server);
    const error = await client.exchangeCode('code-that-was-never-issued').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmojoApiError);
    expect((error as AmojoApiError).status).toBe(400);
    expect((error as Error).message).not.toContain('code-that-was-never-issued');
    expect((error as Error).message).not.toContain(CLIENT_SECRET);
    expect(await store.get(options.accountKey)).toBeUndefined();
  });

  it('refreshTokens sends the refresh_token grant and saves the new pair before returning it', async () => {
    const state = oauthState(server);
    const { client, store, options } = clientFor(server);
    const first = await client.exchangeCode('code-from-install-redirect');
    const second = await client.refreshTokens();
    const req = server.requests[1]!;
    expect(req.json).toEqual({
      client_id: options.clientId,
      client_secret: CLIENT_SECRET,
      grant_type: 'refresh_token',
      refresh_token: first.refreshToken,
      redirect_uri: options.redirectUri,
    });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await store.get(options.accountKey)).toEqual(second);
    expect(state.usedRefresh).toEqual([first.refreshToken]);
  });

  it('an expired access token is refreshed and saved before the request that uses it is sent', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const store = new MemoryTokenStore();
    const storedAtArrival: (TokenSet | undefined)[] = [];
    const accountKey = 'acct-save-before-use';
    const state = oauthState(server, {
      expiresIn: 3600,
      accountReply: () => storedAtArrival.push(store.get(accountKey)),
    });
    const { client } = clientFor(server, { tokenStore: store, accountKey, now: () => new Date(clock) });
    const first = await client.exchangeCode('code-from-install-redirect');
    clock += 3600_000 - 30_000; // inside the default 60 s margin
    await client.getAccount();
    expect(state.refreshCount).toBe(1);
    const bearer = state.apiBearers[0]!;
    expect(bearer).not.toBe(first.accessToken);
    // When the API call arrived, the store already held the pair whose access token it carried.
    expect(storedAtArrival[0]?.accessToken).toBe(bearer);
  });

  it('concurrent calls that all find an expired token cause exactly one refresh', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const state = oauthState(server, { expiresIn: 3600 });
    const { client, store, options } = clientFor(server, { now: () => new Date(clock) });
    await client.exchangeCode('code-from-install-redirect');
    clock += 7200_000;
    state.refreshDelayMs = 50;
    await Promise.all(Array.from({ length: 5 }, () => client.getAccount()));
    expect(state.refreshCount).toBe(1);
    const current = await store.get(options.accountKey);
    expect(state.apiBearers).toEqual(Array(5).fill(current!.accessToken));
  });

  it('two clients sharing one store object share the refresh lock: no refresh token is sent twice', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const state = oauthState(server, { expiresIn: 3600 });
    const store = new MemoryTokenStore();
    const common = { tokenStore: store, accountKey: 'shared-account', now: () => new Date(clock) };
    const a = clientFor(server, common).client;
    const b = clientFor(server, common).client;
    await a.exchangeCode('code-from-install-redirect');
    state.refreshDelayMs = 30;
    for (let round = 0; round < 3; round++) {
      clock += 7200_000;
      await Promise.all([a.getAccount(), b.getAccount(), a.getAccount(), b.getAccount()]);
    }
    // Explicit refreshes racing each other are queued, each with the newest token.
    await Promise.all([a.refreshTokens(), b.refreshTokens(), a.refreshTokens()]);
    expect(state.refreshCount).toBe(6);
    expect(new Set(state.usedRefresh).size).toBe(state.usedRefresh.length);
    expect(state.liveRefresh.has(store.get('shared-account')!.refreshToken)).toBe(true);
  });

  it('a 401 triggers one refresh and one retry', async () => {
    const state = oauthState(server);
    const { client, store, options } = clientFor(server);
    const first = await client.exchangeCode('code-from-install-redirect');
    state.liveAccess.delete(first.accessToken); // revoked server-side before its expiry
    expect(await client.getAmojoId()).toBe('amojo-account-uuid');
    expect(state.refreshCount).toBe(1);
    const current = await store.get(options.accountKey);
    expect(state.apiBearers).toEqual([first.accessToken, current!.accessToken]);
  });

  it('with a one-slot limiter, expiry and 401 refreshes still complete (no call holds a slot a refresh needs)', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const state = oauthState(server, { expiresIn: 3600 });
    const { limiter } = fakeClockLimiter(1);
    const { client } = clientFor(server, { rateLimiter: limiter, now: () => new Date(clock) });
    const first = await client.exchangeCode('code-from-install-redirect');
    clock += 7200_000;
    await Promise.all([client.getAccount(), client.getAccount(), client.getAccount()]);
    expect(state.refreshCount).toBe(1);
    for (const access of state.liveAccess) state.liveAccess.delete(access);
    await Promise.all([client.getAccount(), client.getAccount()]);
    expect(state.refreshCount).toBe(2);
    expect(state.usedRefresh[0]).toBe(first.refreshToken);
  });

  it('a second 401 after the refresh is thrown, with no token in the message or the log', async () => {
    const state = oauthState(server);
    const { log, lines } = captureLog();
    const { client, store, options } = clientFor(server, { log });
    await client.exchangeCode('code-from-install-redirect');
    server.handle((req, res) => {
      if (req.path === '/oauth2/access_token') {
        state.refreshCount++;
        const issued = {
          access_token: token('access'),
          refresh_token: token('refresh'),
          expires_in: 3600,
          token_type: 'Bearer',
        };
        return reply(res, 200, issued);
      }
      // An answer that quotes the token back must not leak it through the error.
      return reply(res, 401, {
        title: 'Unauthorized',
        status: 401,
        detail: `token ${req.headers.authorization} revoked`,
      });
    });
    const error = await client.getAccount().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmojoApiError);
    expect((error as AmojoApiError).status).toBe(401);
    expect(state.refreshCount).toBe(1);
    expect(server.requests.filter((r) => r.path === '/api/v4/account')).toHaveLength(2);
    const tokens = await store.get(options.accountKey);
    const seen = [
      ...server.requests.map((r) => (r.headers.authorization ?? '').replace('Bearer ', '')),
      tokens!.refreshToken,
      CLIENT_SECRET,
    ].filter(Boolean);
    const text = `${(error as Error).message} ${JSON.stringify((error as AmojoApiError).body)} ${lines.join('\n')}`;
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of seen) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('when the refresh after a 401 fails, the 401 is thrown and the failure logged without secrets', async () => {
    const state = oauthState(server);
    const { log, lines } = captureLog();
    const { client } = clientFor(server, { log });
    const first = await client.exchangeCode('code-from-install-redirect');
    state.liveAccess.delete(first.accessToken);
    state.liveRefresh.delete(first.refreshToken); // installation disabled: refresh token revoked too
    const error = await client.getAccount().catch((e: unknown) => e);
    expect((error as AmojoApiError).status).toBe(401);
    expect(state.refreshCount).toBe(1);
    const text = lines.join('\n');
    expect(text).toContain('token refresh failed');
    for (const secret of [first.accessToken, first.refreshToken, CLIENT_SECRET]) expect(text).not.toContain(secret);
  });

  it('without stored tokens a call fails with AmojoInputError and sends nothing', async () => {
    oauthState(server);
    const { client } = clientFor(server, { accountKey: 'never-installed' });
    const error = await client.getAccount().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmojoInputError);
    expect((error as Error).message).toContain('exchangeCode');
    expect(server.requests).toHaveLength(0);
  });

  it('keeps the client secret out of util.inspect of the client', async () => {
    const { inspect } = await import('node:util');
    const { client } = clientFor(server);
    expect(client).toBeInstanceOf(AmocrmClient);
    expect(inspect(client, { depth: 10 })).not.toContain(CLIENT_SECRET);
  });
});
