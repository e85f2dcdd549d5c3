import { z } from 'zod';
import { connectAccount } from '../accounts/connect-account.js';
import { findAccount } from '../store/accounts/index.js';
import type { AmocrmDeps } from './amocrm-deps.js';
import { type SourceSyncResult, syncAccountSources } from './sync-sources.js';
import { verifyWidgetToken } from './verify-widget-token.js';

const body = z
  .object({
    amojo_id: z.string().trim().min(1).max(64),
    title: z.string().trim().max(255).optional(),
    link_contacts: z.enum(['off', 'phone', 'phone_or_email']).optional(),
  })
  .strict();

/** The answer to the widget: status and JSON body. */
export interface WidgetConnectAnswer {
  readonly status: 200 | 400 | 401 | 409;
  readonly body: Record<string, unknown>;
}

/**
 * `POST /amocrm/widget/connect` from the widget's `onSave`: only with a valid one-time token for an account that
 * installed the integration here, and only for that account (the posted `amojo_id` must be the one amoCRM gave the
 * bridge at install; anything else is a foreign account and refused). Then connects again (idempotent), applies the
 * widget settings (channel title, `link_contacts` on every instance of the account) and syncs the sources.
 */
export async function widgetConnect(
  deps: AmocrmDeps,
  input: { readonly token: string | undefined; readonly body: unknown },
): Promise<WidgetConnectAnswer> {
  const verified = await verifyWidgetToken(deps, input.token);
  if (!verified.ok) return { status: 401, body: { error: 'invalid_widget_token', message: verified.reason } };
  const parsed = body.safeParse(input.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      status: 400,
      body: { error: 'invalid_input', field: issue?.path.join('.') ?? '', message: issue?.message ?? 'invalid body' },
    };
  }
  const account = await findAccount(deps.store.db, {
    channelId: deps.config.channel.id,
    amocrmAccountId: verified.claims.accountId,
  });
  if (!account) {
    return {
      status: 409,
      body: {
        error: 'account_not_installed',
        message: 'This account has not installed the integration: install it from amoCRM first',
      },
    };
  }
  if (account.amojoAccountId !== parsed.data.amojo_id) {
    return {
      status: 401,
      body: { error: 'foreign_account', message: 'amojo_id is not the account the token was issued for' },
    };
  }
  const connected = await connectAccount(deps, {
    accountId: account.amojoAccountId,
    ...(parsed.data.title ? { title: parsed.data.title } : {}),
  });
  if (parsed.data.link_contacts) {
    await deps.store.db
      .updateTable('channel_instances')
      .set({ link_contacts: parsed.data.link_contacts, updated_at: deps.now().getTime() })
      .where('account_id', '=', account.id)
      .execute();
  }
  let sources: SourceSyncResult | { readonly problems: readonly string[] };
  try {
    sources = await syncAccountSources(deps, connected);
  } catch (error) {
    sources = { problems: [(error as Error).message] };
  }
  deps.log.info(
    { event: 'amocrm_widget_connected', accountId: account.id, userId: verified.claims.userId },
    'widget settings applied',
  );
  return { status: 200, body: { ok: true, scopeId: connected.scopeId, sources } };
}
