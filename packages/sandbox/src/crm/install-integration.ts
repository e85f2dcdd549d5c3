import { callIntegration, withoutQuery } from './call-integration.js';
import type { CrmState } from './crm-state.js';

/** amoCRM waits at most 3 s for the integration's redirect URI (spec 4.7). */
export const INSTALL_REDIRECT_TIMEOUT_MS = 3000;

/** Outcome of an install: the minted code and what the redirect URI answered. */
export type InstallResult =
  | {
      readonly ok: true;
      readonly code: string;
      readonly redirectStatus: number | null;
      readonly redirectError?: string;
    }
  | { readonly ok: false; readonly detail: string };

/**
 * Installs an integration into an account the way the widget install does (spec 4.7): enables it, mints a code valid
 * 20 minutes and GETs the redirect URI with `code`, `referer`, `platform=1` and `from_widget=1`, once.
 */
export async function installIntegration(
  crm: CrmState,
  input: { accountAmojoId: string; clientId: string; timeoutMs?: number },
): Promise<InstallResult> {
  const minted = mintInstallRedirect(crm, input, { platform: '1' });
  if (!minted.ok) return minted;
  const { account, integration, code, url } = minted;
  const at = crm.nowMs();
  const answer = await callIntegration(url, input.timeoutMs ?? INSTALL_REDIRECT_TIMEOUT_MS);
  crm.recordCall({
    kind: 'install',
    accountAmojoId: account.amojoId,
    clientId: integration.clientId,
    url: withoutQuery(url),
    at,
    ...answer,
  });
  return {
    ok: true,
    code,
    redirectStatus: answer.status ?? null,
    ...(answer.error !== undefined ? { redirectError: answer.error } : {}),
  };
}

/** Outcome of {@link authorizeIntegration}: where amoCRM sends the person's browser next. */
export type AuthorizeResult =
  | { readonly ok: true; readonly redirectUrl: string }
  | { readonly ok: false; readonly detail: string };

/**
 * The marketplace/OAuth-button install as the person sees it (spec 4.7, 5.1): the account admin allows access,
 * the integration is enabled, a code valid 20 minutes is minted, and the BROWSER goes to the Redirect URI with
 * `code`, `referer`, `state` (when given) and `from_widget=1`. Unlike {@link installIntegration} nothing is sent
 * server-side: the integration answers the person with its own page.
 */
export function authorizeIntegration(
  crm: CrmState,
  input: { accountAmojoId: string; clientId: string; state?: string },
): AuthorizeResult {
  const minted = mintInstallRedirect(crm, input, input.state !== undefined ? { state: input.state } : {});
  if (!minted.ok) return minted;
  return { ok: true, redirectUrl: minted.url.toString() };
}

/**
 * What both install flows share: the account, integration and installing user checked, the integration enabled, a
 * code minted, and the Redirect URI with `code`, `referer`, the flow's own parameters and `from_widget=1`.
 */
function mintInstallRedirect(
  crm: CrmState,
  input: { accountAmojoId: string; clientId: string },
  extra: Readonly<Record<string, string>>,
) {
  const account = crm.account(input.accountAmojoId);
  if (!account) return { ok: false as const, detail: `Unknown account ${input.accountAmojoId}` };
  const integration = crm.integration(input.clientId);
  if (!integration) return { ok: false as const, detail: `Unknown integration ${input.clientId}` };
  const user = crm.installingUser(account);
  if (!user) {
    return { ok: false as const, detail: `Account ${input.accountAmojoId} has no users to install the integration` };
  }
  if (!URL.canParse(integration.redirectUri)) {
    return { ok: false as const, detail: `Integration ${integration.clientId} has no valid absolute redirectUri` };
  }
  crm.markInstalled(account.amojoId, integration.clientId);
  const code = crm.oauth.mintCode(
    { accountAmojoId: account.amojoId, accountId: account.id, clientId: integration.clientId, userId: user.id },
    integration.redirectUri,
  );
  const url = new URL(integration.redirectUri);
  url.searchParams.set('code', code);
  url.searchParams.set('referer', `${account.subdomain}.amocrm.ru`);
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
  url.searchParams.set('from_widget', '1');
  return { ok: true as const, account, integration, code, url };
}
