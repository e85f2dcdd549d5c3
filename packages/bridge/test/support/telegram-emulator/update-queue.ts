import type { Update } from '@grammyjs/types';

/** Update types a bot gets when it never set `allowed_updates` (Bot API: all but these three). */
const NOT_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/** The update type of an update: its one field besides `update_id`. */
export function updateTypeOf(update: Update): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown';
}

/**
 * The updates Telegram holds for one bot until they are confirmed: by a `getUpdates` with a higher offset, or by a
 * 2xx answer of the webhook. Ids increase by one from a random start, as Telegram's do.
 */
export class UpdateQueue {
  #nextId = 100_000 + Math.floor(Math.random() * 800_000_000);
  #pending: Update[] = [];
  #waiters = new Set<() => void>();
  /** The bot's `allowed_updates` (from its last getUpdates or setWebhook that gave it); undefined = default. */
  allowedUpdates: readonly string[] | undefined;
  /** Every update ever created, confirmed or not (for tests). */
  readonly created: Update[] = [];
  /** Updates that were not created because the bot's `allowed_updates` excludes their type. */
  dropped = 0;

  /** Creates an update if the bot wants its type; returns it (or undefined when not wanted). */
  push(body: Omit<Update, 'update_id'>): Update | undefined {
    const type = Object.keys(body)[0] ?? 'unknown';
    const wanted = this.allowedUpdates?.length ? this.allowedUpdates.includes(type) : !NOT_DEFAULT.has(type);
    if (!wanted) {
      this.dropped += 1;
      return undefined;
    }
    const update = { update_id: this.#nextId++, ...body } as Update;
    this.#pending.push(update);
    this.created.push(update);
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
    return update;
  }

  /** Confirms every update below `offset`; a negative offset keeps only the last `-offset` updates (Bot API). */
  confirmBelow(offset: number): void {
    if (offset < 0) {
      this.#pending = this.#pending.slice(offset);
      return;
    }
    this.#pending = this.#pending.filter((u) => u.update_id >= offset);
  }

  /** Confirms one update (a webhook delivery answered 2xx). */
  confirm(updateId: number): void {
    this.#pending = this.#pending.filter((u) => u.update_id !== updateId);
  }

  /** Drops every pending update (`drop_pending_updates`). */
  dropAll(): void {
    this.#pending = [];
  }

  /** Unconfirmed updates, oldest first. */
  pending(): readonly Update[] {
    return this.#pending;
  }

  /** Resolves when a new update arrives or after `ms`, whichever is first. */
  waitForNew(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
