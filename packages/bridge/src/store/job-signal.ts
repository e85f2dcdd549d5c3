import type { Executor, JobSignal } from './store.js';

/** Creates a {@link JobSignal}. */
export function createJobSignal(): JobSignal {
  const listeners = new Set<() => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit() {
      for (const listener of listeners) listener();
    },
  };
}

// What `enqueue` needs to know about the executor it was given: whose workers to wake, and whether to wait for a
// commit first. Kept in a WeakMap so executors stay plain Kysely instances.
interface ExecutorContext {
  readonly signal: JobSignal;
  /** Present while a `store.transaction` is open: callbacks to run after it commits. */
  readonly afterCommit?: (() => void)[];
}

const contexts = new WeakMap<Executor, ExecutorContext>();

/** Records which store an executor belongs to (called by `openStore` and `store.transaction`). */
export function registerExecutor(executor: Executor, context: ExecutorContext): void {
  contexts.set(executor, context);
}

/**
 * Runs `fn` once the executor's work is durable: after the commit of a `store.transaction`, at once for the store's
 * own `db` (autocommit). Executors the store did not hand out (a transaction opened with `db.transaction()` directly)
 * run it at once; a worker woken before the commit finds nothing and falls back to polling, which is harmless.
 */
export function afterCommit(executor: Executor, fn: (signal: JobSignal) => void): void {
  const context = contexts.get(executor);
  if (!context) return;
  if (context.afterCommit) context.afterCommit.push(() => fn(context.signal));
  else queueMicrotask(() => fn(context.signal));
}
