import { createHash } from 'node:crypto';
import type { Executor } from '../store.js';
import { type Hook, toHook } from './hook.js';

/** Input of {@link insertHook}. */
export interface InsertHookInput {
  readonly scopeId: string;
  readonly kind: string;
  readonly rawBody: string;
  readonly signatureOk: boolean;
  /**
   * What makes two deliveries "the same hook": the amojo message id (`message.message.id`) for message hooks.
   * Default: {@link hookDedupKey} of the raw body.
   */
  readonly dedupKey?: string | undefined;
  /** `rejected` records a signed but unusable hook (malformed body, unknown kind) with its `reason`. */
  readonly outcome?: 'accepted' | 'rejected' | undefined;
  readonly reason?: string | undefined;
  readonly now?: number | undefined;
}

/** What {@link insertHook} recorded. */
export interface InsertedHook {
  readonly hook: Hook;
  /** `duplicate` when a hook with the same dedup key was stored before: do not process it again. */
  readonly outcome: 'accepted' | 'duplicate' | 'rejected';
}

/** The default dedup key of a hook: `sha256:` + hex SHA-256 of its raw body. */
export function hookDedupKey(rawBody: string): string {
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

/**
 * Logs a received hook, deduplicated by its key. A repeat is still logged (outcome `duplicate`, no dedup key,
 * `duplicate_of` the first) so the admin log shows every delivery, but the caller must not enqueue work for it.
 */
export async function insertHook(db: Executor, input: InsertHookInput): Promise<InsertedHook> {
  const now = input.now ?? Date.now();
  const dedupKey = input.dedupKey ?? hookDedupKey(input.rawBody);
  const base = {
    scope_id: input.scopeId,
    kind: input.kind,
    raw_body: input.rawBody,
    signature_ok: input.signatureOk ? 1 : 0,
    received_at: now,
  };
  const row = await db
    .insertInto('hooks')
    .values({ ...base, dedup_key: dedupKey, outcome: input.outcome ?? 'accepted', reason: input.reason ?? null })
    .onConflict((oc) => oc.column('dedup_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row) return { hook: toHook(row), outcome: row.outcome };
  const first = await db.selectFrom('hooks').select('id').where('dedup_key', '=', dedupKey).executeTakeFirstOrThrow();
  const duplicate = await db
    .insertInto('hooks')
    .values({
      ...base,
      dedup_key: null,
      outcome: 'duplicate',
      reason: `duplicate of hook ${first.id}`,
      duplicate_of: first.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { hook: toHook(duplicate), outcome: 'duplicate' };
}

/** Links a hook to the job enqueued for it (same transaction as the enqueue). */
export async function attachHookJob(
  db: Executor,
  input: { readonly hookId: number; readonly jobId: number },
): Promise<void> {
  await db.updateTable('hooks').set({ job_id: input.jobId }).where('id', '=', input.hookId).execute();
}
