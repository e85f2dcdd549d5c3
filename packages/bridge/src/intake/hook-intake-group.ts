import type { CommitBatcher } from '../queue/commit-batcher.js';
import type { Store } from '../store/store.js';
import { type AcceptHookInput, type AcceptHookResult, acceptHook } from './accept-hook.js';
import { acceptHooksPostgres } from './accept-hooks-postgres.js';

/** Accepts hooks in grouped commits; resolves each hook's result once its group committed. */
export interface HookIntakeGroup {
  accept(input: AcceptHookInput): Promise<AcceptHookResult>;
}

interface Pending {
  readonly input: AcceptHookInput;
  readonly resolve: (result: AcceptHookResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * On SQLite every hook goes through the shared commit batcher (`acceptHook` per hook; round trips are function
 * calls there). On PostgreSQL hooks that arrive while a commit is in flight form the next group, written by
 * {@link acceptHooksPostgres} in three round trips; a group that fails is replayed hook by hook, each in its own
 * transaction, so only the bad hook fails (as the commit batcher does).
 */
export function createHookIntakeGroup(
  store: Store,
  batcher: CommitBatcher,
  options: { readonly maxBatch?: number; readonly maxWaitMs?: number } = {},
): HookIntakeGroup {
  if (store.dialect !== 'postgres') {
    return { accept: (input) => batcher.submit((trx) => acceptHook(trx, input)) };
  }
  const maxBatch = options.maxBatch ?? 64;
  const maxWaitMs = options.maxWaitMs ?? 2;
  const pending: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let draining = false;

  const commit = async (group: Pending[]): Promise<void> => {
    try {
      const results = await store.transaction((trx) =>
        acceptHooksPostgres(
          trx,
          group.map((p) => p.input),
        ),
      );
      for (const [i, p] of group.entries()) p.resolve(results[i] as AcceptHookResult);
    } catch (error) {
      store.log.warn?.(
        { event: 'intake_group_failed', hooks: group.length, error: (error as Error).message },
        'intake group failed; replaying hook by hook',
      );
      for (const p of group) {
        try {
          p.resolve(await store.transaction((trx) => acceptHook(trx, p.input)));
        } catch (itemError) {
          p.reject(itemError);
        }
      }
    }
  };

  const drain = async (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (draining) return;
    draining = true;
    try {
      while (pending.length > 0) await commit(pending.splice(0, maxBatch));
    } finally {
      draining = false;
    }
  };

  return {
    accept(input) {
      return new Promise<AcceptHookResult>((resolve, reject) => {
        pending.push({ input, resolve, reject });
        if (draining) return; // the running drain takes it with the next group
        if (pending.length >= maxBatch) void drain();
        else timer ??= setTimeout(() => void drain(), maxWaitMs);
      });
    },
  };
}
