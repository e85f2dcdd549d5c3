import { type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectScope,
  control,
  type HookReceiver,
  incoming,
  postToScope,
  SCOPE_ID,
  startHookReceiver,
  testOptions,
} from './fixtures/helpers.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});
async function start(overrides: Parameters<typeof testOptions>[0] = {}): Promise<Sandbox> {
  const sandbox = await startSandbox(testOptions(overrides));
  open.push(sandbox);
  return sandbox;
}
async function receiver(): Promise<HookReceiver> {
  const r = await startHookReceiver();
  open.push(r);
  return r;
}

/** Connects with faults off, then turns the given faults on and posts `n` messages; returns their statuses. */
async function statusesUnderFaults(faults: object, n: number) {
  const sandbox = await start();
  await connectScope(sandbox.url);
  expect((await control(sandbox.url, 'PUT', '/faults', faults)).status).toBe(200);
  const statuses: number[] = [];
  const retryAfter: (string | null)[] = [];
  for (let i = 0; i < n; i += 1) {
    const result = await postToScope(sandbox.url, SCOPE_ID, incoming('conv-f', `m${i}`));
    statuses.push(result.status);
    if (result.status === 429) retryAfter.push(result.headers.get('retry-after'));
  }
  return { sandbox, statuses, retryAfter };
}

describe('API fault injection', () => {
  it('fails a share of calls, repeatably with a seed, and a failed call has no effect', async () => {
    const faults = { apiFailureRate: 0.5, seed: 42, retryAfterSeconds: 3 };
    const one = await statusesUnderFaults(faults, 30);
    const two = await statusesUnderFaults(faults, 30);
    expect(one.statuses).toEqual(two.statuses);
    const failed = one.statuses.filter((s) => s !== 200);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(30);
    for (const s of failed) expect([500, 502, 429]).toContain(s);
    for (const header of one.retryAfter) expect(header).toBe('3');
    // Only the calls answered 200 were applied.
    const stored = [...one.sandbox.state.messages.values()].length;
    expect(stored).toBe(one.statuses.filter((s) => s === 200).length);
    // Another seed gives another sequence.
    const other = await statusesUnderFaults({ ...faults, seed: 7 }, 30);
    expect(other.statuses).not.toEqual(one.statuses);
  });

  it('answers the amojo envelope on /v2 and problem JSON on /api/v4; the control API is never faulted', async () => {
    const sandbox = await start({ faults: { apiFailureRate: 1, apiFailureStatuses: [502] } });
    const v2 = await postToScope(sandbox.url, SCOPE_ID, incoming('c', 'x'));
    expect(v2.status).toBe(502);
    expect(v2.json).toMatchObject({ status: 0, error_code: 502, error_type: 'SANDBOX_INJECTED_FAULT' });
    const rest = await fetch(`${sandbox.url}/api/v4/account`);
    expect(rest.status).toBe(502);
    expect(rest.headers.get('content-type')).toContain('application/problem+json');
    expect((await control(sandbox.url, 'GET', '/config')).status).toBe(200);
  });

  it('holds hung calls, then answers 504 without effect; close() releases them', async () => {
    const sandbox = await start();
    await connectScope(sandbox.url);
    await control(sandbox.url, 'PUT', '/faults', { apiHangRate: 1, apiHangMs: 50 });
    const hung = await postToScope(sandbox.url, SCOPE_ID, incoming('c', 'x'));
    expect(hung.status).toBe(504);
    expect(hung.json.error_type).toBe('SANDBOX_INJECTED_HANG');
    expect(sandbox.state.messages.size).toBe(0);
    await control(sandbox.url, 'PUT', '/faults', { apiHangRate: 1, apiHangMs: 600_000 });
    const pending = postToScope(sandbox.url, SCOPE_ID, incoming('c', 'y')).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sandbox.close();
    const outcome = await pending;
    // Either the 504 made it out before the socket closed, or the connection was cut: never a success.
    if (!(outcome instanceof Error)) expect(outcome.status).toBe(504);
    expect(sandbox.state.messages.size).toBe(0);
  });

  it('validates fault settings at run time and naming the field', async () => {
    const sandbox = await start();
    const bad = await control(sandbox.url, 'PUT', '/faults', { hookDropRate: 2 });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toContain('hookDropRate');
    expect((await control(sandbox.url, 'PUT', '/faults', { hookDelayMs: [5, 1] })).json.error).toContain('hookDelayMs');
    expect((await control(sandbox.url, 'PUT', '/faults', { nope: 1 })).json.error).toContain('nope');
    const set = await control(sandbox.url, 'PUT', '/faults', { apiFailureRate: 0.25 });
    expect(set.json).toMatchObject({ apiFailureRate: 0.25, apiFailureStatuses: [500, 502, 429], hookDropRate: 0 });
    expect((await control(sandbox.url, 'GET', '/faults')).json.apiFailureRate).toBe(0.25);
    expect(sandbox.state.setFaults({}).apiFailureRate).toBe(0);
    await expect(startSandbox(testOptions({ faults: { apiHangRate: -1 } }))).rejects.toThrow('apiHangRate');
  });
});

