import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAccount } from '../src/accounts/index.js';
import { asAmojoAccountId } from '../src/store/ids.js';
import { ENGINES } from './support/databases.js';
import {
  createRelayHarness,
  RELAY_ADMIN_TOKEN,
  RELAY_TEST_IDS,
  type RelayHarness,
  waitFor,
} from './support/relay-harness.js';

const auth = { authorization: `Bearer ${RELAY_ADMIN_TOKEN}` };

describe.each(ENGINES)('admin API: discard, health and the dashboard page (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('discards a dead job so the next job of its conversation runs; refuses a job that is not dead', async () => {
    await h.sendCustomerText('discard-chat', 'first');
    const chat = await waitFor('the chat', () => h.chatOf('discard-chat'));
    await h.bridge.amojo.disconnect({ accountId: RELAY_TEST_IDS.ACCOUNT_ID });
    await h.sendCustomerText('discard-chat', 'given up');
    const dead = await waitFor('the dead job', () =>
      h.bridge.store.db.selectFrom('jobs').select(['id']).where('state', '=', 'dead').executeTakeFirst(),
    );
    await connectAccount(h.bridge, { accountId: asAmojoAccountId(RELAY_TEST_IDS.ACCOUNT_ID) });
    await h.sendCustomerText('discard-chat', 'after the discard');

    const health = await h.bridge.app.inject({ method: 'GET', url: '/admin/api/health', headers: auth });
    expect(health.statusCode).toBe(200);
    const body = health.json();
    expect(body.ready).toBe(true);
    expect(body.checks.map((c: { name: string }) => c.name)).toEqual([
      'database',
      'database_write',
      'migrations',
      'worker',
    ]);
    expect(body.queue.find((row: { kind: string }) => row.kind === 'deliver-to-amojo')).toMatchObject({ dead: 1 });
    expect(body.totals.amojoCalls.ok).toBeGreaterThan(0);
    expect(typeof body.oldestDueAgeMs).toBe('number');

    const discarded = await h.bridge.app.inject({
      method: 'POST',
      url: `/admin/api/jobs/${dead.id}/discard`,
      headers: auth,
    });
    expect(discarded.statusCode).toBe(200);
    expect(discarded.json().job).toMatchObject({ id: dead.id, state: 'discarded' });
    const again = await h.bridge.app.inject({
      method: 'POST',
      url: `/admin/api/jobs/${dead.id}/discard`,
      headers: auth,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe(`Job ${dead.id} is discarded; only dead jobs can be discarded`);
    const missing = await h.bridge.app.inject({ method: 'POST', url: '/admin/api/jobs/999999/discard', headers: auth });
    expect(missing.statusCode).toBe(404);

    const texts = await waitFor('the next message delivered', async () => {
      const list = (await h.sandboxMessages(chat.id)).filter((m) => m.direction === 'in').map((m) => m.text);
      return list.includes('after the discard') ? list : undefined;
    });
    expect(texts).toEqual(['first', 'after the discard']);

    const lane = await h.bridge.app.inject({
      method: 'GET',
      url: `/admin/api/jobs?state=discarded&lane=${encodeURIComponent(`in:${1}`)}`,
      headers: auth,
    });
    expect(lane.json().items.map((job: { id: number }) => job.id)).toContain(dead.id);
  });

  it('serves the dashboard page at /admin and refuses asset paths that leave its folder', async () => {
    const page = await h.bridge.app.inject({ method: 'GET', url: '/admin' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('/admin/assets/admin.js');
    const outside = await h.bridge.app.inject({ method: 'GET', url: '/admin/assets/..%2Fadmin%2Findex.html' });
    expect(outside.statusCode).toBe(404);
    const health = await h.bridge.app.inject({ method: 'GET', url: '/admin/api/health' });
    expect(health.statusCode).toBe(401);
  });
});
