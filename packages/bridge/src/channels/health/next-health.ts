import { type ChannelHealth, HARD_PROBLEMS, type HealthSignal } from './channel-health.js';
import { BROKEN_AFTER_FAILURES } from './classify-send-result.js';

/**
 * The health after one signal (pure):
 * - a success: `ok`, failures reset (the reason of the last failure is kept for the record);
 * - a hard problem (`bad_credentials`, `number_blocked`): `broken` at once;
 * - a passing problem: one more failure in a row; `broken` from {@link BROKEN_AFTER_FAILURES} on, else `degraded`;
 *   an instance already broken by a hard problem stays broken with that problem (a timeout does not hide a revoked
 *   token).
 */
export function nextHealth(current: ChannelHealth | undefined, signal: HealthSignal, now: number): ChannelHealth {
  const changedAt = (state: ChannelHealth['state']) => (current && current.state === state ? current.changedAt : now);
  if (signal.ok) {
    return {
      state: 'ok',
      problem: null,
      reason: current?.reason ?? null,
      consecutiveFailures: 0,
      source: signal.source,
      changedAt: changedAt('ok'),
      updatedAt: now,
      lastErrorAt: current?.lastErrorAt ?? null,
    };
  }
  const failures = (current?.consecutiveFailures ?? 0) + 1;
  const reason = signal.reason.slice(0, 500);
  const common = { consecutiveFailures: failures, source: signal.source, updatedAt: now, lastErrorAt: now };
  if (HARD_PROBLEMS.has(signal.problem)) {
    return { ...common, state: 'broken', problem: signal.problem, reason, changedAt: changedAt('broken') };
  }
  if (current?.state === 'broken' && current.problem && HARD_PROBLEMS.has(current.problem)) {
    return {
      ...common,
      state: 'broken',
      problem: current.problem,
      reason: current.reason,
      changedAt: current.changedAt,
    };
  }
  const state = failures >= BROKEN_AFTER_FAILURES ? 'broken' : 'degraded';
  return { ...common, state, problem: signal.problem, reason, changedAt: changedAt(state) };
}
