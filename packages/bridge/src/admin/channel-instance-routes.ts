import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { addHttpChannel } from '../accounts/add-http-channel.js';
import { listChannelInstances } from '../store/channel-instances/index.js';
import { deleteChannelInstance } from '../store/ops/delete-channel-instance.js';
import type { AdminDeps } from './admin-deps.js';
import { parseInput } from './parse-input.js';

const createBody = z
  .object({
    kind: z.literal('http'),
    name: z.string().trim().min(1).max(200),
    url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
    accountId: z.string().trim().min(1).optional(),
  })
  .strict();
const keyParams = z.object({ key: z.string().min(1).max(200) });

/** `GET /channel-instances`, `POST /channel-instances` (http, secret shown once), `DELETE /channel-instances/:key`. */
export function registerChannelInstanceRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/channel-instances', async () => ({ items: await listChannelInstances(deps.store.db) }));

  app.post('/channel-instances', async (request, reply) => {
    const body = parseInput(createBody, request.body, 'body');
    const { instance, secret } = await addHttpChannel(deps, {
      name: body.name,
      url: body.url,
      accountId: body.accountId,
    });
    deps.log.info({ event: 'channel_instance_created', key: instance.key, kind: instance.kind }, 'instance created');
    return reply.code(201).send({
      instance,
      secret,
      // Absolute with PUBLIC_URL (what the customer system needs to call); a path without it.
      eventsUrl: `${deps.config.http?.publicUrl ?? ''}/channels/http/${instance.key}/events`,
      note: 'The secret is shown only once; store it now.',
    });
  });

  app.delete('/channel-instances/:key', async (request, reply) => {
    const params = parseInput(keyParams, request.params, 'params');
    const deleted = await deleteChannelInstance(deps.store.db, { key: params.key });
    if (!deleted) return reply.code(404).send({ error: 'not_found', message: `No channel instance ${params.key}` });
    deps.log.info({ event: 'channel_instance_deleted', key: params.key }, 'instance deleted');
    return reply.code(204).send();
  });
}