describe('hook fault injection', () => {
  async function dropPattern(seed: number) {
    const r = await receiver();
    const sandbox = await start({ hookUrl: `${r.url}/h/:scope_id`, faults: { hookDropRate: 0.5, seed } });
    await connectScope(sandbox.url);
    const chatId = (await postToScope(sandbox.url, SCOPE_ID, incoming('conv-d', 'hi'))).json.new_message
      .conversation_id;
    const dropped: boolean[] = [];
    for (let i = 0; i < 20; i += 1) {
      const result = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: `m${i}` });
      dropped.push(result.json.hooks[0].dropped);
    }
    return { dropped, received: r.received.length, log: sandbox.state.hooks() };
  }

  it('drops a share of hooks (logged, never sent), repeatably with a seed', async () => {
    const one = await dropPattern(99);
    const two = await dropPattern(99);
    expect(one.dropped).toEqual(two.dropped);
    const droppedCount = one.dropped.filter(Boolean).length;
    expect(droppedCount).toBeGreaterThan(0);
    expect(droppedCount).toBeLessThan(20);
    expect(one.received).toBe(20 - droppedCount);
    for (const entry of one.log.filter((e) => e.dropped)) expect(entry.attempt.status).toBeUndefined();
  });

  it('delays hooks by a fixed time or a range and records the delay', async () => {
    const r = await receiver();
    const sandbox = await start({ hookUrl: `${r.url}/h/:scope_id`, faults: { hookDelayMs: 30 } });
    await connectScope(sandbox.url);
    const chatId = (await postToScope(sandbox.url, SCOPE_ID, incoming('conv-w', 'hi'))).json.new_message
      .conversation_id;
    const fixed = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'a' });
    expect(fixed.json.hooks[0]).toMatchObject({ delayedMs: 30, attempt: { status: 200 } });
    sandbox.state.setFaults({ hookDelayMs: [10, 40], seed: 1 });
    for (let i = 0; i < 5; i += 1) {
      const ranged = await control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: `r${i}` });
      expect(ranged.json.hooks[0].delayedMs).toBeGreaterThanOrEqual(10);
      expect(ranged.json.hooks[0].delayedMs).toBeLessThanOrEqual(40);
    }
    expect(r.received).toHaveLength(6);
  });

  it('close() ends a hook still waiting out its delay, and logs it as not sent', async () => {
    const r = await receiver();
    const sandbox = await start({ hookUrl: `${r.url}/h/:scope_id`, faults: { hookDelayMs: 600_000 } });
    await connectScope(sandbox.url);
    const chatId = (await postToScope(sandbox.url, SCOPE_ID, incoming('conv-z', 'hi'))).json.new_message
      .conversation_id;
    const pending = control(sandbox.url, 'POST', `/chats/${chatId}/messages`, { text: 'late' }).catch((e: Error) => e);
    while (sandbox.state.messages.size < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    await sandbox.close();
    await pending;
    expect(r.received).toHaveLength(0);
    expect(sandbox.state.hooks()[0]!.attempt.error).toContain('closed');
  });
});
