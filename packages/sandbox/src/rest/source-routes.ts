import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CrmState } from '../crm/crm-state.js';
import type { SourceBatchResult, SourceOwner, StoredSource } from '../crm/source-store.js';
import { grantOf, requireAdmin } from './authenticate.js';
import { QueryParams } from './query-params.js';
import { selfLink, sendHal, sendNoContent, sendProblem } from './reply-helpers.js';

/** Sources CRUD (spec 5.3); an integration sees and changes only its own sources, identified by its token. */
export function registerSourceRoutes(app: FastifyInstance, crm: CrmState): void {
  const store = crm.sourceStore;
  const ownerOf = (request: FastifyRequest): SourceOwner => {
    const grant = grantOf(request);
    return { accountAmojoId: grant.accountAmojoId, clientId: grant.clientId };
  };
  const collection = (request: FastifyRequest, sources: readonly (StoredSource & { request_id?: string })[]) => ({
    _total_items: sources.length,
    _links: selfLink(request, '/api/v4/sources'),
    _embedded: { sources: sources.map((s) => sourceJson(request, s)) },
  });

  app.get('/api/v4/sources', async (request, reply) => {
    if (!requireAdmin(crm, request, reply)) return reply;
    const externalIds = new QueryParams(request.url).list('filter[external_id]');
    const sources = store.list(ownerOf(request), externalIds);
    if (sources.length === 0) return sendNoContent(reply);
    return sendHal(reply, collection(request, sources));
  });

  app.get<{ Params: { id: string } }>('/api/v4/sources/:id', async (request, reply) => {
    if (!requireAdmin(crm, request, reply)) return reply;
    const source = store.get(ownerOf(request), Number(request.params.id));
    if (!source) return sendNoContent(reply);
    return sendHal(reply, sourceJson(request, source));
  });

  app.post('/api/v4/sources', async (request, reply) => {
    if (!requireAdmin(crm, request, reply)) return reply;
    const result = store.create(ownerOf(request), request.body);
    return result.ok ? sendHal(reply, collection(request, result.value)) : sendBatchError(reply, result);
  });

  app.patch('/api/v4/sources', async (request, reply) => {
    if (!requireAdmin(crm, request, reply)) return reply;
    const result = store.update(ownerOf(request), request.body);
    return result.ok ? sendHal(reply, collection(request, result.value)) : sendBatchError(reply, result);
  });

  app.patch<{ Params: { id: string } }>('/api/v4/sources/:id', async (request, reply) => {
    if (!requireAdmin(crm, request, reply)) return reply;
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendProblem(reply, 400, 'Request body must be a JSON object (the single-source form)');
    }
    const id = Number(request.params.id);
    if (!store.get(ownerOf(request), id))
      return sendProblem(reply, 404, `source with id = ${request.params.id} not found`);
    const result = store.update(ownerOf(request), [{ ...body, id }]);
    return result.ok ? sendHal(reply, collection(request, result.value)) : sendBatchError(reply, result);
  });

  app.delete('/api/v4/sources', async (request, reply) => {
    if (!requireAdmin(crm, request, reply)) return reply;
    const result = store.delete(ownerOf(request), request.body);
    return result.ok ? sendNoContent(reply) : sendBatchError(reply, result);
  });

  app.delete<{ Params: { id: string } }>('/api/v4/sources/:id', async (request, reply) => {
    if (!requireAdmin(crm, request, reply)) return reply;
    const id = Number(request.params.id);
    if (!store.get(ownerOf(request), id))
      return sendProblem(reply, 404, `source with id = ${request.params.id} not found`);
    const result = store.delete(ownerOf(request), [{ id }]);
    return result.ok ? sendNoContent(reply) : sendBatchError(reply, result);
  });
}

/** A source as the API shows it; `request_id` only in create/update answers. */
function sourceJson(request: FastifyRequest, source: StoredSource & { request_id?: string }): Record<string, unknown> {
  return {
    id: source.id,
    name: source.name,
    pipeline_id: source.pipeline_id,
    external_id: source.external_id,
    default: source.default,
    origin_code: source.origin_code,
    services: source.services,
    ...(source.request_id !== undefined ? { request_id: source.request_id } : {}),
    _links: selfLink(request, `/api/v4/sources/${source.id}`),
  };
}

/** Maps a refused batch to the documented 400 bodies (spec 5.3, 5.5). */
function sendBatchError(reply: FastifyReply, result: Exclude<SourceBatchResult<unknown>, { ok: true }>): FastifyReply {
  switch (result.kind) {
    case 'request':
      return sendProblem(reply, 400, result.detail);
    case 'validation':
      return sendProblem(reply, 400, 'Request validation failed', { 'validation-errors': result.errors });
    case 'not-found':
      // The documented body has `errors` as one object per item, not an array (spec 5.3, DELETE row).
      return sendProblem(reply, 400, 'Invalid request items', {
        errors: result.missing.map((m) => ({
          request_id: m.request_id,
          errors: { code: 'EntityNotFound', path: 'id', detail: `source with id = ${String(m.id)} not found` },
        })),
      });
  }
}
