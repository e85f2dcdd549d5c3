import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { connectAccount } from '../accounts/connect-account.js';
import { disconnectAccount } from '../accounts/disconnect-account.js';
import { listAccounts } from '../store/accounts/index.js';
import type { AdminDeps } from './admin-deps.js';
import { parseInput } from './parse-input.js';
import { amojoAccountIdSchema } from './public-ids.js';
import { accountJson } from './serialize.js';

const uuid = amojoAccountIdSchema;

const connectBody = z.object({ accountId: uuid, title: z.string().trim().min(1).max(255).optional() }).strict();
const accountParams = z.object({ accountId: uuid });
const listQuery = z.object({ state: z.enum(['connected', 'disconnected']).optional() });

/** `GET /accounts`, `POST /accounts` (connect), `POST /accounts/:accountId/disconnect`. */
export function registerAccountRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/accounts', async (request) => {
    const query = parseInput(listQuery, request.query, 'query');
    return { items: (await listAccounts(deps.store.db, { state: query.state })).map(accountJson) };
  });

  app.post('/accounts', async (request, reply) => {
    const body = parseInput(connectBody, request.body, 'body');
    const account = await connectAccount(deps, { accountId: body.accountId, title: body.title });
    return reply.code(200).send({ account: accountJson(account) });
  });

  app.post('/accounts/:accountId/disconnect', async (request) => {
    const params = parseInput(accountParams, request.params, 'params');
    return { account: accountJson(await disconnectAccount(deps, { accountId: params.accountId })) };
  });
}
