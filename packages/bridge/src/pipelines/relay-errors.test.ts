import { AmojoApiError, AmojoInputError, AmojoNetworkError } from '@amojo-bridge/sdk';
import { describe, expect, it } from 'vitest';
import { JobFailure } from '../queue/index.js';
import { jobErrorFromAmojo, PermanentJobError, RetryableJobError, toJobFailure } from './relay-errors.js';

describe('jobErrorFromAmojo', () => {
  it("treats the SDK's own input errors as permanent: the same input is refused again on every attempt", () => {
    const error = jobErrorFromAmojo(new AmojoInputError('text must be at most 10000 characters', 'text'), 'sending');
    expect(error).toBeInstanceOf(PermanentJobError);
    expect(error.message).toBe('sending: text must be at most 10000 characters (at text)');
  });

  it('keeps network errors retryable and 4xx answers permanent', () => {
    expect(jobErrorFromAmojo(new AmojoNetworkError('GET /x', { cause: new Error('ECONNRESET') }), 'x')).toBeInstanceOf(
      RetryableJobError,
    );
    const refused = new AmojoApiError('POST /x failed with HTTP 404', { status: 404, body: {} } as never);
    expect(jobErrorFromAmojo(refused, 'x')).toBeInstanceOf(PermanentJobError);
  });
});

describe('toJobFailure', () => {
  it('maps an SDK error that escaped a handler, keeps a JobFailure, and leaves anything else as it is', () => {
    const limited = new AmojoApiError('POST /x failed with HTTP 429', { status: 429, body: {} } as never);
    Object.defineProperty(limited, 'retryAfterMs', { value: 30_000 });
    const mapped = toJobFailure(limited, 'job deliver-to-amojo 7');
    expect(mapped).toBeInstanceOf(RetryableJobError);
    expect(mapped).toMatchObject({ outcome: 'retry', retryAfterMs: 30_000 });
    const refused = new AmojoApiError('POST /x failed with HTTP 404', { status: 404, body: {} } as never);
    expect(toJobFailure(refused, 'x')).toMatchObject({ outcome: 'dead' });
    const held = new JobFailure('job_held', 'wait', { outcome: 'hold', hold: { holdMs: 5, heldFor: 'k' } });
    expect(toJobFailure(held, 'x')).toBe(held);
    const plain = new Error('disk full');
    expect(toJobFailure(plain, 'x')).toBe(plain);
  });
});
