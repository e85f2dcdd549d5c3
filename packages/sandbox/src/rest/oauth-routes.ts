import type { FastifyInstance } from 'fastify';
import type { CrmState } from '../crm/crm-state.js';
import { sendProblem } from './reply-helpers.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `POST /oauth2/access_token` (both grants) and `GET /oauth2/account/current/subdomain` (spec 5.1). */
export function registerOAuthRoutes(app: FastifyInstance, crm: CrmState): void {
  app.post('/oauth2/access_token', async (request, reply) => {
    const body = request.body;
    if (!isObject(body)) return sendProblem(reply, 400, 'Request body must be a JSON object');
    for (const field of ['client_id', 'client_secret', 'grant_type', 'redirect_uri']) {
      if (typeof body[field] !== 'string' || body[field] === '') {
        return sendProblem(reply, 400, `${field} is required`, { hint: `Send ${field} as a string in the JSON body` });
      }
    }
    const clientId = body.client_id as string;
    const integration = crm.integration(clientId);
    if (!integration) return sendProblem(reply, 400, 'client_id does not name a known integration');
    // Compared without revealing either value: the answer only says that the secret is wrong.
    if (body.client_secret !== integration.clientSecret) {
      return sendProblem(reply, 400, 'client_secret is wrong for this client_id');
    }
    if (body.redirect_uri !== integration.redirectUri) {
      return sendProblem(reply, 400, "redirect_uri does not match the integration's Redirect URI");
    }
    const apiDomain = request.host;
    let result: ReturnType<typeof crm.oauth.refresh>;
    if (body.grant_type === 'authorization_code') {
      if (typeof body.code !== 'string' || body.code === '') return sendProblem(reply, 400, 'code is required');
      result = crm.oauth.exchangeCode({ clientId, code: body.code, redirectUri: body.redirect_uri, apiDomain });
    } else if (body.grant_type === 'refresh_token') {
      if (typeof body.refresh_token !== 'string' || body.refresh_token === '') {
        return sendProblem(reply, 400, 'refresh_token is required');
      }
      result = crm.oauth.refresh({ clientId, refreshToken: body.refresh_token, apiDomain });
    } else {
      return sendProblem(reply, 400, 'grant_type must be "authorization_code" or "refresh_token"');
    }
    if (!result.ok) return sendProblem(reply, 400, result.detail);
    const { tokens } = result;
    const grant = crm.oauth.checkAccessToken(tokens.accessToken);
    if (grant.ok) crm.emitChange(grant.grant.accountAmojoId, 'token');
    return reply
      .code(200)
      .type('application/json')
      .send(
        JSON.stringify({
          token_type: 'Bearer',
          expires_in: tokens.expiresIn,
          server_time: tokens.serverTime,
          access_token: tokens.accessToken,
          refresh_token: tokens.refreshToken,
        }),
      );
  });

  app.get('/oauth2/account/current/subdomain', async (request, reply) => {
    const token = request.headers['x-refresh-token'];
    if (typeof token !== 'string' || token === '') {
      return sendProblem(reply, 401, 'X-Refresh-Token header with a live refresh token is required');
    }
    const grant = crm.oauth.checkRefreshToken(token);
    const account = grant ? crm.account(grant.accountAmojoId) : undefined;
    if (!account) return sendProblem(reply, 401, 'Refresh token is unknown, used, expired or revoked');
    return reply
      .type('application/json')
      .send(
        JSON.stringify({ id: account.id, subdomain: account.subdomain, domain: 'amocrm.ru', top_level_domain: 'ru' }),
      );
  });
}
