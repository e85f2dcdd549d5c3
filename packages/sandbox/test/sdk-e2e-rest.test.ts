// The SDK's AmocrmClient against a started sandbox: install flow, token rotation, account and users, sources CRUD
// with the documented limits, contacts and chat links. Real HTTP both ways; no mocks.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import {
  AmocrmClient,
  AmojoApiError,
  AmojoInputError,
  MemoryTokenStore,
  parseDisabledHook,
  parseInstallRedirect,
  type TokenSet,
  verifyDisabledHook,
} from '@amojo-bridge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ACCOUNT = 'e2e0a1b2-0000-4000-8000-0000000000a1';
const ACCOUNT_ID = 777001;
const CLIENT_ID = 'e2e0c1d2-0000-4000-8000-0000000000c1';
const CLIENT_SECRET = 'e2e-client-secret-never-logged-0001';
const MANAGER_AMOJO = 'e2e0f00d-0000-4000-8000-0000000000f1';

/** The integration's side: redirect URI (exchanges the code with AmocrmClient) and disabled hook receiver. */
interface Integration {
  readonly url: string;
  readonly installs: Promise<TokenSet>[];
  readonly disabledHooks: URL[];
  close(): Promise<void>;
}

describe('AmocrmClient against the sandbox', () => {
  let sandbox: Sandbox;
  let integration: Integration;
  let client: AmocrmClient;
  const store = new MemoryTokenStore();
  const statuses: number[] = [];
  const logLines: string[] = [];
  // The sandbox's clock and the client's clock are the same: real time plus an offset the test moves forward.
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);

  const makeClient = (baseUrl: string) =>
    new AmocrmClient({
      baseUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${integration.url}/amocrm/install`,
      tokenStore: store,
      accountKey: ACCOUNT,
      now,
      retry: { retries: 2, minDelayMs: 10 },
      // Through the real fetch; only records statuses so the test can prove the limiter avoided every 429.
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        statuses.push(response.status);
        return response;
      },
      log: {
        debug: (obj, msg) => logLines.push(`${JSON.stringify(obj)} ${msg ?? ''}`),
        info: (obj, msg) => logLines.push(`${JSON.stringify(obj)} ${msg ?? ''}`),
        warn: (obj, msg) => logLines.push(`${JSON.stringify(obj)} ${msg ?? ''}`),
      },
    });

  async function startIntegration(): Promise<Integration> {
    const installs: Promise<TokenSet>[] = [];
    const disabledHooks: URL[] = [];
    const server: Server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://integration');
      if (url.pathname === '/amocrm/install') {
        const redirect = parseInstallRedirect(url);
        expect(redirect.referer).toBe('e2eshop.amocrm.ru');
        expect(redirect.fromWidget).toBe(true);
        // amoCRM waits at most 3 s and ignores the answer: answer at once, exchange the code right after.
        installs.push(client.exchangeCode(redirect.code));
      } else if (url.pathname === '/amocrm/disabled') {
        disabledHooks.push(url);
      }
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      installs,
      disabledHooks,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  const control = async (path: string, body: unknown) => {
    const response = await fetch(`${sandbox.url}/_sandbox/api/crm/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    integration = await startIntegration();
    sandbox = await startSandbox({
      channels: [],
      accounts: [
        {
          amojoId: ACCOUNT,
          id: ACCOUNT_ID,
          subdomain: 'e2eshop',
          name: 'E2E shop',
          users: [
            { id: 501, name: 'Admin', email: 'admin@e2e.example', amojoId: MANAGER_AMOJO, isAdmin: true },
            { id: 502, name: 'Never in chats', amojoId: null },
          ],
        },
      ],
      integrations: [
        {
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          redirectUri: `${integration.url}/amocrm/install`,
          disabledHookUrl: `${integration.url}/amocrm/disabled`,
          multipleSources: true,
        },
      ],
      accessTokenTtlSeconds: 3600,
      now,
    });
    client = makeClient(sandbox.url);
  });
  afterAll(async () => {
    await sandbox?.close();
    await integration?.close();
  });

  it('install: the redirect receiver exchanges the code and the pair is stored', async () => {
    const answer = await control('install', { account: ACCOUNT, clientId: CLIENT_ID });
    expect(answer.redirectStatus).toBe(200);
    expect(integration.installs).toHaveLength(1);
    const tokens = await integration.installs[0]!;
    expect(store.get(ACCOUNT)).toEqual(tokens);
    expect(tokens.tokenType).toBe('Bearer');
    // The code is single-use.
    const again = await client.exchangeCode(String(answer.code)).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(AmojoApiError);
    expect((again as AmojoApiError).status).toBe(400);
  });

  it('account amojo_id, users with amojo_id, one user', async () => {
    const account = await client.getAccount({ with: ['amojo_rights'] });
    expect(account).toMatchObject({ id: ACCOUNT_ID, subdomain: 'e2eshop', amojo_id: ACCOUNT });
    expect(await client.getAmojoId()).toBe(ACCOUNT);
    const page = await client.listUsers({ limit: 250 });
    expect(page.users.map((u) => [u.id, u.amojo_id])).toEqual([
      [501, MANAGER_AMOJO],
      [502, null],
    ]);
    expect((await client.getUser(501))?.amojo_id).toBe(MANAGER_AMOJO);
  });

  it('refresh rotation: each refresh kills the old refresh token; expiry refreshes automatically', async () => {
    const before = store.get(ACCOUNT)!;
    const rotated = await client.refreshTokens();
    expect(rotated.refreshToken).not.toBe(before.refreshToken);
    expect(store.get(ACCOUNT)).toEqual(rotated);
    // The old refresh token is dead on the server.
    const reuse = await fetch(`${sandbox.url}/oauth2/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_type: 'refresh_token',
        refresh_token: before.refreshToken,
        redirect_uri: `${integration.url}/amocrm/install`,
      }),
    });
    expect(reuse.status).toBe(400);
    // An hour later the access token has expired: concurrent calls cause one refresh and all succeed.
    offsetMs += 3600_000;
    const refreshesBefore = logLines.filter((l) => l.includes('tokens_refreshed')).length;
    const results = await Promise.all([client.getAmojoId(), client.getAmojoId(), client.listUsers()]);
    expect(results[0]).toBe(ACCOUNT);
    const after = store.get(ACCOUNT)!;
    expect(after.accessToken).not.toBe(rotated.accessToken);
    expect(after.expiresAt).toBeGreaterThan(now().getTime() + 3000_000);
    expect(logLines.filter((l) => l.includes('tokens_refreshed')).length).toBe(refreshesBefore + 1);
    // The subdomain lookup uses the current refresh token.
    expect(await client.getSubdomain()).toMatchObject({ id: ACCOUNT_ID, subdomain: 'e2eshop' });
  });

  it('sources: create, list by external_id, get, update, default switch, delete', async () => {
    const created = await client.createSources([
      { name: 'Telegram', external_id: 'tg main', default: true, request_id: 'tg' },
      { name: 'WhatsApp', external_id: 'wa-79001234567' },
    ]);
    expect(created.map((s) => [s.external_id, s.default, s.request_id])).toEqual([
      ['tg main', true, 'tg'],
      ['wa-79001234567', false, '1'],
    ]);
    const [tg, wa] = created as [(typeof created)[0], (typeof created)[0]];
    expect(await client.listSources({ externalIds: ['wa-79001234567'] })).toMatchObject([{ id: wa.id }]);
    expect(await client.listSources({ externalIds: ['nothing-like-this'] })).toEqual([]);
    expect(await client.getSource(tg.id)).toMatchObject({ name: 'Telegram', external_id: 'tg main' });
    expect(await client.updateSource(tg.id, { name: 'Telegram bot' })).toMatchObject({
      id: tg.id,
      name: 'Telegram bot',
    });
    // Setting default on one clears the other.
    await client.updateSources([{ id: wa.id, default: true }]);
    const all = await client.listSources();
    expect(all.filter((s) => s.default).map((s) => s.id)).toEqual([wa.id]);
    // external_id is immutable: the client cannot know the stored value, the server refuses the change.
    const immutable = await client.updateSource(tg.id, { external_id: 'changed' }).catch((e: unknown) => e);
    expect(immutable).toBeInstanceOf(AmojoApiError);
    expect((immutable as AmojoApiError).status).toBe(400);
    await client.deleteSource(tg.id);
    expect(await client.getSource(tg.id)).toBeUndefined();
    await client.deleteSources([wa.id]);
    expect(await client.listSources()).toEqual([]);
  });

  it('sources: 50 per request checked client-side, 100 active per integration refused by the server', async () => {
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `S${from + i}`, external_id: `bulk-${from + i}` }));
    await expect(client.createSources(batch(0, 51))).rejects.toBeInstanceOf(AmojoInputError);
    expect(await client.createSources(batch(0, 50))).toHaveLength(50);
    expect(await client.createSources(batch(50, 50))).toHaveLength(50);
    const over = await client.createSources(batch(100, 1)).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(AmojoApiError);
    expect((over as AmojoApiError).status).toBe(400);
    const ids = (await client.listSources()).map((s) => s.id);
    expect(ids).toHaveLength(100);
    await client.deleteSources(ids.slice(0, 50));
    await client.deleteSources(ids.slice(50));
    expect(await client.listSources()).toEqual([]);
  });

  it('contacts: create, find, get; chat links: link and list by chat and by contact', async () => {
    const [created] = await client.createContacts([{ name: 'Ivan Petrov', request_id: 'ivan' }]);
    expect(created).toMatchObject({ request_id: 'ivan' });
    const found = await client.findContacts({ query: 'Ivan' });
    expect(found.map((c) => c.id)).toEqual([created!.id]);
    expect(await client.findContacts({ query: 'Nobody-at-all' })).toEqual([]);
    expect(await client.getContact(created!.id)).toMatchObject({ id: created!.id, name: 'Ivan Petrov' });
    expect(await client.getContact(987654321)).toBeUndefined();
    const chatId = '6cbab3d5-0000-4000-8000-0000000000c4';
    const links = await client.linkChats([{ chatId, contactId: created!.id, requestId: 'l1' }]);
    expect(links).toMatchObject([{ chat_id: chatId, contact_id: created!.id, request_id: 'l1' }]);
    expect(await client.listChatLinks({ chatIds: [chatId] })).toMatchObject([
      { chat_id: chatId, contact_id: created!.id },
    ]);
    expect(await client.listChatLinks({ contactIds: [created!.id] })).toMatchObject([{ chat_id: chatId }]);
  });

  it('stayed within the sandbox rate limit and never logged a token or the secret', () => {
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    const text = logLines.join('\n');
    const tokens = store.get(ACCOUNT)!;
    for (const secret of [CLIENT_SECRET, tokens.accessToken, tokens.refreshToken]) expect(text).not.toContain(secret);
  });

  it('disabling the integration: signed disabled hook verifies, tokens are revoked, calls end in 401', async () => {
    await control('disable', { account: ACCOUNT, clientId: CLIENT_ID });
    expect(integration.disabledHooks).toHaveLength(1);
    const hook = parseDisabledHook(integration.disabledHooks[0]!);
    expect(hook).toMatchObject({ clientUuid: CLIENT_ID, accountId: String(ACCOUNT_ID) });
    expect(verifyDisabledHook({ ...hook, clientSecret: CLIENT_SECRET })).toBe(true);
    expect(verifyDisabledHook({ ...hook, clientSecret: 'another-secret' })).toBe(false);
    const error = await client.getAccount().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmojoApiError);
    expect((error as AmojoApiError).status).toBe(401);
    expect((error as Error).message).not.toContain(store.get(ACCOUNT)!.accessToken);
  });
});
