import type { RateLimiter, ReleaseSlot } from './rate-limiter.js';

/** Limiter slots for one call that may take several attempts (internal). */
export interface AttemptSlots {
  /** Frees the previous attempt's slot (its answer is in) and waits for a new one; call in each attempt's headers. */
  next(): Promise<void>;
  /** Frees the last slot; call in `finally` once the call is over, before anything else may need a slot. */
  done(): void;
}

/** Tracks the slot of the current attempt so it is released exactly once. */
export function attemptSlots(limiter: RateLimiter): AttemptSlots {
  let release: ReleaseSlot | undefined;
  return {
    async next() {
      release?.();
      release = undefined;
      release = await limiter.acquire();
    },
    done() {
      release?.();
      release = undefined;
    },
  };
}
