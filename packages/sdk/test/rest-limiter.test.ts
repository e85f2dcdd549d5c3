import { RateLimiter } from '@amojo-bridge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, fakeClockLimiter, reply, startServer, type TestServer } from './rest-test-server.js';

/** Largest number of timestamps inside any window [t, t + windowMs) that starts at one of them. */
function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0; i < sorted.length; i++) {
    let n = 0;
    while (i + n < sorted.length && sorted[i + n]! < sorted[i]! + windowMs) n++;
    best = Math.max(best, n);
  }
  return best;
}

describe('RateLimiter (fake clock)', () => {
  it('grants 20 concurrent requests at most 7 per sliding second, in FIFO order, without idling', async () => {
    const { limiter, clock } = fakeClockLimiter(7);
    const grants: { i: number; at: number }[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => limiter.acquire().then(() => grants.push({ i, at: clock.now }))),
    );
    expect(grants.map((g) => g.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(
      busiestWindow(
        grants.map((g) => g.at),
        1000,
      ),
    ).toBe(7);
    // Counts per second: 7, 7, 6 - the limiter neither bursts past 7 nor wastes a slot.
    const perSecond = [0, 1, 2].map((s) => grants.filter((g) => Math.floor(g.at / 1000) === s).length);
    expect(perSecond).toEqual([7, 7, 6]);
  });

  it('pause holds every later caller until the pause ends, and never shortens a longer pause', async () => {
    const { limiter, clock } = fakeClockLimiter(7);
    await limiter.acquire();
    limiter.pause(5000);
    limiter.pause(1000);
    expect(limiter.pausedUntil).toBe(5000);
    const at: number[] = [];
    await Promise.all([limiter.acquire(), limiter.acquire()].map((p) => p.then(() => at.push(clock.now))));
    expect(at.every((t) => t >= 5000)).toBe(true);
  });

  it('refuses a non-positive rate', () => {
    expect(() => new RateLimiter({ perSecond: 0 })).toThrow(RangeError);
  });
});

describe('AmocrmClient per-account limiter (real server, real clock)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => reply(res, 204));
  });
  afterAll(() => server.close());

  it('two clients of one account share 7 requests per second: 20 calls never exceed 7 in a second', async () => {
    const accountKey = `limited-${Date.now()}`;
    const made = [0, 1].map(() => {
      // No injected limiter: the process-wide one of (baseUrl, accountKey) is used.
      const m = clientFor(server, { accountKey, rateLimitPerSecond: 7 }, { sharedLimiter: true });
      m.store.set(accountKey, {
        accessToken: 'access-token-for-limiter-tests',
        refreshToken: 'refresh-token-for-limiter-tests',
        expiresAt: Date.now() + 3_600_000,
        tokenType: 'Bearer',
      });
      return m.client;
    });
    const calls = Array.from({ length: 20 }, (_, i) => made[i % 2]!.listSources());
    await Promise.all(calls);
    const arrivals = server.requests.map((r) => r.at);
    expect(arrivals).toHaveLength(20);
    // Counted on the server's clock, as amoCRM counts. Without the limiter all 20 arrive within a few milliseconds
    // and this count is 20; the limiter's 100 ms margin absorbs the jitter between grant and arrival.
    expect(busiestWindow(arrivals, 1000)).toBeLessThanOrEqual(7);
  });
});
