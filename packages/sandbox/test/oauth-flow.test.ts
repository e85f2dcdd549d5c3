import { afterEach, describe, expect, it } from 'vitest';
import { CrmState } from '../src/crm/index.js';
import { ACCOUNT, CLIENT_A, CLIENT_B, type CrmHarness, startCrm } from './rest-harness.js';

let harness: CrmHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const exchangeBody = (h: CrmHarness, code: string, extra: Record<string, unknown> = {}) => ({
  client_id: CLIENT_A,
  client_secret: `secret-of-${CLIENT_A}`,
  grant_type: 'authorization_code',
  code,
  redirect_uri: h.receiver.url,
  ...extra,
});

async function install(h: CrmHarness, clientId = CLIENT_A): Promise<{ code: string; redirectStatus: number | null }> {
  const response = await h.call('POST', '/_sandbox/api/crm/install', { body: { account: ACCOUNT, clientId } });
  expect(response.status).toBe(200);
  return (await response.json()) as { code: string; redirectStatus: number | null };
}

// Token endpoint refusals use amoCRM's OAuth problem shape: `hint`, `title`, its own `type`, `status`, `detail`.
async function expectOAuthProblem(response: Response, detail: RegExp, hint: string): Promise<Record<string, unknown>> {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['detail', 'hint', 'status', 'title', 'type']);
  expect(body).toMatchObject({ status: 400, type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson', hint });
  expect(String(body.detail)).toMatch(detail);
  return body;
}

async function expectProblem(response: Response, status: number, detail: RegExp): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, type: `https://httpstatus.es/${status}` });
  expect(String(body.detail)).toMatch(detail);
  return body;
}

describe('install flow', () => {
  it('GETs the redirect URI once with code, referer, platform and from_widget, and records the status', async () => {
    harness = await startCrm();
    harness.receiver.status = 500;
    const { code, redirectStatus } = await install(harness);
    expect(redirectStatus).toBe(500);
    expect(harness.receiver.requests).toHaveLength(1); // never retried, even after a 500
    const query = harness.receiver.requests[0]!.searchParams;
    expect(query.get('code')).toBe(code);
    expect(query.get('referer')).toBe('sandboxshop.amocrm.ru');
    expect(query.get('platform')).toBe('1');
    expect(query.get('from_widget')).toBe('1');
    const log = (await (await harness.call('GET', `/_sandbox/api/crm/integrations?account=${ACCOUNT}`)).json()) as {
      clientId: string;
      installed: boolean;
      calls: { kind: string; status?: number; url: string }[];
    }[];
    const mine = log.find((i) => i.clientId === CLIENT_A)!;
    expect(mine.installed).toBe(true);
    expect(mine.calls).toMatchObject([{ kind: 'install', status: 500 }]);
    expect(mine.calls[0]!.url).not.toContain(code); // the code is a credential: not kept in the log
  });

  it('returns the code with a null status when the redirect URI is unreachable', async () => {
    harness = await startCrm();
    await harness.receiver.close();
    const response = await harness.call('POST', '/_sandbox/api/crm/install', {
      body: { account: ACCOUNT, clientId: CLIENT_A },
    });
    const body = (await response.json()) as { code: string; redirectStatus: null; redirectError: string };
    expect(body.redirectStatus).toBeNull();
    expect(body.redirectError).toMatch(/ECONNREFUSED|fetch failed/);
    expect(body.code).toMatch(/^def50200/);
  });

  it('answers 404 for an unknown account or integration and 400 for a malformed body', async () => {
    harness = await startCrm();
    const unknown = await harness.call('POST', '/_sandbox/api/crm/install', {
      body: { account: 'nope', clientId: CLIENT_A },
    });
    expect(unknown.status).toBe(404);
    const malformed = await harness.call('POST', '/_sandbox/api/crm/install', { body: { account: ACCOUNT } });
    expect(malformed.status).toBe(400);
  });
});

