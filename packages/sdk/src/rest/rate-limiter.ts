/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Requests allowed per `windowMs`. amoCRM allows 7 per second (spec 5.5). */
  readonly perSecond: number;
  /** Window length in ms; default 1000. */
  readonly windowMs?: number;
  /** Monotonic clock in ms; default `performance.now()`. */
  readonly now?: () => number;
  /** How to wait; default setTimeout. A fake clock's sleep must advance that clock. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Gives a slot back; call it once the answer (or the failure) is in. Calling it again does nothing. */
export type ReleaseSlot = () => void;

/**
 * Keeps an account within `perSecond` requests per window as the server counts them, i.e. by arrival. There are
 * `perSecond` slots; a request holds one from its start until its answer is in, and the slot is reusable one window
 * after that. The server saw the request before we saw its answer, so two requests that share a slot arrive more
 * than a window apart however the network delays them; a limiter that only spaced out start times would let a
 * delayed request bunch up with the next second's. Callers queue in FIFO order (nobody is refused), at most
 * `perSecond` requests are in flight, and `pause` (after a 429 with Retry-After) holds every caller of the account.
 */
export class RateLimiter {
  /** Per slot: clock time from which it is free; Infinity while a request holds it. */
  #freeAt: number[];
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #pausedUntil = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #released: (() => void) | undefined;

  constructor(options: RateLimiterOptions) {
    if (!Number.isInteger(options.perSecond) || options.perSecond < 1) {
      throw new RangeError('RateLimiter perSecond must be a positive integer');
    }
    this.#freeAt = Array.from({ length: options.perSecond }, () => 0);
    this.#windowMs = options.windowMs ?? 1000;
    this.#now = options.now ?? (() => performance.now());
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Requests allowed per window. */
  get perSecond(): number {
    return this.#freeAt.length;
  }

  /** Lowers the rate (never raises it), used when clients with different settings share one account. */
  lowerTo(perSecond: number): void {
    if (!Number.isInteger(perSecond) || perSecond < 1 || perSecond >= this.#freeAt.length) return;
    // Keep the busiest slots: dropping a held or recently used one would let the next request start too soon.
    this.#freeAt = [...this.#freeAt].sort((a, b) => b - a).slice(0, perSecond);
  }

  /** Clock time before which no request starts (0 when not paused). */
  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /** Holds every request of the account for `ms` from now (extends, never shortens, a running pause). */
  pause(ms: number): void {
    if (!(ms > 0)) return;
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + ms);
  }

  /** Resolves with a slot when one more request may start; release the slot when its answer is in. */
  acquire(): Promise<ReleaseSlot> {
    const turn = this.#queue.then(() => this.#waitTurn());
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #waitTurn(): Promise<ReleaseSlot> {
    for (;;) {
      const now = this.#now();
      let slot = 0;
      for (let i = 1; i < this.#freeAt.length; i++) if (this.#freeAt[i]! < this.#freeAt[slot]!) slot = i;
      const earliest = this.#freeAt[slot]!;
      if (earliest === Number.POSITIVE_INFINITY) {
        // Every slot is held by a request in flight: wait for an answer.
        await new Promise<void>((resolve) => {
          this.#released = resolve;
        });
        continue;
      }
      const wait = Math.max(earliest - now, this.#pausedUntil - now);
      if (wait > 0) {
        await this.#sleep(Math.ceil(wait));
        continue;
      }
      return this.#take(slot);
    }
  }

  #take(slot: number): ReleaseSlot {
    const slots = this.#freeAt;
    slots[slot] = Number.POSITIVE_INFINITY;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      // After lowerTo the array may have been replaced; the held slot then survives as one of the busiest.
      const i = this.#freeAt === slots ? slot : this.#freeAt.indexOf(Number.POSITIVE_INFINITY);
      if (i >= 0) this.#freeAt[i] = this.#now() + this.#windowMs;
      const wake = this.#released;
      this.#released = undefined;
      wake?.();
    };
  }
}

// One limiter per account and host in the process, so every client of that account shares the budget.
const shared = new Map<string, RateLimiter>();

/** The process-wide limiter of one account on one host, created on first use. */
export function sharedRateLimiter(baseUrl: string, accountKey: string, perSecond: number): RateLimiter {
  const key = `${baseUrl}\u0000${accountKey}`;
  let limiter = shared.get(key);
  if (!limiter) {
    limiter = new RateLimiter({ perSecond });
    shared.set(key, limiter);
  } else {
    limiter.lowerTo(perSecond);
  }
  return limiter;
}
