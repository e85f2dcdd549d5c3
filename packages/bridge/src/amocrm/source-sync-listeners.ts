import type { InstanceLifecycleListeners } from '../channels/manage-instances.js';
import { findAccount } from '../store/accounts/index.js';
import type { AccountRowId } from '../store/ids.js';
import type { AmocrmDeps } from './amocrm-deps.js';
import { syncAccountSources } from './sync-sources.js';

/**
 * Lifecycle listeners that keep amoCRM sources in step with channel instances (extension 2): after an instance is
 * created, renamed, moved to another account or removed, the affected accounts' sources are synced (created,
 * renamed, deleted, default kept). Accounts without working tokens are skipped: their sources are created at
 * install. Problems of a sync (limits, refusals) are thrown as one message, which instance management shows the
 * person in `problems`; the instance change itself stands.
 */
export function sourceSyncListeners(deps: AmocrmDeps): InstanceLifecycleListeners {
  const sync = async (...accountRowIds: readonly (AccountRowId | null | undefined)[]) => {
    const problems: string[] = [];
    for (const id of new Set(accountRowIds.filter((v): v is AccountRowId => typeof v === 'number'))) {
      const account = await findAccount(deps.store.db, { id });
      if (!account?.hasTokens || account.oauthState !== 'ok') continue;
      const result = await syncAccountSources(deps, account);
      problems.push(...result.problems);
    }
    if (problems.length > 0) throw new Error(`amoCRM sources: ${problems.join('; ')}`);
  };
  return {
    onInstanceCreated: ({ instance }) => sync(instance.accountId),
    onInstanceUpdated: ({ instance, previous }) => sync(instance.accountId, previous.accountId),
    onInstanceRemoved: ({ instance }) => sync(instance.accountId),
  };
}
