import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CrmState } from '../crm/crm-state.js';
import type { OAuthGrant } from '../crm/oauth-store.js';
import { SandboxError } from '../errors.js';
import type { RateLimiter } from './rate-limiter.js';
import { sendProblem } from './reply-helpers.js';

const grants = new WeakMap<FastifyRequest, OAuthGrant>();

/** The installation behind the request's Bearer token (set by {@link authenticateBearer}). */
export function grantOf(request: FastifyRequest): OAuthGrant {
  const grant = grants.get(request);
  if (!grant) {
    throw new SandboxError('grantOf() called on a route without the Bearer check', { code: 'CRM_NO_GRANT' });
  }
  return grant;
}

/**
 * Builds the onRequest hook of `/api/v4/**`: a live Bearer token is required (401 problem JSON otherwise, the
 * token never echoed), then the per-token rate limit applies (429 with Retry-After and `retry_after`).
 */
export function authenticateBearer(crm: CrmState, limiter: RateLimiter) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      return sendProblem(reply, 401, 'Authorization header with a Bearer access token is required');
    }
    const token = match[1]!;
    const check = crm.oauth.checkAccessToken(token);
    if (!check.ok) {
      return sendProblem(reply, 401, check.detail);
    }
    const decision = limiter.hit(token);
    if (!decision.ok) {
      reply.header('Retry-After', String(decision.retryAfterSeconds));
      return sendProblem(reply, 429, `Rate limit of ${crm.rateLimitPerSecond} requests per second per token exceeded`, {
        retry_after: decision.retryAfterSeconds,
      });
    }
    grants.set(request, check.grant);
    return undefined;
  };
}

/** Sends 403 unless the token's user is an account admin (users and sources need admin rights, spec 5.2, 5.3). */
export function requireAdmin(crm: CrmState, request: FastifyRequest, reply: FastifyReply): boolean {
  const grant = grantOf(request);
  const account = crm.account(grant.accountAmojoId);
  if (account && crm.isAdmin(account, grant.userId)) return true;
  sendProblem(reply, 403, 'Account admin rights are required for this method');
  return false;
}
