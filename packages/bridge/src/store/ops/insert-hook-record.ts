import { asHookRowId, type HookRowId, type ScopeId } from '../ids.js';
import { dialectOf, runStatement, statement } from '../statement.js';
import type { Executor } from '../store.js';

/** Input of {@link insertHookRecord}. */
export interface InsertHookRecordInput {
  readonly scopeId: ScopeId;
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
  readonly hookId: HookRowId;
  readonly duplicateOf?: HookRowId;
}

/**
 * Appends one row to the hook log. When `dedupKey` is already taken the hook is still logged (outcome `duplicate`,
 * no dedup key, `duplicate_of` = the original) so the log shows every delivery amojo made, but no second job is due.
 * The insert runs `on conflict do nothing` on the unique dedup key, so concurrent batches cannot both win.
 */
export async function insertHookRecord(db: Executor, input: InsertHookRecordInput): Promise<InsertedHookRecord> {
  const dialect = dialectOf(db);
  const common = [input.scopeId, input.kind, input.rawBody, input.signatureOk ? 1 : 0];
  if (input.dedupKey !== null) {
    const dedupKey = scopedDedupKey(input.scopeId, input.dedupKey);
    const inserted = await runStatement<{ id: number }>(
      db,
      INSERT_DEDUPLICATED,
      [...common, dedupKey, input.outcome, input.reason, input.receivedAt],
      dialect,
    );
    const row = inserted.rows[0];
    if (row) return { hookId: asHookRowId(Number(row.id)) };
    const original = (await runStatement<{ id: number }>(db, FIND_BY_DEDUP_KEY, [dedupKey], dialect)).rows[0];
    if (!original) throw new Error('insertHookRecord: the dedup key is taken but no hook holds it');
    const duplicate = await runStatement<{ id: number }>(
      db,
      INSERT_DUPLICATE,
      [...common, input.reason, Number(original.id), input.receivedAt],
      dialect,
    );
    return { hookId: asHookRowId(Number(duplicate.rows[0]?.id)), duplicateOf: asHookRowId(Number(original.id)) };
  }
  const row = await runStatement<{ id: number }>(
    db,
    INSERT_PLAIN,
    [...common, input.outcome, input.reason, input.receivedAt],
    dialect,
  );
  return { hookId: asHookRowId(Number(row.rows[0]?.id)) };
}

// Precompiled: intake runs these for every hook, and building them with Kysely cost more CPU than running them.
const COLUMNS = 'scope_id, kind, raw_body, signature_ok';
const INSERT_DEDUPLICATED = statement(`
  insert into hooks (${COLUMNS}, dedup_key, outcome, reason, received_at) values (?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (dedup_key) do nothing returning id
`);
const FIND_BY_DEDUP_KEY = statement('select id from hooks where dedup_key = ?');
const INSERT_DUPLICATE = statement(`
  insert into hooks (${COLUMNS}, dedup_key, outcome, reason, duplicate_of, received_at)
  values (?, ?, ?, ?, null, 'duplicate', ?, ?, ?) returning id
`);
const INSERT_PLAIN = statement(`
  insert into hooks (${COLUMNS}, dedup_key, outcome, reason, received_at) values (?, ?, ?, ?, null, ?, ?, ?) returning id
`);

/** The stored form of a dedup key: scope id, `|`, key (migration 0006 rewrote older rows the same way). */
export function scopedDedupKey(scopeId: string, dedupKey: string): string {
  return `${scopeId}|${dedupKey}`;
}
