import type { Executor } from '../store.js';

/** Input of {@link insertHookRecord}. */
export interface InsertHookRecordInput {
  readonly scopeId: string;
  readonly kind: string;
  readonly rawBody: string;
  readonly signatureOk: boolean;
  /**
   * amojo message id or a body hash; null for rejected hooks (they are never deduplicated). Stored prefixed with the
   * scope (`<scope_id>|<key>`): deduplication is per scope, so one scope's hooks never suppress another's.
   */
  readonly dedupKey: string | null;
  readonly outcome: 'accepted' | 'rejected';
  readonly reason: string | null;
  /** Unix ms. */
  readonly receivedAt: number;
}

/** What {@link insertHookRecord} stored: the row, and the original's id when the dedup key was already taken. */
export interface InsertedHookRecord {
  readonly hookId: number;
  readonly duplicateOf?: number;
}

/**
 * Appends one row to the hook log. When `dedupKey` is already taken the hook is still logged (outcome `duplicate`,
 * no dedup key, `duplicate_of` = the original) so the log shows every delivery amojo made, but no second job is due.
 * The insert runs `on conflict do nothing` on the unique dedup key, so concurrent batches cannot both win.
 */
export async function insertHookRecord(db: Executor, input: InsertHookRecordInput): Promise<InsertedHookRecord> {
  const values = {
    scope_id: input.scopeId,
    kind: input.kind,
    raw_body: input.rawBody,
    signature_ok: input.signatureOk ? 1 : 0,
    reason: input.reason,
    received_at: input.receivedAt,
  };
  if (input.dedupKey !== null) {
    const dedupKey = scopedDedupKey(input.scopeId, input.dedupKey);
    const row = await db
      .insertInto('hooks')
      .values({ ...values, dedup_key: dedupKey, outcome: input.outcome })
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) return { hookId: row.id };
    const original = await db
      .selectFrom('hooks')
      .select('id')
      .where('dedup_key', '=', dedupKey)
      .executeTakeFirstOrThrow();
    const duplicate = await db
      .insertInto('hooks')
      .values({ ...values, dedup_key: null, outcome: 'duplicate', duplicate_of: original.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { hookId: duplicate.id, duplicateOf: original.id };
  }
  const row = await db
    .insertInto('hooks')
    .values({ ...values, dedup_key: null, outcome: input.outcome })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { hookId: row.id };
}

/** The stored form of a dedup key: scope id, `|`, key (migration 0006 rewrote older rows the same way). */
export function scopedDedupKey(scopeId: string, dedupKey: string): string {
  return `${scopeId}|${dedupKey}`;
}
