/** Parameters shared by the dialect implementations of job claiming. */
export interface ClaimJobsQuery {
  readonly workerId: string;
  /** Only these kinds; `undefined` means any kind. */
  readonly kinds: readonly string[] | undefined;
  readonly limit: number;
  /** Claim time, ms since the epoch. */
  readonly now: number;
  /** The lease ends at `now + leaseMs` unless extended. */
  readonly leaseMs: number;
}

/** Message stored on a job whose lease expired on its last allowed attempt. */
export const LEASE_EXHAUSTED_ERROR = 'lease expired on the last attempt: the worker crashed or stalled';
