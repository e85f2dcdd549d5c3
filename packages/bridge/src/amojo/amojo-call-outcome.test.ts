import type { ResponseHookInfo } from '@amojo-bridge/sdk';
import { describe, expect, it } from 'vitest';
import { amojoCallOutcome } from './amojo-call-outcome.js';

const last = (
  operation: string,
  status: number | undefined,
  extra: Partial<ResponseHookInfo> = {},
): ResponseHookInfo => ({
  operation,
  method: 'POST',
  path: '/v2/origin/custom/x',
  attempt: 1,
  ok: status !== undefined && status < 300,
  ...(status !== undefined ? { status } : {}),
  durationMs: 1,
  willRetry: false,
  ...(status === undefined || status >= 300
    ? { error: { code: status === undefined ? ('network' as const) : ('api_refused' as const) } }
    : {}),
  ...extra,
});

describe('amojoCallOutcome', () => {
  it('labels a call by what the queue does next, as jobErrorFromAmojo decides it', () => {
    expect(amojoCallOutcome(last('sendMessage', 200))).toBe('ok');
    expect(amojoCallOutcome(last('createChat', 400))).toBe('error');
    expect(amojoCallOutcome(last('getHistory', 404))).toBe('error');
    for (const passing of [408, 429, 500, 503, undefined]) {
      expect(amojoCallOutcome(last('deliveryStatus', passing))).toBe('retried');
    }
  });

  it('counts a duplicate msgid of sendMessage as ok, and any failure of typing, connect, disconnect as error', () => {
    const duplicate = { error: { code: 'api_refused' as const, errorType: 'duplicate_msgid' } };
    expect(amojoCallOutcome(last('sendMessage', 400, duplicate))).toBe('ok');
    expect(amojoCallOutcome(last('editMessage', 400, duplicate))).toBe('error');
    for (const operation of ['typing', 'connect', 'disconnect']) {
      expect(amojoCallOutcome(last(operation, 503))).toBe('error');
      expect(amojoCallOutcome(last(operation, undefined))).toBe('error');
    }
  });

  it('counts nothing for an attempt the SDK will retry', () => {
    expect(amojoCallOutcome(last('sendMessage', 503, { willRetry: true }))).toBeUndefined();
  });
});
