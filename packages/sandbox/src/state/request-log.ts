import type { FastifyInstance } from 'fastify';

/** Requests the sandbox answered, counted by method and route pattern (e.g. `GET /v2/origin/custom/:scope_id/...`). */
export interface RequestCounts {
  /** `"<METHOD> <route pattern>"` -> answers of every status. */
  readonly total: Readonly<Record<string, number>>;
  /** `"<METHOD> <route pattern>"` -> status -> answers. */
  readonly byStatus: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** When the counts were last reset (Unix ms). */
  readonly since: number;
}

/**
 * Counts every request the sandbox answers, by route pattern and status, so a test can measure what an integration
 * costs (e.g. how many history reads a recovery round makes) without a proxy. Counters only: nothing of a request's
 * content is kept, so the memory is bounded by the number of routes.
 */
export class RequestLog {
  #total = new Map<string, number>();
  #byStatus = new Map<string, Map<number, number>>();
  #since: number;
  readonly #nowMs: () => number;

  constructor(nowMs: () => number) {
    this.#nowMs = nowMs;
    this.#since = nowMs();
  }

  /** Counts one answered request. */
  record(method: string, route: string, status: number): void {
    const key = `${method} ${route}`;
    this.#total.set(key, (this.#total.get(key) ?? 0) + 1);
    let statuses = this.#byStatus.get(key);
    if (!statuses) {
      statuses = new Map();
      this.#byStatus.set(key, statuses);
    }
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }

  /** The counts since the last reset. */
  counts(): RequestCounts {
    return {
      total: Object.fromEntries(this.#total),
      byStatus: Object.fromEntries(
        [...this.#byStatus].map(([key, statuses]) => [
          key,
          Object.fromEntries([...statuses].map(([s, n]) => [String(s), n])),
        ]),
      ),
      since: this.#since,
    };
  }

  /** Sets every counter back to zero. */
  reset(): RequestCounts {
    this.#total = new Map();
    this.#byStatus = new Map();
    this.#since = this.#nowMs();
    return this.counts();
  }

  /** Adds the counting hook to an app; call before routes are registered so every route is counted. */
  attach(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      // Unmatched URLs have no pattern: count them under their path, without the query (it may carry ids).
      const route = request.routeOptions.url ?? request.url.split('?')[0] ?? request.url;
      this.record(request.method, route, reply.statusCode);
    });
  }
}
