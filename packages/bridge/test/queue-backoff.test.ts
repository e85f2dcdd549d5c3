import { describe, expect, it } from 'vitest';
import { retryDelay } from '../src/queue/backoff.js';

describe('retryDelay', () => {
  it('grows exponentially up to the cap, with full jitter', () => {
    const top = () => 0.999_999;
    expect(retryDelay({ attempt: 1, random: top })).toBe(999);
    expect(retryDelay({ attempt: 2, random: top })).toBe(1999);
    expect(retryDelay({ attempt: 5, random: top })).toBe(15_999);
    expect(retryDelay({ attempt: 30, random: top, capMs: 600_000 })).toBe(599_999);
    expect(retryDelay({ attempt: 5, random: () => 0 })).toBe(0);
    const samples = Array.from({ length: 200 }, () => retryDelay({ attempt: 4 }));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(8000);
    expect(new Set(samples).size).toBeGreaterThan(50);
  });

  it('never retries before Retry-After', () => {
    expect(retryDelay({ attempt: 1, retryAfterMs: 30_000, random: () => 0.5 })).toBe(30_000);
    expect(retryDelay({ attempt: 20, retryAfterMs: 1, random: () => 0.5 })).toBe(300_000);
  });
});
