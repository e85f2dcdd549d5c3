import { sql } from 'kysely';
import type { AccountRowId } from '../store/ids.js';
import type { Store } from '../store/store.js';

// In-process chains per (store, account): one refresh of an account at a time inside this process. On SQLite that
// is the whole story (one process owns the file); on PostgreSQL a session advisory lock serialises the processes.
const chains = new WeakMap<Store, Map<number, Promise<unknown>>>();

/**
 * Runs `task` while holding the account's token lock: in this process (always) and, on PostgreSQL, across every
 * process sharing the database (`pg_advisory_lock` on one pooled connection, released in `finally`; a crashed
 * holder's lock is released by the server when its connection drops). `task` must use `store.db`, not the locked
 * connection, so what it writes commits at once and is visible to the next holder.
 */
export async function withAccountTokenLock<T>(
  store: Store,
  accountRowId: AccountRowId,
  task: () => Promise<T>,
): Promise<T> {
  let perStore = chains.get(store);
  if (!perStore) {
    perStore = new Map();
    chains.set(store, perStore);
  }
  const previous = perStore.get(accountRowId) ?? Promise.resolve();
  const run = previous.then(
    () => lockAcrossProcesses(store, accountRowId, task),
    () => lockAcrossProcesses(store, accountRowId, task),
  );
  const settled = run.catch(() => undefined);
  perStore.set(accountRowId, settled);
  try {
    return await run;
  } finally {
    if (perStore.get(accountRowId) === settled) perStore.delete(accountRowId);
  }
}

async function lockAcrossProcesses<T>(store: Store, accountRowId: AccountRowId, task: () => Promise<T>): Promise<T> {
  if (store.dialect !== 'postgres') return task();
  // One 64-bit key per account in a key space of our own (hashtextextended of a fixed prefix), so other users of
  // advisory locks on the same database cannot collide with ours by accident.
  const key = sql`hashtextextended(${`amojo-bridge:amocrm-tokens:${accountRowId}`}, 0)`;
  return store.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${key})`.execute(connection);
    try {
      return await task();
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(connection);
    }
  });
}
