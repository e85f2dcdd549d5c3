import type { CommitBatcher } from '../queue/commit-batcher.js';
import { enqueue } from '../queue/index.js';
import { findAccountByScope } from '../store/accounts/index.js';
import { insertHookRecord } from '../store/ops/insert-hook-record.js';
import { runStatement, statement } from '../store/statement.js';
import type { Executor, Store } from '../store/store.js';
import { acceptHooksPostgres } from './accept-hooks-postgres.js';
import { type AcceptHookInput, type AcceptHookResult, dedupKeyOf, jobFor } from './classify-hook.js';

/**
 * The intake transaction: stores the raw hook (deduplicated) and, when it is new, its job, in the caller's
 * transaction (the commit batcher's), so the 200 promises exactly what is durable.
 */
export async function acceptHook(trx: Executor, input: AcceptHookInput): Promise<AcceptHookResult> {
  // The scope is looked up inside the grouped transaction: one round trip fewer per hook, and on SQLite no read
  // queued behind a batch holding the only connection.
  const account = await findAccountByScope(trx, input.scopeId);
  if (account?.state !== 'connected') {
    const why = account ? 'is disconnected' : 'is not connected to this bridge';
    return { outcome: 'unknown_scope', reason: `scope ${input.scopeId} ${why}` };
  }
  const { classified } = input;
  // One channel secret signs the hooks of every scope, so a signature alone does not say which scope a body is for:
  // its account_id must be the scope's account (else a body for A posted to B's URL would be B's message).
  if (classified.ok && 'accountId' in classified.hook && classified.hook.accountId !== account.amojoAccountId) {
    return {
      outcome: 'account_mismatch',
      reason: `the hook's account_id is not the account of scope ${input.scopeId}`,
    };
  }
  const base = { scopeId: input.scopeId, rawBody: input.rawBody, signatureOk: true, receivedAt: input.now };
  if (!classified.ok) {
    const stored = await insertHookRecord(trx, {
      ...base,
      kind: classified.kind,
      dedupKey: null,
      outcome: 'rejected',
      reason: classified.reason,
    });
    return { hookId: stored.hookId, kind: classified.kind, outcome: 'rejected', reason: classified.reason };
  }
  const hook = classified.hook;
  const stored = await insertHookRecord(trx, {
    ...base,
    kind: hook.kind,
    dedupKey: dedupKeyOf(hook, input.rawBody),
    outcome: 'accepted',
    reason: null,
  });
  if (stored.duplicateOf !== undefined) return { hookId: stored.hookId, kind: hook.kind, outcome: 'duplicate' };
  const job = jobFor(input.scopeId, hook, stored.hookId, input.rawBody);
  if (job) {
    const jobId = await enqueue(trx, job);
    await runStatement(trx, LINK_JOB, [jobId, stored.hookId]);
  }
  return { hookId: stored.hookId, kind: hook.kind, outcome: 'accepted' };
}

const LINK_JOB = statement('update hooks set job_id = ? where id = ?');

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
