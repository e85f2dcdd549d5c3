import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CrmState } from '../crm/crm-state.js';
import type { CrmAccountConfig, CrmUserConfig } from '../crm/types.js';
import { grantOf, requireAdmin } from './authenticate.js';
import { QueryParams, readPaging } from './query-params.js';
import { selfLink, sendHal, sendNoContent, sendProblem } from './reply-helpers.js';

/** `GET /api/v4/account`, `GET /api/v4/users` and `GET /api/v4/users/:id` with `with=amojo_id` (spec 5.2). */
export function registerAccountRoutes(app: FastifyInstance, crm: CrmState): void {
  app.get('/api/v4/account', async (request, reply) => {
    const grant = grantOf(request);
    const account = crm.account(grant.accountAmojoId)!;
    const withSet = new QueryParams(request.url).withSet();
    return sendHal(reply, {
      id: account.id,
      name: account.name ?? account.subdomain,
      subdomain: account.subdomain,
      created_at: 1_600_000_000,
      created_by: 0,
      updated_at: 1_600_000_000,
      updated_by: 0,
      current_user_id: grant.userId,
      country: 'RU',
      currency: 'RUB',
      currency_symbol: '₽',
      customers_mode: 'disabled',
      is_unsorted_on: true,
      is_loss_reason_enabled: true,
      is_helpbot_enabled: false,
      is_technical_account: false,
      contact_name_display_order: 1,
      ...(withSet.has('amojo_id') ? { amojo_id: account.amojoId } : {}),
      _links: selfLink(request, '/api/v4/account'),
      ...(withSet.has('amojo_rights')
        ? { _embedded: { amojo_rights: { can_direct: true, can_create_groups: true } } }
        : {}),
    });
  });

  app.get('/api/v4/users', async (request, reply) => {
    if (!requireAdmin(crm, request, reply)) return reply;
    const account = crm.account(grantOf(request).accountAmojoId)!;
    const query = new QueryParams(request.url);
    const paging = readPaging(query);
    if (!paging.ok) return sendProblem(reply, paging.status, paging.detail);
    const { page, limit } = paging;
    const users = account.users.slice((page - 1) * limit, page * limit);
    if (users.length === 0) return sendNoContent(reply);
    const pageCount = Math.ceil(account.users.length / limit);
    const withAmojo = query.withSet().has('amojo_id');
    const pageHref = (n: number) => `/api/v4/users?page=${n}&limit=${limit}${withAmojo ? '&with=amojo_id' : ''}`;
    return sendHal(reply, {
      _total_items: account.users.length,
      _page: page,
      _page_count: pageCount,
      _links: {
        ...selfLink(request, pageHref(page)),
        ...(page < pageCount ? { next: selfLink(request, pageHref(page + 1)).self } : {}),
      },
      _embedded: { users: users.map((user) => userJson(request, crm, account, user, withAmojo)) },
    });
  });

  app.get<{ Params: { id: string } }>('/api/v4/users/:id', async (request, reply) => {
    if (!requireAdmin(crm, request, reply)) return reply;
    const account = crm.account(grantOf(request).accountAmojoId)!;
    const user = account.users.find((u) => String(u.id) === request.params.id);
    if (!user) return sendNoContent(reply);
    const withAmojo = new QueryParams(request.url).withSet().has('amojo_id');
    return sendHal(reply, userJson(request, crm, account, user, withAmojo));
  });
}

function userJson(
  request: FastifyRequest,
  crm: CrmState,
  account: CrmAccountConfig,
  user: CrmUserConfig,
  withAmojo: boolean,
): Record<string, unknown> {
  const isAdmin = crm.isAdmin(account, user.id);
  const all = { view: 'A', edit: 'A', add: 'A', delete: 'A', export: 'A' };
  return {
    id: user.id,
    name: user.name,
    email: user.email ?? `user${user.id}@${account.subdomain}.example`,
    lang: 'ru',
    rights: {
      leads: all,
      contacts: all,
      companies: all,
      tasks: { edit: 'A', delete: 'A' },
      mail_access: true,
      catalog_access: true,
      is_admin: isAdmin,
      is_free: false,
      is_active: true,
      group_id: null,
      role_id: null,
    },
    ...(withAmojo ? { amojo_id: user.amojoId } : {}),
    _links: selfLink(request, `/api/v4/users/${user.id}`),
  };
}
