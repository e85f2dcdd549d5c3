import { describe, expect, it } from 'vitest';
import type { ChannelHealth, HealthSignal } from './channel-health.js';
import { BROKEN_AFTER_FAILURES, classifySendResult } from './classify-send-result.js';
import { nextHealth } from './next-health.js';

const fail = (problem: 'bad_credentials' | 'unreachable' | 'number_blocked', reason = 'x'): HealthSignal => ({
  ok: false,
  problem,
  reason,
  source: 'send',
});
const run = (signals: HealthSignal[]): ChannelHealth | undefined =>
  signals.reduce<ChannelHealth | undefined>((health, signal, i) => nextHealth(health, signal, 1000 + i), undefined);

describe('channel health rules', () => {
  it('classifies send results by what they say about the instance', () => {
    expect(classifySendResult({ ok: true })).toEqual({ ok: true, source: 'send' });
    expect(classifySendResult({ ok: false, errorCode: 902, reason: 'revoked', retryable: false })).toMatchObject({
      problem: 'bad_credentials',
    });
    expect(classifySendResult({ ok: false, errorCode: 903, reason: 'down', retryable: true })).toMatchObject({
      problem: 'unreachable',
    });
    expect(classifySendResult({ ok: false, errorCode: 905, reason: '5xx', retryable: true })).toMatchObject({
      problem: 'failing',
    });
    expect(
      classifySendResult({
        ok: false,
        errorCode: 905,
        reason: 'b',
        retryable: false,
        channelProblem: 'number_blocked',
      }),
    ).toMatchObject({ problem: 'number_blocked' });
    // One customer's refusal says nothing about the instance.
    expect(classifySendResult({ ok: false, errorCode: 901, reason: 'blocked the bot', retryable: false })).toBe(
      undefined,
    );
    expect(classifySendResult({ ok: false, errorCode: 904, reason: 'unknown', retryable: false })).toBe(undefined);
  });

  it('breaks at once on bad credentials and recovers on a success', () => {
    const broken = run([{ ok: true, source: 'send' }, fail('bad_credentials', 'token revoked')]);
    expect(broken).toMatchObject({
      state: 'broken',
      problem: 'bad_credentials',
      reason: 'token revoked',
      changedAt: 1001,
    });
    const ok = nextHealth(broken, { ok: true, source: 'check' }, 2000);
    expect(ok).toMatchObject({ state: 'ok', problem: null, consecutiveFailures: 0, changedAt: 2000, source: 'check' });
  });

  it('degrades on passing failures and breaks after the threshold', () => {
    const some = run(Array.from({ length: BROKEN_AFTER_FAILURES - 1 }, () => fail('unreachable')));
    expect(some).toMatchObject({ state: 'degraded', problem: 'unreachable', changedAt: 1000 });
    expect(nextHealth(some, fail('unreachable'), 5000)).toMatchObject({ state: 'broken', changedAt: 5000 });
  });

  it('keeps a hard problem when a passing failure follows', () => {
    const health = run([fail('bad_credentials', 'revoked'), fail('unreachable', 'timeout')]);
    expect(health).toMatchObject({ state: 'broken', problem: 'bad_credentials', reason: 'revoked', changedAt: 1000 });
  });
});
