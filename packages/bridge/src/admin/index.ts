import type { FastifyInstance } from 'fastify';
import type { AmocrmDeps } from '../amocrm/amocrm-deps.js';
import { findNulByte } from '../find-nul-byte.js';
import { errorReplyScope } from '../http/register-error-reply.js';
import { registerImportAdminRoutes } from '../import/register-import-admin-routes.js';
import { registerAccountRoutes } from './account-routes.js';
import type { AdminDeps } from './admin-deps.js';
import { adminErrorAnswer } from './admin-error-answer.js';
import { registerAmocrmAdminRoutes } from './amocrm-routes.js';
import { registerChannelInstanceRoutes } from './channel-instance-routes.js';
import { checkAdminToken } from './check-admin-token.js';
import { registerConversationHistoryRoutes } from './conversation-history-routes.js';
import { registerConversationRoutes } from './conversation-routes.js';
import { registerDashboard } from './dashboard-routes.js';
import { type AdminHealthSource, registerHealthRoute } from './health-route.js';
import { registerHookRoutes } from './hook-routes.js';
import { registerJobRoutes } from './job-routes.js';
import { AdminInputError } from './parse-input.js';

export type { AdminDeps } from './admin-deps.js';
export { checkAdminToken } from './check-admin-token.js';
export type { AdminHealthSource } from './health-route.js';
export { AdminInputError, parseInput } from './parse-input.js';

/** Where the admin API is mounted. */
export const ADMIN_PREFIX = '/admin/api';

/**
 * Mounts the admin API under `/admin/api` behind `Authorization: Bearer <ADMIN_TOKEN>`. Without a configured token
 * nothing is mounted (every admin path is a 404) and a warning is logged: an open admin API would let anyone read
 * conversations and create channel instances. Its failures are answered by the root `registerErrorReply(app)` (the
 * service registers it; an app mounting the admin API on its own Fastify registers it first).
 */
export async function registerAdminApi(
  app: FastifyInstance,
  deps: AdminDeps,
  options: { readonly amocrm?: AmocrmDeps | undefined; readonly health?: AdminHealthSource } = {},
): Promise<void> {
  await registerDashboard(app, { enabled: Boolean(deps.config.adminToken) });
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
      errorReplyScope(admin, {
        map: (error, request) => adminErrorAnswer(error, request.log),
        failure: { event: 'admin_failed', log: 'admin API request failed' },
      });
      registerAccountRoutes(admin, deps);
      registerChannelInstanceRoutes(admin, deps);
      registerConversationRoutes(admin, deps);
      registerConversationHistoryRoutes(admin, deps);
      registerJobRoutes(admin, deps);
      registerHookRoutes(admin, deps);
      if (options.amocrm) registerAmocrmAdminRoutes(admin, options.amocrm);
      await registerImportAdminRoutes(admin, deps, options.amocrm);
      if (options.health) registerHealthRoute(admin, deps, options.health);
    },
    { prefix: ADMIN_PREFIX },
  );
}
