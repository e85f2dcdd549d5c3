import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CrmState } from '../crm/crm-state.js';
import { sendProblem } from './reply-helpers.js';

/** The `type` of amoCRM's OAuth token errors (their problem JSON carries a `hint` too). */
export const OAUTH_PROBLEM_TYPE = 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson';

// amoCRM's hints for refused grants, by the sandbox's reason; the detail keeps the sandbox's precise sentence.
const HINTS: readonly (readonly [RegExp, string])[] = [
  [/^code has expired/, 'Authorization code has expired'],
  [/^code has already been used/, 'Authorization code has been revoked'],
  [/^code is unknown/, 'Cannot decrypt the authorization code'],
  [/^refresh_token has expired/, 'Token has expired'],
  [/^refresh_token has been revoked|^refresh_token has already been used/, 'Token has been revoked'],
  [/^refresh_token is unknown/, 'Invalid refresh token'],
  [/client_secret|client_id/, 'Client authentication failed'],
  [/redirect_uri/, 'Invalid redirect_uri'],
];

function sendOAuthProblem(reply: FastifyReply, detail: string, hint?: string): FastifyReply {
  const body = {
    hint: hint ?? HINTS.find(([pattern]) => pattern.test(detail))?.[1] ?? 'Check the request parameters',
    title: 'Bad Request',
    type: OAUTH_PROBLEM_TYPE,
    status: 400,
    detail,
  };
  return reply.code(400).type('application/problem+json').send(JSON.stringify(body));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `POST /oauth2/access_token` (both grants) and `GET /oauth2/account/current/subdomain` (spec 5.1). */
export function registerOAuthRoutes(app: FastifyInstance, crm: CrmState): void {
  app.post('/oauth2/access_token', async (request, reply) => {
    const body = request.body;
    if (!isObject(body)) return sendOAuthProblem(reply, 'Request body must be a JSON object');
    for (const field of ['client_id', 'client_secret', 'grant_type', 'redirect_uri']) {
      if (typeof body[field] !== 'string' || body[field] === '') {
        return sendOAuthProblem(reply, `${field} is required`, `Send ${field} as a string in the JSON body`);
      }
    }
    const clientId = body.client_id as string;
    const integration = crm.integration(clientId);
    if (!integration) return sendOAuthProblem(reply, 'client_id does not name a known integration');
    // Compared without revealing either value: the answer only says that the secret is wrong.
    if (body.client_secret !== integration.clientSecret) {
      return sendOAuthProblem(reply, 'client_secret is wrong for this client_id');
    }
    if (body.redirect_uri !== integration.redirectUri) {
      return sendOAuthProblem(reply, "redirect_uri does not match the integration's Redirect URI");
    }
    const apiDomain = request.host;
    let result: ReturnType<typeof crm.oauth.refresh>;
    if (body.grant_type === 'authorization_code') {
      if (typeof body.code !== 'string' || body.code === '') return sendOAuthProblem(reply, 'code is required');
      result = crm.oauth.exchangeCode({ clientId, code: body.code, redirectUri: body.redirect_uri, apiDomain });
    } else if (body.grant_type === 'refresh_token') {
      if (typeof body.refresh_token !== 'string' || body.refresh_token === '') {
        return sendOAuthProblem(reply, 'refresh_token is required');
      }
      result = crm.oauth.refresh({ clientId, refreshToken: body.refresh_token, apiDomain });
    } else {
      return sendOAuthProblem(reply, 'grant_type must be "authorization_code" or "refresh_token"');
    }
    if (!result.ok) return sendOAuthProblem(reply, result.detail);
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
