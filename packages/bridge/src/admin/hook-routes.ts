import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listHooksPage } from '../store/ops/list-hooks-page.js';
import type { AdminDeps } from './admin-deps.js';
import { pageQuery } from './pagination.js';
import { parseInput } from './parse-input.js';
import { scopeIdSchema } from './public-ids.js';
import { hookJson } from './serialize.js';

const listQuery = z.object({
  ...pageQuery,
  outcome: z.enum(['accepted', 'duplicate', 'rejected']).optional(),
  scopeId: scopeIdSchema.optional(),
});

/** `GET /hooks`: the intake log, newest first, rejected hooks with their reason. */
export function registerHookRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/hooks', async (request) => {
    const query = parseInput(listQuery, request.query, 'query');
    const page = await listHooksPage(deps.store.db, query);
    return { items: page.items.map(hookJson), nextBefore: page.nextBefore };
  });
}
