import type { Selectable } from 'kysely';
import type { JobState, JobsTable } from '../store/database.js';
import type { JobId } from '../store/ids.js';
import { fromJson } from '../store/json.js';

export type { JobState } from '../store/database.js';

/** A job as a worker or the admin API sees it. */
export interface Job<Payload = unknown> {
  readonly id: JobId;
  readonly kind: string;
  /** Jobs of one lane run strictly in id order; `null` means unordered. */
  readonly lane: string | null;
  readonly payload: Payload;
  readonly state: JobState;
  /** Attempts started so far, this one included when running. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly runAt: number;
  readonly lockedBy: string | null;
  readonly lockedUntil: number | null;
  /** Why the job last failed, or, while it is held, why it waits. */
  readonly lastError: string | null;
  /** While queued and held (`hold-job.ts`): the key it waits for, e.g. `channel:12`; null otherwise. */
  readonly heldFor: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps a `jobs` row to a {@link Job}. */
export function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: row.id as JobId,
    kind: row.kind,
    lane: row.lane,
    payload: fromJson(row.payload),
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    lastError: row.last_error,
    heldFor: row.state === 'queued' ? (row.held_for ?? null) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
