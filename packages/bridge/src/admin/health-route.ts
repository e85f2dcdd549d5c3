import type { FastifyInstance } from 'fastify';
import type { BridgeMetrics } from '../metrics/index.js';
import { queueStats } from '../queue/queue-stats.js';
import type { ReadinessReport } from '../service/health-routes.js';
import type { AdminDeps } from './admin-deps.js';

/** What the health summary reads: the readiness checks of `/readyz` and the instruments of `/metrics`. */
export interface AdminHealthSource {
  readonly readiness: () => Promise<ReadinessReport>;
  readonly metrics: BridgeMetrics;
}

// Counter totals since the process started, by label; the dashboard turns two samples into rates (hooks per minute,
// amojo error rate), the way a Prometheus `rate()` would over the same counters.
async function totalsBy(counter: BridgeMetrics['intakeTotal'] | BridgeMetrics['amojoCalls'], label: string) {
  const totals: Record<string, number> = {};
  for (const sample of (await counter.get()).values) {
    const key = String(sample.labels[label as keyof typeof sample.labels] ?? 'unknown');
    totals[key] = (totals[key] ?? 0) + sample.value;
  }
  return totals;
}

/**
 * `GET /health`: readiness, the queue by kind (queued, due, running, dead, oldest due job's age) and the counters
 * behind hooks per minute and the amojo error rate. One read of the same data `/readyz` and `/metrics` report.
 */
export function registerHealthRoute(app: FastifyInstance, deps: AdminDeps, source: AdminHealthSource): void {
  app.get('/health', { logLevel: 'warn' }, async () => {
    const now = deps.now().getTime();
    const [readiness, queue, hooks, amojoCalls] = await Promise.all([
      source.readiness(),
      queueStats(deps.store, { now }),
      totalsBy(source.metrics.intakeTotal, 'outcome'),
      totalsBy(source.metrics.amojoCalls, 'outcome'),
    ]);
    return {
      at: new Date(now).toISOString(),
      atMs: now,
      ready: readiness.ready,
      checks: readiness.checks,
      queue,
      oldestDueAgeMs: queue.reduce((max, row) => Math.max(max, row.oldestDueAgeMs), 0),
      totals: { hooks, amojoCalls },
    };
  });
}
