/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Requests allowed in any sliding window of `windowMs`. amoCRM allows 7 per second (spec 5.5). */
  readonly perSecond: number;
  /**
   * Length of the window in ms; default 1100. amoCRM counts requests when they arrive, and a request granted at the
   * start of one second can arrive later than one granted a second after it; the extra 100 ms absorbs that jitter.
   */
  readonly windowMs?: number;
  /** Monotonic clock in ms; default `performance.now()`. */
  readonly now?: () => number;
  /** How to wait; default setTimeout. A fake clock's sleep must advance that clock. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Keeps an account to `perSecond` request starts in any sliding window of a little over a second, in FIFO order
 * (callers queue, nobody is refused), and can be paused
 * (after a 429 with Retry-After) so that every caller of the account waits, not only the one that was refused.
 */
export class RateLimiter {
  #perSecond: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Start times of the last `perSecond` grants, oldest first. */
  readonly #starts: number[] = [];
  #pausedUntil = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: RateLimiterOptions) {
    if (!Number.isInteger(options.perSecond) || options.perSecond < 1) {
      throw new RangeError('RateLimiter perSecond must be a positive integer');
    }
    this.#perSecond = options.perSecond;
    this.#windowMs = options.windowMs ?? 1100;
    this.#now = options.now ?? (() => performance.now());
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Requests allowed per second. */
  get perSecond(): number {
    return this.#perSecond;
  }

  /** Lowers the rate (never raises it), used when clients with different settings share one account. */
  lowerTo(perSecond: number): void {
    if (Number.isInteger(perSecond) && perSecond >= 1 && perSecond < this.#perSecond) {
      this.#perSecond = perSecond;
      this.#starts.splice(0, this.#starts.length - perSecond);
    }
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

  /** Resolves when one more request may start, and counts it as started. */
  acquire(): Promise<void> {
    const turn = this.#queue.then(() => this.#waitTurn());
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #waitTurn(): Promise<void> {
    for (;;) {
      const now = this.#now();
      const full = this.#starts.length >= this.#perSecond;
      const windowWait = full ? this.#starts[0]! + this.#windowMs - now : 0;
      const wait = Math.max(windowWait, this.#pausedUntil - now);
      if (wait <= 0) {
        this.#starts.push(now);
        if (this.#starts.length > this.#perSecond) this.#starts.shift();
        return;
      }
      await this.#sleep(Math.ceil(wait));
    }
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
