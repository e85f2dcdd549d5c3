/**
 * Runs work in lanes: the items of one lane (one chat) strictly one after another in push order, up to
 * `concurrency` lanes at once. `push` waits while `maxBuffered` items are waiting, so a reader feeding it from a
 * file never gets far ahead of what amojo accepts (memory stays flat). The first error a handler throws stops it:
 * later pushes and `drain()` reject with that error.
 */
export class ChatLanes<T> {
  readonly #lanes = new Map<string, T[]>();
  readonly #ready: string[] = [];
  #active = 0;
  #buffered = 0;
  #failure: unknown;
  #failed = false;
  #waiters: (() => void)[] = [];

  constructor(
    private readonly handler: (lane: string, item: T) => Promise<void>,
    private readonly concurrency: number,
    private readonly maxBuffered: number,
  ) {}

  /** Queues `item` in `lane`; resolves once there is room for more. */
  async push(lane: string, item: T): Promise<void> {
    if (this.#failed) throw this.#failure;
    const queue = this.#lanes.get(lane);
    if (queue) queue.push(item);
    else {
      this.#lanes.set(lane, [item]);
      this.#ready.push(lane);
    }
    this.#buffered++;
    this.#pump();
    while (this.#buffered >= this.maxBuffered && !this.#failed) await this.#wait();
    if (this.#failed) throw this.#failure;
  }

  /** Resolves when every pushed item is handled. */
  async drain(): Promise<void> {
    while ((this.#buffered > 0 || this.#active > 0) && !this.#failed) await this.#wait();
    if (this.#failed) throw this.#failure;
  }

  #wait(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #pump(): void {
    while (this.#active < this.concurrency && this.#ready.length > 0 && !this.#failed) {
      const lane = this.#ready.shift()!;
      this.#active++;
      void this.#run(lane);
    }
  }

  async #run(lane: string): Promise<void> {
    try {
      for (;;) {
        const queue = this.#lanes.get(lane);
        const item = queue?.shift();
        if (item === undefined || !queue) {
          this.#lanes.delete(lane);
          break;
        }
        await this.handler(lane, item);
        this.#buffered--;
        this.#wake();
        if (this.#failed) return;
      }
    } catch (error) {
      if (!this.#failed) {
        this.#failed = true;
        this.#failure = error;
      }
    } finally {
      this.#active--;
      this.#pump();
      this.#wake();
    }
  }
}
