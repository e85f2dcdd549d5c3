import { hmacHex } from '@amojo-bridge/sdk';
import { callIntegration, type IntegrationCallResult, withoutQuery } from './call-integration.js';
import type { CrmState } from './crm-state.js';

/** The sandbox gives the disabled hook the same 3 s as the install redirect (the docs state no timeout for it). */
export const DISABLED_HOOK_TIMEOUT_MS = 3000;

/** Outcome of disabling: revoked tokens and what the disabled hook answered (null status when not sent or failed). */
export type DisableResult =
  | {
      readonly ok: true;
      readonly revokedTokens: number;
      readonly hookStatus: number | null;
      readonly hookError?: string;
    }
  | { readonly ok: false; readonly detail: string };

/** The disabled hook signature: hex HMAC-SHA256 of `{client_uuid}|{account_id}` keyed with the client secret (4.7). */
export function disabledHookSignature(clientSecret: string, clientUuid: string, accountId: number): string {
  return hmacHex('sha256', clientSecret, `${clientUuid}|${accountId}`);
}

/**
 * Disables an integration in an account (spec 4.7): revokes its tokens, GETs the disabled hook URL once with
 * `account_id`, `client_uuid` and `signature`, then calls `onDisabled` (the core disconnects the channel).
 */
export async function disableIntegration(
  crm: CrmState,
  input: {
    accountAmojoId: string;
    clientId: string;
    timeoutMs?: number;
    onDisabled?: (accountAmojoId: string, clientId: string) => void;
  },
): Promise<DisableResult> {
  const account = crm.account(input.accountAmojoId);
  if (!account) return { ok: false, detail: `Unknown account ${input.accountAmojoId}` };
  const integration = crm.integration(input.clientId);
  if (!integration) return { ok: false, detail: `Unknown integration ${input.clientId}` };

  const revokedTokens = crm.markDisabled(account.amojoId, integration.clientId);
  let hook: IntegrationCallResult | undefined;
  if (integration.disabledHookUrl !== undefined && !URL.canParse(integration.disabledHookUrl)) {
    hook = { error: 'disabledHookUrl is not a valid absolute URL; no hook sent', durationMs: 0 };
  } else if (integration.disabledHookUrl) {
    const url = new URL(integration.disabledHookUrl);
    url.searchParams.set('account_id', String(account.id));
    url.searchParams.set('client_uuid', integration.clientId);
    url.searchParams.set(
      'signature',
      disabledHookSignature(integration.clientSecret, integration.clientId, account.id),
    );
    const at = crm.nowMs();
    hook = await callIntegration(url, input.timeoutMs ?? DISABLED_HOOK_TIMEOUT_MS);
    crm.recordCall({
      kind: 'disable',
      accountAmojoId: account.amojoId,
      clientId: integration.clientId,
      url: withoutQuery(url),
      at,
      ...hook,
    });
  }
  input.onDisabled?.(account.amojoId, integration.clientId);
  return {
    ok: true,
    revokedTokens,
    hookStatus: hook?.status ?? null,
    ...(hook?.error !== undefined ? { hookError: hook.error } : {}),
  };
}
