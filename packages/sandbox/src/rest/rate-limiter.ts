/** Outcome of one rate check: allowed, or refused with the seconds to wait. */
export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

/** A sliding one-second window per key (amoCRM allows 7 requests per second per token, spec 5.5). */
export class RateLimiter {
  readonly #hits = new Map<string, number[]>();
  readonly #perSecond: number;
  readonly #nowMs: () => number;

  constructor(options: { perSecond: number; nowMs: () => number }) {
    this.#perSecond = options.perSecond;
    this.#nowMs = options.nowMs;
  }

  /** Counts a request for `key` unless the window is full; refused requests do not count. */
  hit(key: string): RateDecision {
    const now = this.#nowMs();
    const recent = (this.#hits.get(key) ?? []).filter((at) => at > now - 1000);
    if (recent.length >= this.#perSecond) {
      this.#hits.set(key, recent);
      const waitMs = recent[0]! + 1000 - now;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    recent.push(now);
    this.#hits.set(key, recent);
    return { ok: true };
  }
}
