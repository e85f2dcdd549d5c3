// Issue 9 part 3: the HTTP server's timeouts and per-route body limits are set (and configurable), so a client that
// stalls mid-body cannot hold a connection forever.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, RELAY_TEST_IDS, type RelayHarness } from './support/relay-harness.js';

/** Sends headers promising `declared` bytes and a few of them, then nothing; resolves with what the server did. */
function stalledPost(url: string, declared: number): Promise<string> {
  return new Promise((resolve) => {
    // Bounded: the server must act long before the test gives up.
    const timer = setTimeout(() => {
      request.destroy();
      resolve('still open');
    }, 15_000);
    const request = httpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(declared) },
    });
    request.on('response', (response) => {
      clearTimeout(timer);
      response.resume();
      resolve(`answered ${response.statusCode}`);
    });
    request.on('error', () => {
      clearTimeout(timer);
      resolve('closed');
    });
    request.on('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
    request.write('{"a":');
  });
}

describe('limits configuration', () => {
  it('has defaults and reads every limit from the environment', () => {
    const minimal = { AMOJO_CHANNEL_ID: RELAY_TEST_IDS.CHANNEL_ID, AMOJO_CHANNEL_SECRET: 'secret' };
    expect(loadConfig({ env: minimal }).limits).toEqual({
      requestTimeoutMs: 120_000,
      connectionTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      hookBodyLimitBytes: 1024 * 1024,
      channelBodyLimitBytes: 256 * 1024,
      adminBodyLimitBytes: 64 * 1024,
    });
    const set = loadConfig({
      env: {
        ...minimal,
        HTTP_REQUEST_TIMEOUT_MS: '5000',
        HTTP_CONNECTION_TIMEOUT_MS: '2000',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
        HOOK_BODY_LIMIT_BYTES: '2048',
        CHANNEL_BODY_LIMIT_BYTES: '4096',
        ADMIN_BODY_LIMIT_BYTES: '8192',
      },
    }).limits;
    expect(set).toEqual({
      requestTimeoutMs: 5000,
      connectionTimeoutMs: 2000,
      keepAliveTimeoutMs: 1000,
      hookBodyLimitBytes: 2048,
      channelBodyLimitBytes: 4096,
      adminBodyLimitBytes: 8192,
    });
    expect(() => loadConfig({ env: { ...minimal, HTTP_CONNECTION_TIMEOUT_MS: '5' } })).toThrow(
      /HTTP_CONNECTION_TIMEOUT_MS/,
    );
  });
});

describe.each(ENGINES)('server timeouts and body limits (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({
      engine,
      env: {
        HTTP_CONNECTION_TIMEOUT_MS: '1000',
        HOOK_BODY_LIMIT_BYTES: '2048',
        CHANNEL_BODY_LIMIT_BYTES: '2048',
        ADMIN_BODY_LIMIT_BYTES: '2048',
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('closes a connection that stalls in the middle of a body', async () => {
    expect(await stalledPost(`${h.bridge.url}/hooks/amojo/${h.scopeId}`, 1000)).not.toBe('still open');
    expect(await stalledPost(`${h.bridge.url}/channels/http/${h.instanceKey}/events`, 1000)).not.toBe('still open');
  });

  it('applies the configured body limit of each route family', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(3000) });
    expect((await h.postHook(big)).status).toBe(413);
    expect((await h.postCustomerEvent({ pad: 'x'.repeat(3000) })).status).toBe(413);
    const admin = await fetch(`${h.bridge.url}/admin/api/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer relay-test-admin-token-0123456789' },
      body: big,
    });
    expect(admin.status).toBe(413);
  });
});
