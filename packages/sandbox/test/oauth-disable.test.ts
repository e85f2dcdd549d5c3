import { hmacHex, safeEqualHex } from '@amojo-bridge/sdk';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { disabledHookSignature } from '../src/crm/disable-integration.js';
import { CrmState, registerCrmRoutes } from '../src/crm/index.js';
import { type GetReceiver, startGetReceiver } from './rest-harness.js';

// Spec 4.7 example: HMAC-SHA256 keyed with the client secret over "{client_uuid}|{account_id}".
const VECTOR = {
  clientId: 'dbcb764d-b02d-4a3b-bc4d-25e1d80fdcad',
  clientSecret: 'integration-secret',
  accountId: 123456,
  signature: '96612925e03fdbf583cdbeb75a917aff9351a3c739c38d237ecf873f23dc6e18',
};
const ACCOUNT = 'f00dcafe-0000-4000-8000-000000000001';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function start(options: { disabledHook?: GetReceiver } = {}) {
  const redirect = await startGetReceiver('/oauth');
  cleanups.push(() => redirect.close());
  const crm = new CrmState({
    accounts: [
      { amojoId: ACCOUNT, id: VECTOR.accountId, subdomain: 'vector', users: [{ id: 1, name: 'Admin', amojoId: 'u1' }] },
    ],
    integrations: [
      {
        clientId: VECTOR.clientId,
        clientSecret: VECTOR.clientSecret,
        redirectUri: redirect.url,
        ...(options.disabledHook ? { disabledHookUrl: options.disabledHook.url } : {}),
      },
    ],
  });
  const changes: string[] = [];
  crm.on('change', (e) => changes.push(`${e.accountAmojoId}:${e.what}`));
  const disabled: string[] = [];
  const app = Fastify();
  await registerCrmRoutes(app, {
    crm,
    onIntegrationDisabled: (account, clientId) => disabled.push(`${account}|${clientId}`),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => app.close());
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const installed = (await (
    await post('/_sandbox/api/crm/install', { account: ACCOUNT, clientId: VECTOR.clientId })
  ).json()) as {
    code: string;
  };
  const tokens = (await (
    await post('/oauth2/access_token', {
      client_id: VECTOR.clientId,
      client_secret: VECTOR.clientSecret,
      grant_type: 'authorization_code',
      code: installed.code,
      redirect_uri: redirect.url,
    })
  ).json()) as { access_token: string; refresh_token: string };
  return { url, crm, post, tokens, disabled, changes, redirect };
}

describe('integration disabled hook', () => {
  it('computes the spec example signature', () => {
    expect(disabledHookSignature(VECTOR.clientSecret, VECTOR.clientId, VECTOR.accountId)).toBe(VECTOR.signature);
  });

  it('revokes the tokens, GETs the hook with a verifiable signature and calls onIntegrationDisabled', async () => {
    const hook = await startGetReceiver('/amocrm/disabled');
    cleanups.push(() => hook.close());
    const s = await start({ disabledHook: hook });
    const auth = { headers: { Authorization: `Bearer ${s.tokens.access_token}` } };
    expect((await fetch(`${s.url}/api/v4/account`, auth)).status).toBe(200);

    const response = await s.post('/_sandbox/api/crm/disable', { account: ACCOUNT, clientId: VECTOR.clientId });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ revokedTokens: 2, hookStatus: 200 });

    expect(hook.requests).toHaveLength(1);
    const query = hook.requests[0]!.searchParams;
    expect(query.get('account_id')).toBe('123456');
    expect(query.get('client_uuid')).toBe(VECTOR.clientId);
    expect(query.get('signature')).toBe(VECTOR.signature);
    // What a receiver does: recompute from the received parameters with its own secret.
    const expected = hmacHex('sha256', VECTOR.clientSecret, `${query.get('client_uuid')}|${query.get('account_id')}`);
    expect(safeEqualHex(expected, query.get('signature')!)).toBe(true);
    expect(s.disabled).toEqual([`${ACCOUNT}|${VECTOR.clientId}`]);
    expect(s.changes).toContain(`${ACCOUNT}:integration`);

    const after = await fetch(`${s.url}/api/v4/account`, auth);
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await after.json()).toEqual({
      title: 'Unauthorized',
      type: 'https://httpstatus.es/401',
      status: 401,
      detail: 'Access token has been revoked',
    });
    const refresh = await s.post('/oauth2/access_token', {
      client_id: VECTOR.clientId,
      client_secret: VECTOR.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: s.tokens.refresh_token,
      redirect_uri: s.redirect.url,
    });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { detail: string }).detail).toMatch(/revoked/);
  });

  it('still revokes and reports a null hook status when no disabled hook URL is configured', async () => {
    const s = await start();
    const response = await s.post('/_sandbox/api/crm/disable', { account: ACCOUNT, clientId: VECTOR.clientId });
    expect(await response.json()).toEqual({ revokedTokens: 2, hookStatus: null });
    expect(s.disabled).toHaveLength(1);
    const after = await fetch(`${s.url}/api/v4/account`, {
      headers: { Authorization: `Bearer ${s.tokens.access_token}` },
    });
    expect(after.status).toBe(401);
  });

  it('lets the integration be installed again after disabling, with working new tokens', async () => {
    const s = await start();
    await s.post('/_sandbox/api/crm/disable', { account: ACCOUNT, clientId: VECTOR.clientId });
    const { code } = (await (
      await s.post('/_sandbox/api/crm/install', { account: ACCOUNT, clientId: VECTOR.clientId })
    ).json()) as {
      code: string;
    };
    const tokens = (await (
      await s.post('/oauth2/access_token', {
        client_id: VECTOR.clientId,
        client_secret: VECTOR.clientSecret,
        grant_type: 'authorization_code',
        code,
        redirect_uri: s.redirect.url,
      })
    ).json()) as { access_token: string };
    const account = await fetch(`${s.url}/api/v4/account?with=amojo_id`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    expect(((await account.json()) as { amojo_id: string }).amojo_id).toBe(ACCOUNT);
  });
});
