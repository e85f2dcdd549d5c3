import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { type CrmConfig, type CrmIntegrationConfig, CrmState, registerCrmRoutes } from '../src/crm/index.js';

/** A GET receiver standing in for an integration's redirect URI or disabled hook. */
export interface GetReceiver {
  readonly url: string;
  readonly requests: URL[];
  status: number;
  close(): Promise<void>;
}

/** Starts a real node:http server on port 0 that records every request URL and answers `status`. */
export async function startGetReceiver(path = '/oauth/callback'): Promise<GetReceiver> {
  const requests: URL[] = [];
  const receiver = {
    url: '',
    requests,
    status: 200,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    requests.push(new URL(request.url ?? '/', 'http://receiver'));
    response.statusCode = receiver.status;
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}

export const ACCOUNT = 'a1b2c3d4-0000-4000-8000-000000000001';
export const OTHER_ACCOUNT = 'a1b2c3d4-0000-4000-8000-000000000002';
export const CLIENT_A = 'c0ffee00-0000-4000-8000-00000000000a';
export const CLIENT_B = 'c0ffee00-0000-4000-8000-00000000000b';

/** A running CRM app, its state, a controllable clock and helpers to get tokens. */
export interface CrmHarness {
  readonly url: string;
  readonly crm: CrmState;
  readonly app: FastifyInstance;
  readonly receiver: GetReceiver;
  readonly disabled: [string, string][];
  /** Moves the injected clock forward. */
  advance(ms: number): void;
  /** Runs the install flow and exchanges the code: the usual way an integration gets its first token pair. */
  tokens(account?: string, clientId?: string): Promise<{ access_token: string; refresh_token: string }>;
  /** Calls the app with an optional Bearer token and JSON body. */
  call(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/** Starts Fastify with only `registerCrmRoutes` + `CrmState` on port 0, with two accounts and two integrations. */
export async function startCrm(
  overrides: Partial<CrmConfig> & { integrationExtras?: Partial<CrmIntegrationConfig> } = {},
): Promise<CrmHarness> {
  const receiver = await startGetReceiver();
  let nowMs = Date.parse('2026-03-01T10:00:00Z');
  const { integrationExtras, ...configOverrides } = overrides;
  const integration = (clientId: string): CrmIntegrationConfig => ({
    clientId,
    clientSecret: `secret-of-${clientId}`,
    redirectUri: receiver.url,
    multipleSources: true,
    ...integrationExtras,
  });
  const config: CrmConfig = {
    accounts: [
      {
        amojoId: ACCOUNT,
        id: 123456,
        subdomain: 'sandboxshop',
        name: 'Sandbox Shop',
        users: [
          { id: 501, name: 'Anna Admin', email: 'anna@example.com', amojoId: 'u-amojo-501', isAdmin: true },
          { id: 502, name: 'Boris Manager', amojoId: null, isAdmin: false },
        ],
      },
      {
        amojoId: OTHER_ACCOUNT,
        id: 654321,
        subdomain: 'othershop',
        users: [{ id: 601, name: 'Olga', amojoId: 'u-601' }],
      },
    ],
    integrations: [integration(CLIENT_A), integration(CLIENT_B)],
    rateLimitPerSecond: 1000,
    ...configOverrides,
  };
  const crm = new CrmState(config, { now: () => new Date(nowMs) });
  const disabled: [string, string][] = [];
  const app = Fastify();
  await registerCrmRoutes(app, {
    crm,
    onIntegrationDisabled: (account, clientId) => disabled.push([account, clientId]),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const call: CrmHarness['call'] = (method, path, options = {}) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        ...(options.token !== undefined ? { Authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });

  return {
    url,
    crm,
    app,
    receiver,
    disabled,
    advance: (ms) => {
      nowMs += ms;
    },
    async tokens(account = ACCOUNT, clientId = CLIENT_A) {
      const installed = await call('POST', '/_sandbox/api/crm/install', { body: { account, clientId } });
      const { code } = (await installed.json()) as { code: string };
      const exchanged = await call('POST', '/oauth2/access_token', {
        body: {
          client_id: clientId,
          client_secret: `secret-of-${clientId}`,
          grant_type: 'authorization_code',
          code,
          redirect_uri: receiver.url,
        },
      });
      if (exchanged.status !== 200) throw new Error(`token exchange failed: ${await exchanged.text()}`);
      return (await exchanged.json()) as { access_token: string; refresh_token: string };
    },
    call,
    async close() {
      await app.close();
      await receiver.close();
    },
  };
}
