// The queue's SQL predicates, written once. `j` is the alias of the row under test, `o` of other rows of its lane.

/** States that hold a lane: its next job must not start while an earlier one is in one of them. */
export const LIVE_STATES = `('queued', 'running', 'dead')`;

/**
 * A running job whose lease ended: its worker crashed or stalled, and the job is claimable again (at-least-once).
 * One parameter: now. Served by the partial index `jobs_running (locked_until) where state = 'running'`.
 */
export const LEASE_EXPIRED = `j.state = 'running' and j.locked_until < ?`;

/**
 * Only a lane's head may run: no earlier job of the lane is live (queued, running or dead: a dead job holds its lane
 * until an operator retries or discards it) and no other job of the lane runs. The `lane_head` flag already says so
 * for every job the queue wrote; this check is what guarantees order even if a flag were wrong, at the cost of two
 * index seeks (`jobs_lane_blocking`, `jobs_lane_running`).
 */
export const LANE_HEAD = `(j.lane is null or (
  not exists (select 1 from jobs o where o.lane = j.lane and o.state in ${LIVE_STATES} and o.id < j.id)
  and not exists (select 1 from jobs o where o.lane = j.lane and o.state = 'running' and o.id <> j.id)))`;

/**
 * This claim still holds the job: same worker, same attempt, still running. Completion, failure and lease renewal
 * apply only then, so a late finisher whose lease was taken over changes nothing. Parameters: locked_by, attempts.
 */
export const HOLDS_CLAIM = `state = 'running' and locked_by = ? and attempts = ?`;
