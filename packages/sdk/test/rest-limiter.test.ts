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
      Array.from({ length: 20 }, (_, i) =>
        limiter.acquire().then((release) => {
          grants.push({ i, at: clock.now });
          release();
        }),
      ),
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
    (await limiter.acquire())();
    limiter.pause(5000);
    limiter.pause(1000);
    expect(limiter.pausedUntil).toBe(5000);
    const at: number[] = [];
    await Promise.all(
      [limiter.acquire(), limiter.acquire()].map((p) =>
        p.then((release) => {
          at.push(clock.now);
          release();
        }),
      ),
    );
    expect(at.every((t) => t >= 5000)).toBe(true);
  });

  it('a slot is reusable one window after its answer, so slow answers cannot bunch arrivals', async () => {
    const { limiter, clock } = fakeClockLimiter(7);
    const held = await Promise.all(Array.from({ length: 7 }, () => limiter.acquire()));
    let eighthAt: number | undefined;
    const eighth = limiter.acquire().then((release) => {
      eighthAt = clock.now;
      release();
    });
    // Seven requests in flight: the eighth waits for an answer, whatever the clock says.
    clock.now = 5000;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(eighthAt).toBeUndefined();
    held[0]!(); // answered at 5000: the slot is free again at 6000
    held[0]!(); // a second release is ignored
    await eighth;
    expect(eighthAt).toBe(6000);
    for (const release of held) release();
  });

  it('lowerTo keeps the busiest slots', async () => {
    const { limiter, clock } = fakeClockLimiter(7);
    const releases = await Promise.all(Array.from({ length: 7 }, () => limiter.acquire()));
    for (const release of releases) release();
    limiter.lowerTo(3);
    expect(limiter.perSecond).toBe(3);
    const release = await limiter.acquire();
    expect(clock.now).toBe(1000);
    release();
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
    // and this count is 20; a limiter that spaced out start times only (not answers) failed this with 9 to 13.
    expect(busiestWindow(arrivals, 1000)).toBeLessThanOrEqual(7);
  });
});
