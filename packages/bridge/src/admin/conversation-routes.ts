import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { inboundLane, outboundLane, statusLane } from '../pipelines/job-kinds.js';
import { listJobs } from '../queue/list-jobs.js';
import { listConversationMessages } from '../store/ops/list-conversation-messages.js';
import { listConversationsPage } from '../store/ops/list-conversations-page.js';
import type { AdminDeps } from './admin-deps.js';
import { conversationAccountQuery, conversationParams, findAdminConversation } from './find-admin-conversation.js';
import { pageQuery } from './pagination.js';
import { parseInput } from './parse-input.js';
import { amojoAccountIdSchema } from './public-ids.js';
import { jobJson, listedConversationJson, messageJson } from './serialize.js';

const listQuery = z.object({ ...pageQuery, accountId: amojoAccountIdSchema.optional() });
const messagesQuery = z.object({ ...pageQuery, ...conversationAccountQuery });
const jobsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(200),
  ...conversationAccountQuery,
});

/**
 * `GET /conversations[?accountId=<amojo account id>]` (paginated), and by our `conversation_id` (add
 * `?accountId=` if two accounts share one): `GET /conversations/:conversationId/messages` (with status history,
 * paginated) and `GET /conversations/:conversationId/jobs` (its lanes' jobs, newest first, each with the `msgid` of
 * the message it carries, if any).
 */
export function registerConversationRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/conversations', async (request) => {
    const { accountId, ...query } = parseInput(listQuery, request.query, 'query');
    const page = await listConversationsPage(deps.store.db, { ...query, amojoAccountId: accountId });
    return { items: page.items.map(listedConversationJson), nextBefore: page.nextBefore };
  });

  app.get('/conversations/:conversationId/messages', async (request) => {
    const { conversationId } = parseInput(conversationParams, request.params, 'params');
    const { accountId, ...query } = parseInput(messagesQuery, request.query, 'query');
    const { conversation } = await findAdminConversation(deps.store.db, { conversationId, amojoAccountId: accountId });
    const page = await listConversationMessages(deps.store.db, { conversationRowId: conversation.id, ...query });
    return { items: page.items.map(messageJson), nextBefore: page.nextBefore };
  });

  app.get('/conversations/:conversationId/jobs', async (request) => {
    const { conversationId } = parseInput(conversationParams, request.params, 'params');
    const { accountId, limit } = parseInput(jobsQuery, request.query, 'query');
    const { conversation } = await findAdminConversation(deps.store.db, { conversationId, amojoAccountId: accountId });
    const chat = conversation.amojoChatId;
    const lanes = [inboundLane(conversation.id), ...(chat ? [outboundLane(chat), statusLane(chat)] : [])];
    const jobs = await listJobs(deps.store.db, { lanes, limit });
    // Jobs name their message by row id (`payload.messageRowId`); the admin API names it by `msgid`.
    const rowIds = [...new Set(jobs.flatMap((job) => messageRowIdOf(job.payload) ?? []))];
    const msgids = new Map(
      rowIds.length === 0
        ? []
        : (
            await deps.store.db
              .selectFrom('messages')
              .select(['id', 'msgid'])
              .where('conversation_row_id', '=', conversation.id)
              .where('id', 'in', rowIds)
              .execute()
          ).map((m) => [m.id, m.msgid]),
    );
    return {
      items: jobs.map((job) => {
        const rowId = messageRowIdOf(job.payload);
        return { ...jobJson(job), msgid: (rowId !== undefined ? msgids.get(rowId) : undefined) ?? null };
      }),
    };
  });
}

function messageRowIdOf(payload: unknown): number | undefined {
  const value = (payload as { messageRowId?: unknown } | null)?.messageRowId;
  return typeof value === 'number' ? value : undefined;
}
