import type { ChannelSendResult } from '../channel-adapter.js';
import type { HealthSignal } from './channel-health.js';

/**
 * What one send result says about the health of its INSTANCE (not of one recipient), from the relay's error
 * classification (spec 3.5 codes), so adapters need no health code of their own:
 * - accepted: the instance works (`ok`);
 * - 902 (instance not set up: a revoked token, a 401 from the messenger): `bad_credentials`, broken at once;
 * - a refusal the adapter marked with `channelProblem` (`number_blocked`: the business number blocked or restricted by
 *   the messenger; `bad_credentials` under another code): broken at once;
 * - 903 or any other retryable failure (unreachable, 5xx, timeouts): `unreachable` / `failing`, degraded, broken
 *   after {@link BROKEN_AFTER_FAILURES} in a row;
 * - 901 (the customer blocked the bot), 904 (unknown recipient) and other final refusals concern one message or
 *   one customer: no signal (`undefined`), the state stays as it is.
 */
export function classifySendResult(result: ChannelSendResult): HealthSignal | undefined {
  if (result.ok) return { ok: true, source: 'send' };
  if (result.channelProblem) {
    return { ok: false, problem: result.channelProblem, reason: result.reason, source: 'send' };
  }
  if (result.errorCode === 902) return { ok: false, problem: 'bad_credentials', reason: result.reason, source: 'send' };
  if (result.errorCode === 903) return { ok: false, problem: 'unreachable', reason: result.reason, source: 'send' };
  if (result.retryable) return { ok: false, problem: 'failing', reason: result.reason, source: 'send' };
  return undefined;
}

/** Failures in a row after which a passing problem (`unreachable`, `failing`) makes the instance broken. */
export const BROKEN_AFTER_FAILURES = 5;
