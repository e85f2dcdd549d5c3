import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { channelPlugins } from '../channels/channel-plugins.js';
import { describeChannelKinds } from '../channels/manage/describe-channel-kinds.js';
import { InstanceInputError } from '../channels/manage/instance-input-error.js';
import {
  createChannelInstance,
  getManagedInstance,
  listManagedInstances,
  removeChannelInstance,
  updateChannelInstance,
} from '../channels/manage-instances.js';
import { listAccounts } from '../store/accounts/index.js';
import type { AdminDeps } from './admin-deps.js';
import { AdminInputError, parseInput } from './parse-input.js';
import { instanceJson } from './serialize.js';

const name = z.string().trim().min(1).max(200);
const accountId = z.string().trim().min(1).max(100);
const settings = z.record(z.string(), z.unknown(), { error: 'expected an object' });
const kind = z.string().min(1).max(100);
const pipelineId = z.number({ error: 'expected the id of an amoCRM pipeline, a positive integer' }).int().positive();
// Settings may also be given at the top level (`{ kind: "http", name, url }`, the older shape of this API): every
// key that is not one of these is a setting, and an error about it names it as it was written.
const OWN_FIELDS = new Set(['kind', 'name', 'accountId', 'key', 'settings', 'pipelineId']);
const createBody = z.looseObject({
  kind,
  name,
  accountId: accountId.optional(),
  key: z.string().min(1).max(100).optional(),
  settings: settings.optional(),
  pipelineId: pipelineId.optional(),
});
const updateBody = z
  .object({
    name: name.optional(),
    accountId: accountId.nullable().optional(),
    settings: settings.optional(),
    enabled: z.boolean().optional(),
    pipelineId: pipelineId.nullable().optional(),
    rotateSecret: z.literal(true).optional(),
  })
  .strict();
const keyParams = z.object({ key: z.string().min(1).max(200) });
const listQuery = z.object({ kind: kind.optional() }).strict();

/**
 * Channel instances of every kind (`channels/manage-instances.ts` does the work):
 * - `GET /channel-kinds`: each plugin's kind, settings as JSON Schema and its secret fields (the dashboard's forms);
 * - `GET /channel-instances[?kind=]`, `GET /channel-instances/:key`: each with its `health` (`channels/health/`);
 * - `POST /channel-instances` `{ kind, name, accountId?, key?, settings, pipelineId? }`: 201, the instance secret
 *   shown once; `pipelineId`: the amoCRM pipeline the instance's source puts its leads in;
 * - `PATCH /channel-instances/:key` `{ name?, accountId?, settings? (merge patch), enabled?, pipelineId?, rotateSecret? }`;
 * - `DELETE /channel-instances/:key`: 204, or 200 with a note when conversations lose their messenger (902).
 * Secret settings are never returned; a bad field is a 400 naming it.
 */
export function registerChannelInstanceRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const plugins = deps.plugins ?? channelPlugins;
  const manage = { ...deps, plugins };
  // Instances name their account by row id; the admin API names it by amojo account id.
  const amojoAccountIds = async () =>
    new Map((await listAccounts(deps.store.db, {})).map((account) => [account.id, account.amojoAccountId]));

  app.get('/channel-kinds', async () => ({ items: describeChannelKinds(plugins) }));

  app.get('/channel-instances', async (request) => {
    const query = parseInput(listQuery, request.query, 'query');
    const found = await withFields(() => listManagedInstances(manage, { kind: query.kind }));
    const accounts = await amojoAccountIds();
    return {
      items: found.map(({ instance, connectionInfo, health }) => ({
        ...instanceJson(instance, accounts),
        connectionInfo,
        health,
      })),
    };
  });

  app.get('/channel-instances/:key', async (request) => {
    const params = parseInput(keyParams, request.params, 'params');
    const { instance, connectionInfo, health } = await withFields(() => getManagedInstance(manage, params.key));
    return { ...instanceJson(instance, await amojoAccountIds()), connectionInfo, health };
  });

  app.post('/channel-instances', async (request, reply) => {
    const body = parseInput(createBody, request.body, 'body');
    const topLevel = Object.fromEntries(Object.entries(body).filter(([field]) => !OWN_FIELDS.has(field)));
    const created = await withFields(
      () =>
        createChannelInstance(manage, {
          kind: body.kind,
          name: body.name,
          accountId: body.accountId,
          key: body.key,
          settings: { ...topLevel, ...body.settings },
          pipelineId: body.pipelineId,
        }),
      new Set(Object.keys(topLevel)),
    );
    return reply.code(201).send({
      instance: instanceJson(created.instance, await amojoAccountIds()),
      ...(created.secret ? { secret: created.secret } : {}),
      connectionInfo: created.connectionInfo,
      // The connection values at the top level too (`eventsUrl`, `snippet`), as the older answer had them.
      ...created.connectionInfo,
      notes: created.notes,
      problems: created.problems,
      ...(created.secret ? { note: 'The secret is shown only once; store it now.' } : {}),
    });
  });

  app.patch('/channel-instances/:key', async (request) => {
    const params = parseInput(keyParams, request.params, 'params');
    const body = parseInput(updateBody, request.body, 'body');
    const updated = await withFields(() => updateChannelInstance(manage, params.key, body));
    return {
      instance: instanceJson(updated.instance, await amojoAccountIds()),
      ...(updated.secret ? { secret: updated.secret, note: 'The new secret is shown only once; store it now.' } : {}),
      connectionInfo: updated.connectionInfo,
      health: updated.health,
      notes: updated.notes,
      problems: updated.problems,
    };
  });

  app.delete('/channel-instances/:key', async (request, reply) => {
    const params = parseInput(keyParams, request.params, 'params');
    const removed = await withFields(() => removeChannelInstance(manage, params.key));
    if (removed.conversations === 0 && removed.problems.length === 0) return reply.code(204).send();
    return reply.code(200).send({
      removed: removed.instance.key,
      conversations: removed.conversations,
      note: removed.note,
      problems: removed.problems,
    });
  });
}

// Management errors become the admin API's own: 400 naming the field (a top-level setting by its own name), or
// 404 / 409 with the message.
async function withFields<T>(work: () => Promise<T>, topLevelSettings: ReadonlySet<string> = new Set()): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof InstanceInputError)) throw error;
    if (error.status !== 400) throw new AdminInputError(error.field, error.message, error.status);
    const [head, first] = error.field.split('.');
    const field = head === 'settings' && first && topLevelSettings.has(first) ? error.field.slice(9) : error.field;
    const message = field === error.field ? error.message : error.message.replace(/^settings\./, '');
    throw new AdminInputError(field, `Invalid body: ${message}`);
  }
}
