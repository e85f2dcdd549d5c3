import type { QueueStatRow } from '../metrics/index.js';
import type { QueueKindStats } from '../queue/queue-stats.js';

/**
 * Flattens `queueStats` into one gauge row per kind and state. The age (of the oldest job past its `run_at`) is
 * reported on the `queued` row, the only state where waiting means the queue is behind.
 */
export function toQueueStatRows(stats: readonly QueueKindStats[]): QueueStatRow[] {
  return stats.flatMap((s) => [
    { kind: s.kind, state: 'queued', count: s.queued, oldestAgeSeconds: s.oldestDueAgeMs / 1000 },
    { kind: s.kind, state: 'due', count: s.due, oldestAgeSeconds: s.oldestDueAgeMs / 1000 },
    { kind: s.kind, state: 'held', count: s.held, oldestAgeSeconds: 0 },
    { kind: s.kind, state: 'running', count: s.running, oldestAgeSeconds: 0 },
    { kind: s.kind, state: 'dead', count: s.dead, oldestAgeSeconds: 0 },
  ]);
}
