import type { Selectable } from 'kysely';
import type { HooksTable } from '../database.js';
import type { HookRowId, JobId, ScopeId } from '../ids.js';

/** One entry of the hook intake log. */
export interface Hook {
  readonly id: HookRowId;
  readonly scopeId: ScopeId;
  readonly kind: string;
  /** The body exactly as received (it is what the signature covers). */
  readonly rawBody: string;
  readonly signatureOk: boolean;
  readonly dedupKey: string | null;
  readonly outcome: 'accepted' | 'duplicate' | 'rejected';
  /** Why it was rejected, or which hook it duplicates. */
  readonly reason: string | null;
  readonly duplicateOf: HookRowId | null;
  /** The job enqueued for it, if any. */
  readonly jobId: JobId | null;
  readonly receivedAt: number;
}

/** Maps a `hooks` row to a {@link Hook}. */
export function toHook(row: Selectable<HooksTable>): Hook {
  return {
    id: row.id as HookRowId,
    scopeId: row.scope_id as ScopeId,
    kind: row.kind,
    rawBody: row.raw_body,
    signatureOk: row.signature_ok === 1,
    dedupKey: row.dedup_key,
    outcome: row.outcome,
    reason: row.reason,
    duplicateOf: row.duplicate_of as HookRowId | null,
    jobId: row.job_id as JobId | null,
    receivedAt: row.received_at,
  };
}
