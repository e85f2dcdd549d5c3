import type { FastifyError, FastifyInstance } from 'fastify';
import type { CrmState } from '../crm/crm-state.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { registerAccountRoutes } from './account-routes.js';
import { authenticateBearer } from './authenticate.js';
import { registerContactRoutes } from './contact-routes.js';
import { registerCrmControlRoutes } from './control-routes.js';
import { registerOAuthRoutes } from './oauth-routes.js';
import { RateLimiter } from './rate-limiter.js';
import { sendProblem } from './reply-helpers.js';
import { registerSourceRoutes } from './source-routes.js';
import { registerTalkAndEventRoutes } from './talk-and-event-routes.js';

/** Options of {@link registerCrmRoutes}. */
export interface CrmRoutesOptions {
  readonly crm: CrmState;
  /** The chats, for the talks and events routes (absent: those routes are not served). */
  readonly state?: SandboxState;
  /** Called after an integration is disabled in an account (the core disconnects its channel's scope). */
  readonly onIntegrationDisabled?: (accountAmojoId: string, clientId: string) => void;
}

/**
 * Registers the amoCRM REST v4 + OAuth routes and the CRM control routes. They live in their own encapsulated
 * context: the host app may parse JSON as raw bytes for signature checks (the Chats API does), REST v4 needs parsed
 * bodies and problem-JSON errors, and neither should leak into the other.
 */
export async function registerCrmRoutes(app: FastifyInstance, options: CrmRoutesOptions): Promise<void> {
  const { crm, state, onIntegrationDisabled } = options;
  await app.register(async (scope) => {
    // Parsers inherited from the host (a raw catch-all, say) must not decide how REST bodies are read.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      const text = String(body);
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(Object.assign(new Error('Request body is not valid JSON'), { statusCode: 400 }), undefined);
      }
    });
    // amoCRM's token endpoint also takes form-encoded bodies, as most OAuth clients send them.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) request.log.error({ err: error }, 'CRM route failed');
      // Fastify's 4xx messages name the problem (bad JSON, wrong content type) and never carry request data.
      return sendProblem(reply, status, status === 500 ? 'Internal sandbox error' : error.message);
    });

    registerOAuthRoutes(scope, crm);
    registerCrmControlRoutes(scope, crm, onIntegrationDisabled);
    const limiter = new RateLimiter({ perSecond: crm.rateLimitPerSecond, nowMs: () => crm.nowMs() });
    await scope.register(async (api) => {
      api.addHook('onRequest', authenticateBearer(crm, limiter));
      registerAccountRoutes(api, crm);
      registerSourceRoutes(api, crm);
      registerContactRoutes(api, crm);
      if (state) registerTalkAndEventRoutes(api, crm, state);
      // Unknown REST paths still answer in the REST dialect (after the Bearer check, as amoCRM does).
      api.all('/api/v4/*', async (request, reply) =>
        sendProblem(reply, 404, `The sandbox does not emulate ${request.method} ${request.url.split('?')[0]}`),
      );
    });
  });
}
