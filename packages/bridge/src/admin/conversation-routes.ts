import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listConversationMessages } from '../store/ops/list-conversation-messages.js';
import { listConversationsPage } from '../store/ops/list-conversations-page.js';
import type { AdminDeps } from './admin-deps.js';
import { pageQuery } from './pagination.js';
import { parseInput } from './parse-input.js';
import { listedConversationJson, messageJson } from './serialize.js';

const listQuery = z.object({ ...pageQuery, accountId: z.coerce.number().int().positive().optional() });
const idParams = z.object({ id: z.coerce.number().int().positive() });

/** `GET /conversations` (paginated), `GET /conversations/:id/messages` (with status history, paginated). */
export function registerConversationRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/conversations', async (request) => {
    const query = parseInput(listQuery, request.query, 'query');
    const page = await listConversationsPage(deps.store.db, query);
    return { items: page.items.map(listedConversationJson), nextBefore: page.nextBefore };
  });

  app.get('/conversations/:id/messages', async (request, reply) => {
    const { id } = parseInput(idParams, request.params, 'params');
    const query = parseInput(z.object(pageQuery), request.query, 'query');
    const conversation = await deps.store.db
      .selectFrom('conversations')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!conversation) return reply.code(404).send({ error: 'not_found', message: `No conversation ${id}` });
    const page = await listConversationMessages(deps.store.db, { conversationRowId: id, ...query });
    return { items: page.items.map(messageJson), nextBefore: page.nextBefore };
  });
}
