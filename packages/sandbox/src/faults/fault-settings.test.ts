import { describe, expect, it } from 'vitest';
import { FaultSettingsError, normalizeFaults } from './fault-settings.js';
import { createRandom } from './prng.js';

describe('normalizeFaults', () => {
  it('fills in the defaults', () => {
    expect(normalizeFaults({})).toEqual({
      hookDropRate: 0,
      hookDelayMs: 0,
      apiFailureRate: 0,
      apiFailureStatuses: [500, 502, 429],
      apiHangRate: 0,
      apiHangMs: 30_000,
      retryAfterSeconds: 1,
      seed: null,
    });
  });

  it.each([
    [{ hookDropRate: 1.5 }, 'hookDropRate'],
    [{ apiFailureRate: -0.1 }, 'apiFailureRate'],
    [{ apiHangRate: '0.5' }, 'apiHangRate'],
    [{ hookDelayMs: [10] }, 'hookDelayMs'],
    [{ hookDelayMs: -1 }, 'hookDelayMs'],
    [{ apiFailureStatuses: [200] }, 'apiFailureStatuses'],
    [{ apiFailureStatuses: [] }, 'apiFailureStatuses'],
    [{ seed: 1.5 }, 'seed'],
    [{ retryAfterSeconds: -2 }, 'retryAfterSeconds'],
    [{ typo: 1 }, 'typo'],
    [[], 'object'],
  ])('refuses %j naming %s', (input, field) => {
    expect(() => normalizeFaults(input)).toThrow(FaultSettingsError);
    expect(() => normalizeFaults(input)).toThrow(field);
  });
});

describe('createRandom', () => {
  it('repeats for a seed, differs between seeds, stays in [0, 1)', () => {
    const a = createRandom(5);
    const b = createRandom(5);
    const c = createRandom(6);
    const seqA = Array.from({ length: 100 }, a);
    expect(Array.from({ length: 100 }, b)).toEqual(seqA);
    expect(Array.from({ length: 100 }, c)).not.toEqual(seqA);
    for (const x of seqA) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
