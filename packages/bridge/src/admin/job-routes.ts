import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { discardJob } from '../pipelines/discard-job.js';
import { findJob, listJobs } from '../queue/list-jobs.js';
import { retryDeadJob } from '../queue/retry-dead-job.js';
import { asJobId } from '../store/ids.js';
import type { AdminDeps } from './admin-deps.js';
import { pageQuery } from './pagination.js';
import { parseInput } from './parse-input.js';
import { jobJson } from './serialize.js';

const listQuery = z.object({
  ...pageQuery,
  state: z.enum(['queued', 'running', 'dead', 'done', 'discarded']).default('dead'),
  kind: z.string().min(1).optional(),
  /** Jobs of one lane as stored (`out:<amojo chat id>`, ...); `GET /conversations/:conversationId/jobs` for a conversation. */
  lane: z.string().min(1).max(300).optional(),
});
const idParams = z.object({ id: z.coerce.number().int().positive().transform(asJobId) });
const discardBody = z.object({ reason: z.string().trim().min(1).max(200).optional() }).strict();

/**
 * `GET /jobs?state=` (default `dead`, with `lastError`), `POST /jobs/:id/retry` and `POST /jobs/:id/discard`
 * (`{ "reason"? }`) for a dead job.
 */
export function registerJobRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/jobs', async (request) => {
    const query = parseInput(listQuery, request.query, 'query');
    // One row more than asked proves that an older page exists.
    const rows = await listJobs(deps.store.db, {
      limit: query.limit + 1,
      state: query.state,
      kind: query.kind,
      lane: query.lane,
      beforeId: query.before === undefined ? undefined : asJobId(query.before),
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items: items.map(jobJson), nextBefore: rows.length > query.limit && last ? last.id : null };
  });

  app.post('/jobs/:id/retry', async (request, reply) => {
    const { id } = parseInput(idParams, request.params, 'params');
    const job = await findJob(deps.store.db, id);
    if (!job) return reply.code(404).send({ error: 'not_found', message: `No job ${id}` });
    const retried = await retryDeadJob(deps.store.db, { id, now: deps.now().getTime() });
    if (!retried) {
      return reply
        .code(409)
        .send({ error: 'not_dead', message: `Job ${id} is ${job.state}; only dead jobs can be retried` });
    }
    // Wake this process's workers now rather than at their next poll.
    deps.store.jobSignal.emit();
    deps.log.info({ event: 'job_retried', jobId: id, kind: job.kind }, 'dead job re-queued');
    return { job: jobJson((await findJob(deps.store.db, id)) ?? job) };
  });

  app.post('/jobs/:id/discard', async (request, reply) => {
    const { id } = parseInput(idParams, request.params, 'params');
    const { reason } = parseInput(discardBody, request.body ?? {}, 'body');
    const result = await discardJob(deps.store, { id, reason, now: deps.now().getTime() });
    if (result.outcome === 'not_found') return reply.code(404).send({ error: 'not_found', message: `No job ${id}` });
    if (result.outcome === 'not_dead') {
      return reply
        .code(409)
        .send({ error: 'not_dead', message: `Job ${id} is ${result.state}; only dead jobs can be discarded` });
    }
    deps.log.info({ event: 'job_discarded', jobId: id, kind: result.job.kind }, 'dead job discarded');
    return { job: jobJson(result.job) };
  });
}
