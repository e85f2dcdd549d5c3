import { DEMO } from '@amojo-bridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../src/service/create-bridge.js';
import { ENGINES } from './support/databases.js';
import { shareResourcesAcrossTests } from './support/leak-check.js';
import { adminAuth, bridgeFor, createServiceWorld, type ServiceWorld } from './support/service-harness.js';

interface ScopeView {
  readonly scopeId: string;
  readonly accountId: string;
  readonly connected: boolean;
}

async function sandboxScopes(world: ServiceWorld): Promise<ScopeView[]> {
  const response = await fetch(`${world.sandbox.url}/_sandbox/api/config`);
  return ((await response.json()) as { scopes: ScopeView[] }).scopes;
}

describe.each(ENGINES)('createBridge on %s', (engine) => {
  // The bridge one test starts is the one the next tests call.
  shareResourcesAcrossTests();
  let world: ServiceWorld;
  let bridge: Bridge;

  beforeAll(async () => {
    world = await createServiceWorld(engine);
    bridge = await bridgeFor(world);
  });
  afterAll(async () => {
    await bridge?.stop();
    await world?.close();
  });

  it('answers /healthz before start and /readyz 503 until the worker runs', async () => {
    const health = await bridge.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    const notReady = await bridge.app.inject({ method: 'GET', url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    const body = notReady.json() as { checks: { name: string; ok: boolean }[] };
    expect(body.checks).toEqual(
      expect.arrayContaining([
        { name: 'database', ok: true },
        { name: 'migrations', ok: true },
        { name: 'worker', ok: false },
      ]),
    );
  });

  it('listens on start and is ready', async () => {
    const url = await bridge.start();
    expect(url).toBe(`http://127.0.0.1:${world.port}`);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('connects and disconnects an account, visible in the sandbox', async () => {
    const connected = await fetch(`${bridge.url}/admin/api/accounts`, {
      method: 'POST',
      headers: { ...adminAuth, 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: DEMO.accountAmojoId, title: 'Service test' }),
    });
    expect(connected.status).toBe(200);
    const { account } = (await connected.json()) as { account: { scopeId: string; state: string } };
    expect(account.scopeId).toBe(`${DEMO.channelId}_${DEMO.accountAmojoId}`);
    expect(account.state).toBe('connected');
    expect(await sandboxScopes(world)).toEqual([
      expect.objectContaining({ scopeId: account.scopeId, connected: true, title: 'Service test' }),
    ]);

    // Idempotent: the same scope again, still one account row.
    const again = await fetch(`${bridge.url}/admin/api/accounts`, {
      method: 'POST',
      headers: { ...adminAuth, 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: DEMO.accountAmojoId }),
    });
    expect(((await again.json()) as { account: { scopeId: string } }).account.scopeId).toBe(account.scopeId);
    const rows = await bridge.store.db.selectFrom('accounts').selectAll().execute();
    expect(rows).toHaveLength(1);

    const disconnected = await fetch(`${bridge.url}/admin/api/accounts/${DEMO.accountAmojoId}/disconnect`, {
      method: 'POST',
      headers: adminAuth,
    });
    expect(disconnected.status).toBe(200);
    expect(((await disconnected.json()) as { account: { state: string } }).account.state).toBe('disconnected');
    expect(await sandboxScopes(world)).toEqual([
      expect.objectContaining({ scopeId: account.scopeId, connected: false }),
    ]);
  });

  it('exposes every instrument in /metrics, with queue gauges read from the database', async () => {
    await bridge.store.db
      .insertInto('jobs')
      .values({
        kind: 'metrics-probe',
        lane: null,
        payload: '{}',
        state: 'dead',
        attempts: 1,
        max_attempts: 1,
        run_at: Date.now(),
        created_at: Date.now(),
        updated_at: Date.now(),
      })
      .execute();
    const response = await fetch(`${bridge.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    for (const name of [
      'amojo_bridge_intake_total',
      'amojo_bridge_amojo_calls_total',
      'amojo_bridge_delivery_latency_seconds',
      'amojo_bridge_channel_sends_total',
      'amojo_bridge_queue_depth',
      'amojo_bridge_queue_oldest_age_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
    expect(text).toContain('amojo_bridge_queue_depth{kind="metrics-probe",state="dead"} 1');
    // The connect test above called amojo twice and disconnect once.
    expect(text).toContain('amojo_bridge_amojo_calls_total{method="connect",outcome="ok"} 2');
    expect(text).toContain('amojo_bridge_amojo_calls_total{method="disconnect",outcome="ok"} 1');
  });
});
