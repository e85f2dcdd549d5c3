import type { InstanceLifecycleListeners } from './manage-instances.js';

/**
 * One set of lifecycle listeners that runs each given set in order (undefined ones skipped); `undefined` when none
 * is given. A rejection of an earlier set still lets the later ones run; the first rejection is then rethrown, so
 * instance management reports it in `problems`.
 */
export function combineInstanceListeners(
  ...sets: readonly (InstanceLifecycleListeners | undefined)[]
): InstanceLifecycleListeners | undefined {
  const present = sets.filter((set): set is InstanceLifecycleListeners => set !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  const run = async (call: (set: InstanceLifecycleListeners) => Promise<void> | void | undefined) => {
    let first: unknown;
    for (const set of present) {
      try {
        await call(set);
      } catch (error) {
        first ??= error;
      }
    }
    if (first !== undefined) throw first;
  };
  return {
    onInstanceCreated: (event) => run((set) => set.onInstanceCreated?.(event)),
    onInstanceUpdated: (event) => run((set) => set.onInstanceUpdated?.(event)),
    onInstanceRemoved: (event) => run((set) => set.onInstanceRemoved?.(event)),
  };
}
