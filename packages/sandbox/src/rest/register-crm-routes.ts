import type { FastifyInstance } from 'fastify';
import type { CrmRoutesOptions } from '../crm/types.js';

/** Registers the amoCRM REST v4 + OAuth routes and the CRM control routes on a Fastify app. */
export async function registerCrmRoutes(app: FastifyInstance, options: CrmRoutesOptions): Promise<void> {
  const { crm } = options;
  app.get('/_sandbox/api/crm', async (request) => {
    const account = new URL(request.url, 'http://sandbox').searchParams.get('account') ?? undefined;
    return crm.snapshot(account);
  });
}
