import type { FastifyInstance } from 'fastify';
import type { BridgeMetrics } from '../metrics/index.js';

/** One readiness condition and whether it holds now. */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves true when the condition holds; a rejection counts as false and its message is reported. */
  readonly check: () => Promise<boolean>;
}

/** Outcome of every readiness check, as `/readyz` and the admin dashboard show it. */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: readonly { readonly name: string; readonly ok: boolean; readonly error?: string }[];
}

/** Runs every check at once; a rejected check counts as failed with its message. */
export async function runReadinessChecks(checks: readonly ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        return { name, ok: await check() };
      } catch (error) {
        return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  return { ready: results.every((result) => result.ok), checks: results };
}

/** Options of {@link registerHealthRoutes}. */
export interface HealthRoutesOptions {
  readonly checks: readonly ReadinessCheck[];
  readonly metrics: BridgeMetrics;
}

/**
 * Registers `/healthz` (the process answers), `/readyz` (every check holds, else 503 naming the failed ones) and
 * `/metrics` (Prometheus text).
 */
export function registerHealthRoutes(app: FastifyInstance, options: HealthRoutesOptions): void {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const { ready, checks: results } = await runReadinessChecks(options.checks);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: results });
  });

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    const text = await options.metrics.render();
    return reply.type(options.metrics.contentType).send(text);
  });
}
