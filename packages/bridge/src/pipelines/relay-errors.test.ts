import { AmojoApiError, AmojoInputError, AmojoNetworkError } from '@amojo-bridge/sdk';
import { describe, expect, it } from 'vitest';
import { jobErrorFromAmojo, PermanentJobError, RetryableJobError } from './relay-errors.js';

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
