import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { CrmState, registerCrmRoutes } from '../src/crm/index.js';
import { startGetReceiver } from './rest-harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('secrets stay out of logs and answers', () => {
  it('never writes the client secret, codes or tokens to the log, even at trace level', async () => {
    const redirect = await startGetReceiver();
    cleanups.push(() => redirect.close());
    const hook = await startGetReceiver('/disabled');
    cleanups.push(() => hook.close());
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const secret = 'very-secret-client-secret-value';
    const crm = new CrmState({
      accounts: [{ amojoId: 'acc', id: 1, subdomain: 'logs', users: [{ id: 1, name: 'Admin', amojoId: 'u1' }] }],
      integrations: [
        {
          clientId: 'int',
          clientSecret: secret,
          redirectUri: redirect.url,
          disabledHookUrl: hook.url,
          multipleSources: true,
        },
      ],
    });
    const app = Fastify({ logger: { level: 'trace', stream } });
    await registerCrmRoutes(app, { crm });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });

    const { code } = (await (await post('/_sandbox/api/crm/install', { account: 'acc', clientId: 'int' })).json()) as {
      code: string;
    };
    const grant = { client_id: 'int', client_secret: secret, redirect_uri: redirect.url };
    const first = (await (
      await post('/oauth2/access_token', { ...grant, grant_type: 'authorization_code', code })
    ).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const second = (await (
      await post('/oauth2/access_token', { ...grant, grant_type: 'refresh_token', refresh_token: first.refresh_token })
    ).json()) as { access_token: string; refresh_token: string };
    const reused = await post('/oauth2/access_token', {
      ...grant,
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(reused.status).toBe(400);
    await fetch(`${url}/api/v4/account`, { headers: { Authorization: `Bearer ${second.access_token}` } });
    await fetch(`${url}/oauth2/account/current/subdomain`, { headers: { 'X-Refresh-Token': second.refresh_token } });
    await post('/_sandbox/api/crm/disable', { account: 'acc', clientId: 'int' });
    const refused = await fetch(`${url}/api/v4/account`, {
      headers: { Authorization: `Bearer ${second.access_token}` },
    });
    const refusedText = await refused.text();
    const recorded = JSON.stringify(crm.integrations('acc'));

    const log = lines.join('');
    expect(log).toContain('/oauth2/access_token'); // the log did record the calls
    for (const value of [
      secret,
      code,
      first.access_token,
      first.refresh_token,
      second.access_token,
      second.refresh_token,
    ]) {
      expect(log).not.toContain(value);
      expect(refusedText).not.toContain(value);
      expect(recorded).not.toContain(value);
    }
    expect(hook.requests).toHaveLength(1);
    expect(recorded).not.toContain(hook.requests[0]!.searchParams.get('signature')!);
  });
});
