// Outbound recovery's global budget (src/pipelines/outbound-recovery/README.md, "Cost"): the feed reads and scan
// checks of all accounts share one budget per round, so 120 accounts cost the budget per round, not 120 times a
// per-account cost; the accounts a round could not reach lead the next one. Requests counted by the sandbox.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClientForAccount } from '../src/amocrm/index.js';
import { createOutboundRecovery } from '../src/pipelines/index.js';
import { listOldestCheckedChats } from '../src/pipelines/outbound-recovery/recovery-state.js';
import {
  findAccount,
  listAccounts,
  readAccountTokens,
  saveAccountTokens,
  upsertAccount,
} from '../src/store/accounts/index.js';
import { type AccountRowId, asAmojoAccountId, asScopeId } from '../src/store/ids.js';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, RELAY_TEST_IDS, type RelayHarness } from './support/relay-harness.js';

const HISTORY = 'GET /v2/origin/custom/:target/chats/:chatId/history';
const EVENTS = 'GET /api/v4/events';
const ACCOUNTS = 120;
const BUDGET = 50;

/** Adds `count` connected accounts (the harness has one already); resolves their row ids. */
async function addAccounts(h: RelayHarness, count: number): Promise<AccountRowId[]> {
  const ids: AccountRowId[] = [];
  for (let i = 0; i < count; i++) {
    const amojoAccountId = asAmojoAccountId(randomUUID());
    const account = await upsertAccount(h.bridge.store.db, {
      scopeId: asScopeId(`${RELAY_TEST_IDS.CHANNEL_ID}_${amojoAccountId}`),
      amojoAccountId,
      channelId: RELAY_TEST_IDS.CHANNEL_ID,
      title: `budget account ${i}`,
    });
    ids.push(account.id);
  }
  return ids;
}

/** Adds `perAccount` conversations with an amojo chat id to each account. */
async function addConversations(h: RelayHarness, accountIds: readonly number[], perAccount: number): Promise<void> {
  const now = Date.now();
  const rows = accountIds.flatMap((accountId) =>
    Array.from({ length: perAccount }, (_, i) => ({
      account_id: accountId,
      conversation_id: randomUUID(),
      amojo_chat_id: randomUUID(),
      channel_chat_key: `budget-${accountId}-${i}`,
      last_activity_at: now,
      created_at: now,
      updated_at: now,
    })),
  );
  for (let i = 0; i < rows.length; i += 200) {
    await h.bridge.store.db
      .insertInto('conversations')
      .values(rows.slice(i, i + 200))
      .execute();
  }
}

const countOf = async (h: RelayHarness, route: string): Promise<number> => (await h.requestCounts())[route] ?? 0;

