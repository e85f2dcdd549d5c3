import { asAccountRowId } from '../store/ids.js';
import type { AmocrmDeps } from './amocrm-deps.js';
import { REFRESH_BEFORE_EXPIRY_MS, restClientForAccount } from './rest-client-for-account.js';

/** A running refresh schedule. */
export interface TokenRefreshSchedule {
  /** Runs one round now (tests, start-up); resolves how many accounts were refreshed or checked. */
  runNow(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Refreshes the tokens of every `ok` account whose access token expires within {@link REFRESH_BEFORE_EXPIRY_MS},
 * every `intervalMs` (default 60 s), so idle accounts keep working tokens. Each refresh goes through the
 * cross-process lock (`serialise-token-refreshes.ts`): with several processes only one refreshes, the others pick
 * its pair up. A failure is logged and retried next round; a refusal marks the account `needs_reinstall` and takes
 * it out of the schedule. Never throws, never exits.
 */
export function scheduleTokenRefresh(deps: AmocrmDeps, options: { readonly intervalMs?: number } = {}) {
  const intervalMs = options.intervalMs ?? 60_000;
  let running: Promise<number> | undefined;
  const round = async (): Promise<number> => {
    const horizon = deps.now().getTime() + REFRESH_BEFORE_EXPIRY_MS;
    const due = await deps.store.db
      .selectFrom('accounts')
      .select('id')
      .where('oauth_state', '=', 'ok')
      .where('access_token_enc', 'is not', null)
      .where('token_expires_at', '<=', horizon)
      .orderBy('id')
      .execute();
    let done = 0;
    for (const { id } of due) {
      try {
        const crm = await restClientForAccount(deps, asAccountRowId(Number(id)));
        if (!crm) continue;
        await crm.accessToken();
        done += 1;
      } catch (error) {
        deps.log.warn(
          { event: 'amocrm_refresh_failed', accountId: id, err: (error as Error).message },
          'amoCRM token refresh failed; retried next round',
        );
      }
    }
    return done;
  };
  const runNow = (): Promise<number> => {
    running ??= round()
      .catch((error: unknown) => {
        deps.log.error({ event: 'amocrm_refresh_round_failed', err: (error as Error).message }, 'refresh round failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void runNow(), intervalMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      await running;
    },
  } satisfies TokenRefreshSchedule;
}
