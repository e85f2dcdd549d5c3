import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AmocrmDeps } from '../amocrm/amocrm-deps.js';
import { syncAccountSources } from '../amocrm/sync-sources.js';
import { BridgeError } from '../errors.js';
import { findAccount } from '../store/accounts/index.js';
import { findChannelInstance } from '../store/channel-instances/index.js';
import { type AmojoAccountId, asChannelInstanceKey } from '../store/ids.js';
import { listSources } from '../store/sources/index.js';
import { parseInput } from './parse-input.js';
import { amojoAccountIdSchema } from './public-ids.js';
import { sourceJson } from './serialize.js';

const uuid = amojoAccountIdSchema;
const accountParams = z.object({ accountId: uuid });
const instanceParams = z.object({ key: z.string().min(1).max(200) });
const linkContactsBody = z.object({ linkContacts: z.enum(['off', 'phone', 'phone_or_email']) }).strict();

/**
 * amoCRM side of the admin API: `GET /accounts/:accountId/sources`, `POST /accounts/:accountId/sources/sync`
 * (create, rename, delete sources to match the channel instances) and `PUT /channel-instances/:key/link-contacts`.
 */
export function registerAmocrmAdminRoutes(app: FastifyInstance, deps: AmocrmDeps): void {
  const accountOf = async (accountId: AmojoAccountId) => {
    const account = await findAccount(deps.store.db, { channelId: deps.config.channel.id, amojoAccountId: accountId });
    if (!account) throw new BridgeError('account_unknown', `No account with amojo id ${accountId}: connect it first`);
    return account;
  };

  app.get('/accounts/:accountId/sources', async (request) => {
    const params = parseInput(accountParams, request.params, 'params');
    const account = await accountOf(params.accountId);
    const instances = await deps.store.db.selectFrom('channel_instances').select(['id', 'key']).execute();
    const keys = new Map(instances.map((row) => [row.id, row.key]));
    const sources = await listSources(deps.store.db, { accountId: account.id });
    return { items: sources.map((source) => sourceJson(source, account.amojoAccountId, keys)) };
  });

  app.post('/accounts/:accountId/sources/sync', async (request) => {
    const params = parseInput(accountParams, request.params, 'params');
    return { result: await syncAccountSources(deps, await accountOf(params.accountId)) };
  });

  app.put('/channel-instances/:key/link-contacts', async (request) => {
    const params = parseInput(instanceParams, request.params, 'params');
    const body = parseInput(linkContactsBody, request.body, 'body');
    const instance = await findChannelInstance(deps.store.db, { key: asChannelInstanceKey(params.key) });
    if (!instance) throw new BridgeError('instance_unknown', `No channel instance ${params.key}`);
    await deps.store.db
      .updateTable('channel_instances')
      .set({ link_contacts: body.linkContacts, updated_at: deps.now().getTime() })
      .where('id', '=', instance.rowId)
      .execute();
    return { key: instance.key, linkContacts: body.linkContacts };
  });
}
