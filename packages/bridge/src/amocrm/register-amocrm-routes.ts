import { AmojoInputError, parseInstallRedirect } from '@amojo-bridge/sdk';
import type { FastifyInstance } from 'fastify';
import type { AmocrmDeps } from './amocrm-deps.js';
import { handleDisabledHook } from './disable-account.js';
import { installAccount } from './install-account.js';
import { type ResultLine, renderResultPage } from './result-page.js';
import { widgetConnect } from './widget-connect.js';

/**
 * The amoCRM routes of the bridge, registered only when the integration is configured:
 * - `GET /amocrm/oauth/callback`: the Redirect URI (install from the marketplace, the widget or an OAuth button);
 *   answers the person with a plain result page;
 * - `POST /amocrm/widget/connect`: the widget's settings, proven by amoCRM's one-time JWT (`X-Auth-Token`);
 * - `GET /amocrm/disabled`: the "integration disabled" hook.
 */
export async function registerAmocrmRoutes(app: FastifyInstance, deps: AmocrmDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.get('/amocrm/oauth/callback', async (request, reply) => {
      const query = new URLSearchParams(request.url.split('?')[1] ?? '');
      const html = (status: number, page: Parameters<typeof renderResultPage>[0]) =>
        reply
          .code(status)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(renderResultPage(page));
      let redirect: ReturnType<typeof parseInstallRedirect>;
      try {
        redirect = parseInstallRedirect(query);
      } catch (error) {
        const refused = error instanceof AmojoInputError && error.path === 'error';
        return html(400, {
          ok: false,
          title: refused ? 'Installation cancelled' : 'This link is not a complete installation',
          lines: [{ ok: false, text: (error as Error).message }],
          next: refused
            ? 'The access was not granted. To connect the account, install the integration again and allow access.'
            : 'Open this page only through the installation in amoCRM (it adds the code and account address).',
        });
      }
      const outcome = await installAccount(deps, redirect);
      if (!outcome.ok) {
        return html(outcome.step === 'referer' || outcome.step === 'code_exchange' ? 400 : 502, {
          ok: false,
          title: 'The account was not connected',
          lines: [{ ok: false, text: outcome.message }],
          next: outcome.message,
        });
      }
      const { account, sources } = outcome;
      const lines: ResultLine[] = [
        { ok: true, text: `amoCRM account ${account.subdomain ?? account.amojoAccountId} authorised` },
        { ok: true, text: `Chat channel connected (scope ${account.scopeId})` },
        {
          ok: true,
          text:
            sources.created.length > 0
              ? `Sources created: ${sources.created.join(', ')}`
              : 'Sources: up to date (no channel instance needs a new one)',
        },
        ...(sources.defaultExternalId ? [{ ok: true, text: `Default source: ${sources.defaultExternalId}` }] : []),
        ...sources.problems.map((text) => ({ ok: false, text })),
      ];
      return html(200, {
        ok: true,
        title: 'Connected',
        lines,
        next:
          sources.problems.length > 0
            ? 'The channel works; fix the source problems above and run the sync again (admin API).'
            : 'You can close this page. New chats appear in amoCRM under their source.',
      });
    });

    scope.post('/amocrm/widget/connect', async (request, reply) => {
      const header = request.headers['x-auth-token'];
      const answer = await widgetConnect(deps, {
        token: Array.isArray(header) ? header[0] : header,
        body: request.body,
      });
      if (answer.status === 401) {
        deps.log.warn({ event: 'amocrm_widget_refused', reason: answer.body.message }, 'widget token refused');
      }
      return reply.code(answer.status).send(answer.body);
    });

    scope.get('/amocrm/disabled', async (request, reply) => {
      const outcome = await handleDisabledHook(deps, new URLSearchParams(request.url.split('?')[1] ?? ''));
      if (outcome.status !== 200) {
        deps.log.warn(
          { event: 'amocrm_disabled_hook_refused', status: outcome.status, reason: outcome.reason },
          'refused',
        );
      }
      return reply.code(outcome.status).send({ ok: outcome.status === 200, reason: outcome.reason });
    });
  });
}
