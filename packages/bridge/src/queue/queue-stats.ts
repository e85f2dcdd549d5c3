import { sql } from 'kysely';
import type { Store } from '../store/store.js';

/** Depth and age of the queue for one job kind (Prometheus gauges). */
export interface QueueKindStats {
  readonly kind: string;
  /** Queued jobs, due or not. */
  readonly queued: number;
  /** Queued jobs whose `run_at` has passed. */
  readonly due: number;
  /** Queued jobs held (`hold-job.ts`: waiting for their cause to go, no attempt used), due or not. */
  readonly held: number;
  readonly running: number;
  readonly dead: number;
  /** How long the oldest due job has waited past its `run_at`, in ms; 0 when none is due. */
  readonly oldestDueAgeMs: number;
}

/** Queue depth and age per kind, for metrics and the admin dashboard. Kinds with no live jobs are omitted. */
export async function queueStats(store: Store, options: { readonly now?: number } = {}): Promise<QueueKindStats[]> {
  const now = options.now ?? Date.now();
  const rows = await store.db
    .selectFrom('jobs')
    .select((eb) => [
      'kind',
      eb.fn.count<number>(sql`case when state = 'queued' then 1 end`).as('queued'),
      eb.fn.count<number>(sql`case when state = 'queued' and run_at <= ${now} then 1 end`).as('due'),
      eb.fn.count<number>(sql`case when state = 'queued' and held_for is not null then 1 end`).as('held'),
      eb.fn.count<number>(sql`case when state = 'running' then 1 end`).as('running'),
      eb.fn.count<number>(sql`case when state = 'dead' then 1 end`).as('dead'),
      eb.fn.min<number | null>(sql`case when state = 'queued' and run_at <= ${now} then run_at end`).as('oldest_due'),
    ])
    .where('state', 'in', ['queued', 'running', 'dead'])
    .groupBy('kind')
    .orderBy('kind')
    .execute();
  return rows.map((row) => ({
    kind: row.kind,
    queued: Number(row.queued),
    due: Number(row.due),
    held: Number(row.held),
    running: Number(row.running),
    dead: Number(row.dead),
    oldestDueAgeMs: row.oldest_due === null ? 0 : Math.max(0, now - Number(row.oldest_due)),
  }));
}
