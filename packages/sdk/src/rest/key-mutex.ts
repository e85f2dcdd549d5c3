// One lock chain per (owner object, key). The owner is the TokenStore: two clients that share a store object also
// share the lock, so a single-use refresh token is never sent twice from this process. Across processes the store
// itself must serialise (e.g. a row lock); this module cannot see other processes.
const chains = new WeakMap<object, Map<string, Promise<unknown>>>();

/** Runs `task` after every earlier task of the same owner and key has settled; tasks of other keys run freely. */
export async function withKeyLock<T>(owner: object, key: string, task: () => Promise<T>): Promise<T> {
  let byKey = chains.get(owner);
  if (!byKey) {
    byKey = new Map();
    chains.set(owner, byKey);
  }
  const previous = byKey.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  byKey.set(key, settled);
  try {
    return await run;
  } finally {
    // Drop the entry once nobody queued behind us, so the map does not grow with every account ever seen.
    if (byKey.get(key) === settled) byKey.delete(key);
  }
}
