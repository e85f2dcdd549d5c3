import type { Executor } from '../store/store.js';
import type { Job } from './job.js';
import { extendLeaseSql } from './sql/settle-job.js';

/** Pushes a running job's lease to `now + leaseMs`; false when this claim no longer holds the job. */
export async function extendLease(
  db: Executor,
  job: Job,
  options: { readonly leaseMs: number; readonly now?: number },
): Promise<boolean> {
  const now = options.now ?? Date.now();
  return extendLeaseSql(db, job, now + options.leaseMs, now);
}
