import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { CrmState, registerCrmRoutes } from '../src/crm/index.js';
import { startGetReceiver } from './rest-harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('registerCrmRoutes inside a host app', () => {
  it('parses its own JSON even when the host keeps every body as raw bytes (as the Chats API does)', async () => {
    const redirect = await startGetReceiver();
    cleanups.push(() => redirect.close());
    const crm = new CrmState({
      accounts: [{ amojoId: 'acc', id: 1, subdomain: 'host', users: [{ id: 1, name: 'Admin', amojoId: 'u1' }] }],
      integrations: [{ clientId: 'int', clientSecret: 'sec', redirectUri: redirect.url, multipleSources: true }],
    });
    const app = Fastify();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.post('/raw', async (request) => ({ isBuffer: Buffer.isBuffer(request.body) }));
    await registerCrmRoutes(app, { crm });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });

    expect(await (await post('/raw', { a: 1 })).json()).toEqual({ isBuffer: true }); // the host keeps its parser
    const { code } = (await (await post('/_sandbox/api/crm/install', { account: 'acc', clientId: 'int' })).json()) as {
      code: string;
    };
    const tokens = (await (
      await post('/oauth2/access_token', {
        client_id: 'int',
        client_secret: 'sec',
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirect.url,
      })
    ).json()) as { access_token: string };
    const auth = { Authorization: `Bearer ${tokens.access_token}` };
    const created = await post('/api/v4/sources', [{ name: 'S', external_id: 's' }], auth);
    expect(created.status).toBe(200);

    const unknownPath = await fetch(`${url}/api/v4/leads/unsorted`, { headers: auth });
    expect(unknownPath.status).toBe(404);
    expect(unknownPath.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await fetch(`${url}/api/v4/leads/unsorted`)).status).toBe(401);

    const wrongType = await fetch(`${url}/api/v4/sources`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
