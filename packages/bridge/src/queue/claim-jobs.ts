import type { Executor, Store, StoreDialect } from '../store/store.js';
import { type Job, toJob } from './job.js';
import { claimJobsSql } from './sql/claim-jobs.js';

/** Options of {@link claimJobs}. */
export interface ClaimJobsOptions {
  /** Recorded in `locked_by`; completion and failure only apply while it still holds the lease. */
  readonly workerId: string;
  /** Only jobs of these kinds (the worker's handlers); default any kind. */
  readonly kinds?: readonly string[] | undefined;
  /** At most this many jobs, at most one per lane. */
  readonly limit: number;
  /** How long the jobs stay reserved unless the lease is extended. */
  readonly leaseMs: number;
  /** Claim time; default `Date.now()`. */
  readonly now?: number | undefined;
}

/**
 * Reserves up to `limit` runnable jobs and marks them `running` (attempts + 1). A job is runnable when it is queued
 * and due, or running with an expired lease (its worker crashed), and no earlier job of its lane is queued,
 * running or dead, and no job of its lane is running. So lanes run strictly in order, and a dead job holds its lane
 * until `retryDeadJob` or `discardJob`: later messages of a conversation never overtake one that failed for good.
 * The SQL and why it is shaped so: `sql/claim-jobs.ts`.
 */
export async function claimJobs(store: Store, options: ClaimJobsOptions): Promise<Job[]> {
  // SQLite claims inside BEGIN IMMEDIATE; PostgreSQL's claim is one statement and needs no transaction.
  return store.dialect === 'postgres'
    ? claimJobsIn(store.db, 'postgres', options)
    : store.transaction((trx) => claimJobsIn(trx, 'sqlite', options));
}

/** {@link claimJobs} on a given executor, e.g. inside a transaction that also settles finished jobs. */
export async function claimJobsIn(db: Executor, dialect: StoreDialect, options: ClaimJobsOptions): Promise<Job[]> {
  if (options.limit <= 0) return [];
  const rows = await claimJobsSql(db, dialect, {
    workerId: options.workerId,
    kinds: options.kinds,
    limit: options.limit,
    leaseMs: options.leaseMs,
    now: options.now ?? Date.now(),
  });
  return rows.map(toJob);
}
