import { AmojoApiError, AmojoInputError, AmojoNetworkError, AmojoTimeoutError } from '@amojo-bridge/sdk';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { AmocrmDeps } from '../amocrm/amocrm-deps.js';
import { BridgeError } from '../errors.js';
import { findNulByte } from '../find-nul-byte.js';
import { registerImportAdminRoutes } from '../import/register-import-admin-routes.js';
import { registerAccountRoutes } from './account-routes.js';
import type { AdminDeps } from './admin-deps.js';
import { registerAmocrmAdminRoutes } from './amocrm-routes.js';
import { registerChannelInstanceRoutes } from './channel-instance-routes.js';
import { checkAdminToken } from './check-admin-token.js';
import { registerConversationHistoryRoutes } from './conversation-history-routes.js';
import { registerConversationRoutes } from './conversation-routes.js';
import { registerHookRoutes } from './hook-routes.js';
import { registerJobRoutes } from './job-routes.js';
import { AdminInputError } from './parse-input.js';

export type { AdminDeps } from './admin-deps.js';
export { checkAdminToken } from './check-admin-token.js';
export { AdminInputError, parseInput } from './parse-input.js';

/** Where the admin API is mounted. */
export const ADMIN_PREFIX = '/admin/api';

/**
 * Mounts the admin API under `/admin/api` behind `Authorization: Bearer <ADMIN_TOKEN>`. Without a configured token
 * nothing is mounted (every admin path is a 404) and a warning is logged: an open admin API would let anyone read
 * conversations and create channel instances.
 */
export async function registerAdminApi(
  app: FastifyInstance,
  deps: AdminDeps,
  options: { readonly amocrm?: AmocrmDeps | undefined } = {},
): Promise<void> {
  const token = deps.config.adminToken;
  if (!token) {
    deps.log.warn({ event: 'admin_api_disabled' }, 'ADMIN_TOKEN is not set: the admin API is disabled');
    return;
  }
  await app.register(
    async (admin) => {
      admin.addHook('onRequest', async (request, reply) => {
        if (!checkAdminToken(request.headers.authorization, token)) {
          // The route pattern, never the URL: a token pasted into a query string must not reach the log.
          request.log.warn(
            { event: 'admin_unauthorized', method: request.method, route: request.routeOptions.url ?? null },
            'admin API request refused',
          );
          return reply
            .code(401)
            .header('www-authenticate', 'Bearer realm="amojo-bridge admin"')
            .send({ error: 'unauthorized', message: 'Send Authorization: Bearer <ADMIN_TOKEN>' });
        }
      });
      // PostgreSQL refuses NUL in text while SQLite stores it: one 400 for both engines, naming the field.
      admin.addHook('preValidation', async (request) => {
        for (const [where, value] of [
          ['body', request.body],
          ['query', request.query],
          ['params', request.params],
        ] as const) {
          const at = findNulByte(undefined, value);
          if (at) throw new AdminInputError(`${where}.${at}`, `NUL characters are not accepted (${where}.${at})`);
        }
      });
      admin.setErrorHandler(async (error, request, reply) => adminErrorReply(error, request.log, reply));
      registerAccountRoutes(admin, deps);
      registerChannelInstanceRoutes(admin, deps);
      registerConversationRoutes(admin, deps);
      registerConversationHistoryRoutes(admin, deps);
      registerJobRoutes(admin, deps);
      registerHookRoutes(admin, deps);
      if (options.amocrm) registerAmocrmAdminRoutes(admin, options.amocrm);
      await registerImportAdminRoutes(admin, deps, options.amocrm);
    },
    { prefix: ADMIN_PREFIX },
  );
}

type Reply = Parameters<Parameters<FastifyInstance['setErrorHandler']>[0]>[2];
type RequestLog = Parameters<Parameters<FastifyInstance['setErrorHandler']>[0]>[1]['log'];

// One mapping from failures to answers. Messages of our own errors are safe to show (they never hold secrets, see
// STYLE.md "Errors"); anything unexpected is logged and answered with a generic 500.
function adminErrorReply(error: unknown, log: RequestLog, reply: Reply) {
  if (error instanceof AdminInputError) {
    if (error.status === 404) return reply.code(404).send({ error: 'not_found', message: error.message });
    if (error.status === 409)
      return reply.code(409).send({ error: 'conflict', field: error.field, message: error.message });
    return reply.code(400).send({ error: 'invalid_input', field: error.field, message: error.message });
  }
  if (error instanceof AmojoApiError) {
    log.warn({ event: 'admin_amojo_refused', status: error.status, code: error.code }, error.message);
    return reply.code(502).send({ error: 'amojo_refused', status: error.status, message: error.message });
  }
  if (error instanceof AmojoInputError) {
    return reply.code(400).send({ error: 'invalid_input', message: error.message });
  }
  if (error instanceof AmojoNetworkError || error instanceof AmojoTimeoutError) {
    log.warn({ event: 'admin_amojo_unreachable', code: error.code }, error.message);
    return reply.code(502).send({ error: 'amojo_unreachable', message: error.message });
  }
  if (error instanceof BridgeError) {
    const status =
      error.code === 'account_unknown' || error.code === 'instance_unknown'
        ? 404
        : error.code === 'amocrm_no_tokens'
          ? 409
          : 400;
    return reply.code(status).send({ error: error.code, message: error.message });
  }
  const fastifyError = error as Partial<FastifyError>;
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    // Fastify's own refusals: malformed JSON, wrong content type, body too large.
    return reply
      .code(fastifyError.statusCode)
      .send({ error: fastifyError.code ?? 'bad_request', message: fastifyError.message ?? 'Bad request' });
  }
  log.error({ err: error, event: 'admin_failed' }, 'admin API request failed');
  return reply.code(500).send({ error: 'internal', message: 'Internal error; see the bridge log' });
}
