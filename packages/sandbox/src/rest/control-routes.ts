import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CrmState } from '../crm/crm-state.js';
import { disableIntegration } from '../crm/disable-integration.js';
import { authorizeIntegration, installIntegration } from '../crm/install-integration.js';
import { mintWidgetToken } from '../crm/mint-widget-token.js';
import { QueryParams } from './query-params.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const sendError = (reply: FastifyReply, status: number, error: string) => reply.code(status).send({ error });

/** CRM control routes under `/_sandbox/api/crm` (sandbox contract): snapshot, install flow, disable flow. */
export function registerCrmControlRoutes(
  app: FastifyInstance,
  crm: CrmState,
  onIntegrationDisabled: ((accountAmojoId: string, clientId: string) => void) | undefined,
): void {
  app.get('/_sandbox/api/crm', async (request, reply) => {
    const account = new QueryParams(request.url).get('account');
    if (account !== undefined && !crm.account(account)) return sendError(reply, 404, `Unknown account ${account}`);
    return crm.snapshot(account);
  });

  app.get('/_sandbox/api/crm/integrations', async (request, reply) => {
    const account = new QueryParams(request.url).get('account');
    if (account !== undefined && !crm.account(account)) return sendError(reply, 404, `Unknown account ${account}`);
    return crm.integrations(account);
  });

  app.post('/_sandbox/api/crm/install', async (request, reply) => {
    const body = request.body;
    if (!isObject(body) || typeof body.account !== 'string' || typeof body.clientId !== 'string') {
      return sendError(reply, 400, 'Body must be {"account": "<amojo id>", "clientId": "<integration id>"}');
    }
    const result = await installIntegration(crm, { accountAmojoId: body.account, clientId: body.clientId });
    if (!result.ok) return sendError(reply, 404, result.detail);
    const { ok: _, ...answer } = result;
    return answer;
  });

  // The browser install of the inbox's "Marketplace" dialog: {account, clientId, state?} -> {redirectUrl}.
  app.post('/_sandbox/api/crm/authorize', async (request, reply) => {
    const body = request.body;
    if (!isObject(body) || typeof body.account !== 'string' || typeof body.clientId !== 'string') {
      return sendError(reply, 400, 'Body must be {"account": "<amojo id>", "clientId": "<integration id>", "state"?}');
    }
    const result = authorizeIntegration(crm, {
      accountAmojoId: body.account,
      clientId: body.clientId,
      ...(typeof body.state === 'string' ? { state: body.state } : {}),
    });
    if (!result.ok) return sendError(reply, 404, result.detail);
    return { redirectUrl: result.redirectUrl };
  });

  // The widget's $authorizedAjax token, for tests and the inbox: {account, clientId, audience, userId?, ttlSeconds?,
  // shiftSeconds?} -> {token}.
  app.post('/_sandbox/api/crm/widget-token', async (request, reply) => {
    const body = request.body;
    if (
      !isObject(body) ||
      typeof body.account !== 'string' ||
      typeof body.clientId !== 'string' ||
      typeof body.audience !== 'string'
    ) {
      return sendError(
        reply,
        400,
        'Body must be {"account", "clientId", "audience", "userId"?, "ttlSeconds"?, "shiftSeconds"?}',
      );
    }
    const account = crm.account(body.account);
    const integration = crm.integration(body.clientId);
    if (!account || !integration) return sendError(reply, 404, 'Unknown account or integration');
    const userId = typeof body.userId === 'number' ? body.userId : crm.installingUser(account)?.id;
    if (userId === undefined) return sendError(reply, 409, 'The account has no users');
    const token = await mintWidgetToken({
      clientId: integration.clientId,
      clientSecret: integration.clientSecret,
      accountId: account.id,
      userId,
      subdomain: account.subdomain,
      audience: body.audience,
      nowMs: crm.nowMs(),
      ...(typeof body.ttlSeconds === 'number' ? { ttlSeconds: body.ttlSeconds } : {}),
      ...(typeof body.shiftSeconds === 'number' ? { shiftSeconds: body.shiftSeconds } : {}),
    });
    return { token };
  });

  app.post('/_sandbox/api/crm/disable', async (request, reply) => {
    const body = request.body;
    if (!isObject(body) || typeof body.account !== 'string' || typeof body.clientId !== 'string') {
      return sendError(reply, 400, 'Body must be {"account": "<amojo id>", "clientId": "<integration id>"}');
    }
    const result = await disableIntegration(crm, {
      accountAmojoId: body.account,
      clientId: body.clientId,
      ...(onIntegrationDisabled ? { onDisabled: onIntegrationDisabled } : {}),
    });
    if (!result.ok) return sendError(reply, 404, result.detail);
    const { ok: _, ...answer } = result;
    return answer;
  });
}
