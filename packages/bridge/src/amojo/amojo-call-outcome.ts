import { DUPLICATE_MSGID_ERROR_TYPE, type ResponseHookInfo } from '@amojo-bridge/sdk';
import type { AmojoCallOutcome } from '../metrics/index.js';

// Calls whose every failure counts as `error`: nothing retries them (typing is dropped, connect and disconnect are
// answered to an operator), so "will be retried" would be a lie.
const NEVER_RETRIED = new Set(['typing', 'connect', 'disconnect']);
// Calls whose duplicate-msgid refusal means the first attempt got through: counted as delivered (spec 8.3).
const STABLE_MSGID = new Set(['sendMessage', 'sendComment']);

/**
 * The `amojo_calls_total` outcome of a call's last attempt: `ok`; `error` when repeating cannot help (a 4xx other
 * than 408 and 429, as `jobErrorFromAmojo` dead-letters it, or any failure of a call nothing retries); `retried`
 * when the queue will try again (429, 408, 5xx, timeouts, network errors). Undefined for an attempt the SDK retries.
 */
export function amojoCallOutcome(info: ResponseHookInfo): AmojoCallOutcome | undefined {
  if (info.willRetry) return undefined;
  if (info.ok) return 'ok';
  const status = info.status;
  const refused = status !== undefined && status >= 400 && status < 500;
  if (
    refused &&
    STABLE_MSGID.has(info.operation) &&
    info.error?.errorType?.toUpperCase() === DUPLICATE_MSGID_ERROR_TYPE
  ) {
    return 'ok';
  }
  if (NEVER_RETRIED.has(info.operation)) return 'error';
  return refused && status !== 429 && status !== 408 ? 'error' : 'retried';
}