describe('POST /oauth2/access_token', () => {
  it('exchanges a code for a Bearer pair with a JWT-shaped access token naming api_domain', async () => {
    harness = await startCrm();
    const { code } = await install(harness);
    const response = await harness.call('POST', '/oauth2/access_token', { body: exchangeBody(harness, code) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 86_400, server_time: 1_772_359_200 });
    expect(typeof body.refresh_token).toBe('string');
    const [header, payload, signature] = String(body.access_token).split('.');
    expect(signature).toBeTruthy();
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ typ: 'JWT' });
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: CLIENT_A, account_id: 123456, api_domain: new URL(harness.url).host });
    expect(claims.exp).toBe(1_772_359_200 + 86_400);
    const account = await harness.call('GET', '/api/v4/account', { token: String(body.access_token) });
    expect(account.status).toBe(200);
  });

  it('accepts a form-encoded body as OAuth clients often send', async () => {
    harness = await startCrm();
    const { code } = await install(harness);
    const form = new URLSearchParams(exchangeBody(harness, code) as Record<string, string>);
    const response = await fetch(`${harness.url}/oauth2/access_token`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
  });

  it('refuses a wrong redirect_uri with a 400 naming it, leaving the code usable', async () => {
    harness = await startCrm();
    const { code } = await install(harness);
    const wrong = await harness.call('POST', '/oauth2/access_token', {
      body: exchangeBody(harness, code, { redirect_uri: 'https://elsewhere.example/cb' }),
    });
    await expectOAuthProblem(wrong, /redirect_uri/, 'Invalid redirect_uri');
    const right = await harness.call('POST', '/oauth2/access_token', { body: exchangeBody(harness, code) });
    expect(right.status).toBe(200);
  });

  it('refuses a wrong client_secret without echoing any secret', async () => {
    harness = await startCrm();
    const { code } = await install(harness);
    const response = await harness.call('POST', '/oauth2/access_token', {
      body: exchangeBody(harness, code, { client_secret: 'guessed-secret-value' }),
    });
    const text = JSON.stringify(await expectOAuthProblem(response, /client_secret/, 'Client authentication failed'));
    expect(text).not.toContain('guessed-secret-value');
    expect(text).not.toContain(`secret-of-${CLIENT_A}`);
    expect(text).not.toContain(code);
  });

  it('refuses a code reused, expired after 20 minutes, or presented by another integration', async () => {
    harness = await startCrm();
    const { code } = await install(harness);
    expect((await harness.call('POST', '/oauth2/access_token', { body: exchangeBody(harness, code) })).status).toBe(
      200,
    );
    const reused = await harness.call('POST', '/oauth2/access_token', { body: exchangeBody(harness, code) });
    await expectOAuthProblem(reused, /already been used/, 'Authorization code has been revoked');

    const { code: late } = await install(harness);
    harness.advance(20 * 60 * 1000);
    const expired = await harness.call('POST', '/oauth2/access_token', { body: exchangeBody(harness, late) });
    await expectOAuthProblem(expired, /expired/, 'Authorization code has expired');

    const { code: forA } = await install(harness);
    const stolen = await harness.call('POST', '/oauth2/access_token', {
      body: exchangeBody(harness, forA, { client_id: CLIENT_B, client_secret: `secret-of-${CLIENT_B}` }),
    });
    await expectOAuthProblem(stolen, /code is unknown/, 'Cannot decrypt the authorization code');
  });

  it('names missing fields and unknown grant types', async () => {
    harness = await startCrm();
    const missing = await harness.call('POST', '/oauth2/access_token', { body: { client_id: CLIENT_A } });
    await expectOAuthProblem(missing, /client_secret is required/, 'Send client_secret as a string in the JSON body');
    const grant = await harness.call('POST', '/oauth2/access_token', {
      body: exchangeBody(harness, 'x', { grant_type: 'password' }),
    });
    await expectOAuthProblem(grant, /grant_type/, 'Check the request parameters');
    const notJson = await fetch(`${harness.url}/oauth2/access_token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"client_id":',
    });
    await expectProblem(notJson, 400, /not valid JSON/);
  });

  it('rotates refresh tokens: a refresh returns a new pair and the old refresh token is refused', async () => {
    harness = await startCrm();
    const first = await harness.tokens();
    const refreshBody = (token: string) => ({
      client_id: CLIENT_A,
      client_secret: `secret-of-${CLIENT_A}`,
      grant_type: 'refresh_token',
      refresh_token: token,
      redirect_uri: harness!.receiver.url,
    });
    const rotated = await harness.call('POST', '/oauth2/access_token', { body: refreshBody(first.refresh_token) });
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as { access_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect((await harness.call('GET', '/api/v4/account', { token: second.access_token })).status).toBe(200);

    const again = await harness.call('POST', '/oauth2/access_token', { body: refreshBody(first.refresh_token) });
    await expectOAuthProblem(again, /already been used/, 'Token has been revoked');
    expect(
      (await harness.call('POST', '/oauth2/access_token', { body: refreshBody(second.refresh_token) })).status,
    ).toBe(200);
  });

  it('expires access and refresh tokens after their configured lifetimes (injected clock)', async () => {
    harness = await startCrm({ accessTokenTtlSeconds: 60, refreshTokenTtlSeconds: 3600 });
    const tokens = await harness.tokens();
    harness.advance(59_000);
    expect((await harness.call('GET', '/api/v4/account', { token: tokens.access_token })).status).toBe(200);
    harness.advance(1_000);
    await expectProblem(await harness.call('GET', '/api/v4/account', { token: tokens.access_token }), 401, /expired/);
    harness.advance(3600_000);
    const refresh = await harness.call('POST', '/oauth2/access_token', {
      body: {
        client_id: CLIENT_A,
        client_secret: `secret-of-${CLIENT_A}`,
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        redirect_uri: harness.receiver.url,
      },
    });
    await expectOAuthProblem(refresh, /refresh_token has expired/, 'Token has expired');
  });
});

describe('GET /oauth2/account/current/subdomain', () => {
  it('answers the account domain for a live refresh token and 401 otherwise', async () => {
    harness = await startCrm();
    const tokens = await harness.tokens();
    const ok = await fetch(`${harness.url}/oauth2/account/current/subdomain`, {
      headers: { 'X-Refresh-Token': tokens.refresh_token },
    });
    expect(await ok.json()).toEqual({
      id: 123456,
      subdomain: 'sandboxshop',
      domain: 'amocrm.ru',
      top_level_domain: 'ru',
    });
    await expectProblem(await fetch(`${harness.url}/oauth2/account/current/subdomain`), 401, /X-Refresh-Token/);
    const wrong = await fetch(`${harness.url}/oauth2/account/current/subdomain`, {
      headers: { 'X-Refresh-Token': 'not-a-token' },
    });
    await expectProblem(wrong, 401, /Refresh token/);
  });
});

describe('Bearer check and rate limit on /api/v4/**', () => {
  it('answers the documented 401 problem JSON for a missing or unknown token, never echoing it', async () => {
    harness = await startCrm();
    const missing = await harness.call('GET', '/api/v4/account');
    const body = await expectProblem(missing, 401, /Bearer/);
    expect(Object.keys(body).sort()).toEqual(['detail', 'status', 'title', 'type']);
    expect(body.title).toBe('Unauthorized');
    const unknown = await harness.call('GET', '/api/v4/sources', { token: 'forged.token.value' });
    const text = JSON.stringify(await expectProblem(unknown, 401, /unknown/));
    expect(text).not.toContain('forged.token.value');
  });

  it('answers 429 with Retry-After and retry_after after 7 requests within a second, per token', async () => {
    expect(new CrmState({ accounts: [], integrations: [] }).rateLimitPerSecond).toBe(7);
    harness = await startCrm({ rateLimitPerSecond: 7 });
    const a = await harness.tokens();
    const b = await harness.tokens();
    for (let i = 0; i < 7; i++) {
      expect((await harness.call('GET', '/api/v4/account', { token: a.access_token })).status).toBe(200);
    }
    const limited = await harness.call('GET', '/api/v4/account', { token: a.access_token });
    const body = await expectProblem(limited, 429, /7 requests per second/);
    expect(body).toMatchObject({ title: 'Too Many Requests', retry_after: 1 });
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await harness.call('GET', '/api/v4/account', { token: b.access_token })).status).toBe(200);
    harness.advance(1000);
    expect((await harness.call('GET', '/api/v4/account', { token: a.access_token })).status).toBe(200);
  });
});
