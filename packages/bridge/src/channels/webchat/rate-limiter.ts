/** Outcome of {@link RateLimiter.take}. */
export type RateLimitResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/** Token buckets by key: `perMinute` tokens refilled evenly, bursts up to `burst`. */
export interface RateLimiter {
  take(key: string, limit: { readonly perMinute: number; readonly burst?: number }): RateLimitResult;
}

/**
 * Creates an in-memory limiter. Buckets idle long enough to be full again are dropped on the next sweep, so memory
 * follows active visitors, not every visitor ever seen.
 */
export function createRateLimiter(options: { readonly now?: () => number } = {}): RateLimiter {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number; fullAfter: number }>();
  let lastSweep = now();
  return {
    take(key, limit) {
      const t = now();
      if (t - lastSweep > 60_000) {
        for (const [k, b] of buckets) if (b.fullAfter <= t) buckets.delete(k);
        lastSweep = t;
      }
      const burst = limit.burst ?? Math.max(1, Math.min(limit.perMinute, 10));
      const perMs = limit.perMinute / 60_000;
      const bucket = buckets.get(key) ?? { tokens: burst, at: t, fullAfter: t };
      bucket.tokens = Math.min(burst, bucket.tokens + (t - bucket.at) * perMs);
      bucket.at = t;
      if (bucket.tokens < 1) {
        buckets.set(key, bucket);
        return { ok: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
      }
      bucket.tokens -= 1;
      bucket.fullAfter = t + Math.ceil((burst - bucket.tokens) / perMs);
      buckets.set(key, bucket);
      return { ok: true };
    },
  };
}