describe.each(ENGINES)('outbound recovery: one global budget over all accounts (%s)', (engine) => {
  describe('event feeds', () => {
    let h: RelayHarness;
    beforeAll(async () => {
      // The service's own rounds far apart: the test runs its rounds itself.
      h = await createRelayHarness({ engine, oauth: true, recovery: { intervalMs: 600_000 } });
      await h.giveAccountTokens();
    }, 60_000);
    afterAll(async () => {
      await h?.close();
    });

    it(`${ACCOUNTS} accounts with tokens: ${BUDGET} feed reads a round, the rest first in the next`, async () => {
      const { store } = h.bridge;
      const deps = h.bridge;
      const [own] = await listAccounts(store.db, { state: 'connected' });
      const tokens = await readAccountTokens(store.db, {
        accountId: own!.id,
        encryptionKey: deps.config.encryptionKey,
      });
      expect(tokens).toBeDefined();
      const added = await addAccounts(h, ACCOUNTS - 1);
      // Every account gets a working token pair (the same sandbox account answers them all).
      for (const accountId of added) {
        await saveAccountTokens(store.db, { accountId, tokens: tokens!, encryptionKey: deps.config.encryptionKey });
        await store.db
          .updateTable('accounts')
          .set({ oauth_state: 'ok', amocrm_base_url: h.sandbox.url })
          .where('id', '=', accountId)
          .execute();
      }
      const recovery = createOutboundRecovery(deps, {
        intervalMs: 600_000,
        budgetPerRound: BUDGET,
        restClientFor: async (account) =>
          restClientForAccount(deps, (await findAccount(store.db, { id: account.id }))!),
      });

      const perRound: { events: number; feedAccounts: number; deferred: number }[] = [];
      for (let round = 0; round < 4; round++) {
        const before = await countOf(h, EVENTS);
        const result = await recovery.runRound();
        perRound.push({
          events: (await countOf(h, EVENTS)) - before,
          feedAccounts: result.feedAccounts,
          deferred: result.deferredAccounts,
        });
      }
      console.log(`RECOVERY BUDGET feeds ${JSON.stringify({ engine, accounts: ACCOUNTS, budget: BUDGET, perRound })}`);
      // 120 accounts due (the harness's catch-up ran before its account existed): served 50, 50, 20, each once,
      // and a fourth round has nothing due. Without the budget the first round read all 120 feeds.
      expect(perRound.map((r) => [r.feedAccounts, r.deferred])).toEqual([
        [BUDGET, ACCOUNTS - BUDGET],
        [BUDGET, ACCOUNTS - 2 * BUDGET],
        [ACCOUNTS - 2 * BUDGET, 0],
        [0, 0],
      ]);
      // The sandbox counts HTTP requests: at least one per feed read, more when the SDK retried a 429 (all these
      // accounts share one sandbox account, whose REST rate limit they hit); nothing in the idle round.
      for (const r of perRound) expect(r.events).toBeGreaterThanOrEqual(r.feedAccounts);
      expect(perRound[3]!.events).toBe(0);
      const turns = await store.db.selectFrom('recovery_accounts').select('account_id').execute();
      expect(new Set(turns.map((t) => t.account_id))).toEqual(new Set([own!.id, ...added]));
      await recovery.stop();
    }, 180_000);
  });

  describe('scans', () => {
    let h: RelayHarness;
    beforeAll(async () => {
      h = await createRelayHarness({ engine, recovery: { intervalMs: 600_000 } });
    }, 60_000);
    afterAll(async () => {
      await h?.close();
    });

    it(`${ACCOUNTS} accounts without tokens: ${BUDGET} history reads a round, at most the per-account share of each`, async () => {
      const { store } = h.bridge;
      const deps = h.bridge;
      const added = await addAccounts(h, ACCOUNTS - 1);
      await addConversations(h, added.slice(1), 3);
      // One large account: it must not take the budget from the others.
      await addConversations(h, added.slice(0, 1), 60);

      const picked = await listOldestCheckedChats(store.db, {
        accountIds: added,
        limit: BUDGET,
        perAccount: 2,
      });
      expect(picked).toHaveLength(BUDGET);
      const owners = await store.db
        .selectFrom('conversations')
        .select(['id', 'account_id'])
        .where(
          'id',
          'in',
          picked.map((p) => p.conversationRowId),
        )
        .execute();
      const perAccount = new Map<number, number>();
      for (const row of owners) perAccount.set(row.account_id, (perAccount.get(row.account_id) ?? 0) + 1);
      expect(Math.max(...perAccount.values())).toBe(2);
      expect(perAccount.get(added[0]!) ?? 0).toBeLessThanOrEqual(2);

      const recovery = createOutboundRecovery(deps, {
        intervalMs: 600_000,
        budgetPerRound: BUDGET,
        scanChatsPerRound: 2,
      });
      const before = await countOf(h, HISTORY);
      const round = await recovery.runRound();
      const reads = (await countOf(h, HISTORY)) - before;
      console.log(
        `RECOVERY BUDGET scan ${JSON.stringify({ engine, accounts: ACCOUNTS, chats: 118 * 3 + 60, budget: BUDGET, reads, round })}`,
      );
      // Without the global budget: 2 checks in each of the 119 accounts with chats, 238 reads. With it: each scanned
      // account holds one unit of the budget, so 50 accounts are scanned and 70 lead the next round.
      expect(round.scannedAccounts).toBe(BUDGET);
      expect(round.deferredAccounts).toBe(ACCOUNTS - BUDGET);
      expect(round.spent).toBeLessThanOrEqual(BUDGET);
      expect(reads).toBeGreaterThanOrEqual(BUDGET);
      // A check reads at most 4 pages; these chats are unknown to amojo, so each check is one refused read.
      expect(reads).toBeLessThanOrEqual(BUDGET * 4);
      await recovery.stop();
    }, 180_000);
  });
});
