import type { AmocrmClient } from '@amojo-bridge/sdk';
import type { Job } from '../../queue/index.js';
import { type Account, listAccounts } from '../../store/accounts/index.js';
import { type AccountRowId, asAmojoChatId, asConversationRowId } from '../../store/ids.js';
import { type CheckChatPayload, checkChat, checkConversation } from './check-chat.js';
import { earlierUndelivered, type OrderCheck } from './deliver-in-order.js';
import { RecentPages } from './history-page.js';
import { type EventFeedOptions, pollEventFeed, type TalkChats } from './poll-event-feed.js';
import { queueChatChecks } from './queue-chat-checks.js';
import type { OutboundRecoveryDeps } from './recovery-deps.js';
import {
  type ChatToCheck,
  listOldestCheckedChats,
  listRecentlyActiveChats,
  orderByTurn,
  saveEventsReadUntil,
  takeAccountTurn,
} from './recovery-state.js';

/** An authorised amoCRM REST client for an account, or null when the bridge holds no usable tokens for it. */
export type RestClientForAccount = (account: Account) => Promise<AmocrmClient | null>;

/** Options of {@link createOutboundRecovery}. */
export interface OutboundRecoveryOptions {
  /** Time between two recovery rounds, ms. Default 60 000. */
  readonly intervalMs?: number;
  /** Chats checked per round in each account without tokens, oldest-checked first. Default 100. */
  readonly scanChatsPerRound?: number;
  /**
   * The global budget of one round of this process, over all accounts together: feed requests (pages and talks)
   * plus scan checks. Accounts it does not reach this round are first in the next (longest-waiting turn first), and
   * the scan gets what the feeds left. Default 500. The catch-up at start has the same budget.
   */
  readonly budgetPerRound?: number;
  /** Chats checked at start, most recently active first, in each account without tokens. Default 500. */
  readonly catchUpChats?: number;
  /** Scan checks run at once (outside the job queue's worker slots). Default 2. */
  readonly scanConcurrency?: number;
  /** The REST client of an account; accounts it returns null for are scanned. Default: none (scan everything). */
  readonly restClientFor?: RestClientForAccount;
  /** The event feed's timing; defaults: grace 10 s, overlap 30 s, first lookback 1 h. */
  readonly feed?: Partial<EventFeedOptions>;
}

/** What one recovery round did. */
export interface RecoveryRound {
  /** Accounts whose event feed was read. */
  readonly feedAccounts: number;
  /** Accounts scanned (no tokens, or the feed failed this round). */
  readonly scannedAccounts: number;
  /** Durable checks queued for chats the event feed named. */
  readonly checksQueued: number;
  /** Chats of scanned accounts whose history was read this round. */
  readonly chatsScanned: number;
  /** Feed requests and scan checks this round spent of its budget. */
  readonly spent: number;
  /** Accounts left for a later round because the budget was spent. */
  readonly deferredAccounts: number;
}

/** Outbound recovery: the one owner of the rules that make up for hooks amojo never resends (see README.md). */
export interface OutboundRecovery {
  /** (a) The undelivered manager messages older than `message`, oldest first, to deliver before it. */
  readonly earlierUndelivered: OrderCheck;
  /** The handler of `reconcile` jobs: one chat's check. */
  checkChat(job: Job<CheckChatPayload>): Promise<void>;
  /** (b) One round now: the feed of each account with tokens, the scan of the others (resolves when scanned). */
  runRound(): Promise<RecoveryRound>;
  /**
   * (c) Before listening after a start: one feed read per account with tokens (covering the downtime from the stored
   * position), its checks queued, and checks of the most recently active chats of the others started in the
   * background. It does not wait for the checks to run: the order check of (a) already puts a recovered message
   * before any later hook of its chat, and every second spent not listening is a second in which hooks are lost.
   */
  catchUp(): Promise<RecoveryRound>;
  /** Runs {@link OutboundRecovery.runRound} every `intervalMs` from now on. */
  start(): void;
  /** Stops the timer; a round in progress finishes. */
  stop(): Promise<void>;
}

/** Builds the module; nothing runs until `start()`, `runRound()` or `catchUp()`. */
export function createOutboundRecovery(
  deps: OutboundRecoveryDeps,
  options: OutboundRecoveryOptions = {},
): OutboundRecovery {
  const intervalMs = options.intervalMs ?? 60_000;
  const scanChatsPerRound = options.scanChatsPerRound ?? 100;
  const budgetPerRound = options.budgetPerRound ?? 500;
  const catchUpChats = options.catchUpChats ?? 500;
  const scanConcurrency = options.scanConcurrency ?? 2;
  const restClientFor: RestClientForAccount = options.restClientFor ?? (async () => null);
  const feed: EventFeedOptions = {
    graceSeconds: options.feed?.graceSeconds ?? 10,
    overlapSeconds: options.feed?.overlapSeconds ?? 30,
    firstLookbackSeconds: options.feed?.firstLookbackSeconds ?? 3600,
  };
  const pages = new RecentPages();
  const talks: TalkChats = new Map();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<RecoveryRound> | undefined;

  const clientOf = async (account: Account): Promise<AmocrmClient | null> => {
    try {
      return await restClientFor(account);
    } catch (error) {
      deps.log.warn({ err: error, accountId: account.id }, 'no REST client for the account: scanning its chats');
      return null;
    }
  };

  let stopped = false;
  // Scan checks run here, a few at a time, not as queue jobs: the queue has no priorities, and checks queued by the
  // hundred kept every worker slot away from deliveries in the soak. They need no durability: a chat is marked
  // checked only once its history was read, so one cut short by a crash is first again in the next round.
  const runScanChecks = async (chats: readonly ChatToCheck[]): Promise<number> => {
    let next = 0;
    let checked = 0;
    await Promise.all(
      Array.from({ length: Math.min(scanConcurrency, chats.length) }, async () => {
        for (let i = next++; i < chats.length && !stopped; i = next++) {
          const outcome = await checkConversation(deps, pages, chats[i]!.conversationRowId).catch((error: unknown) => {
            deps.log.warn({ err: error, conversationRowId: chats[i]!.conversationRowId }, 'recovery check failed');
            return undefined;
          });
          if (outcome?.kind === 'checked') checked++;
          else if (outcome?.kind === 'unreadable') {
            deps.log.warn(
              { err: outcome.error, amojoChatId: outcome.amojoChatId, event: 'check_deferred' },
              'recovery check could not read the chat history; the next round tries it first',
            );
          }
        }
      }),
    );
    return checked;
  };

  // The feed part of a pass: each account whose turn this process takes and that has a REST client gets its feed
  // read, and the chats it names get durable checks (jobs), queued before the feed position moves on. Resolves the
  // accounts left to scan.
  // The budget: every feed request and every scan check of the round is charged to one global budget, so 1,000
  // accounts cost the budget per round, not 1,000 times a per-account cost; accounts are served longest-waiting
  // first, and the ones a round could not reach keep their old turn, so they lead the next round.
  const readFeeds = async (
    minGapMs: number,
  ): Promise<{ feedAccounts: number; checks: number; scan: AccountRowId[]; spent: number; deferred: number }> => {
    const now = deps.now().getTime();
    const connected = await listAccounts(deps.store.db, { state: 'connected' });
    const byId = new Map(connected.map((account) => [account.id, account]));
    const order = await orderByTurn(deps.store.db, { accountIds: [...byId.keys()], now, minGapMs });
    const scan: AccountRowId[] = [];
    let feedAccounts = 0;
    let checks = 0;
    let spent = 0;
    let deferred = 0;
    for (const { accountId, due } of order) {
      if (!due) continue; // another process (or this one) took its round less than minGapMs ago
      // A scanned account needs at least one check of the budget; a feed read at least one request.
      if (spent + scan.length >= budgetPerRound) {
        deferred++;
        continue;
      }
      const account = byId.get(accountId)!;
      const turn = await takeAccountTurn(deps.store.db, { accountId: account.id, now, minGapMs });
      if (!turn) continue; // another process took this account's round
      const client = await clientOf(account);
      if (!client) {
        scan.push(account.id);
        continue;
      }
      try {
        const { conversationRowIds, readUntil, requests } = await pollEventFeed(deps, {
          account,
          client,
          eventsReadUntil: turn.eventsReadUntil,
          talks,
          options: feed,
        });
        feedAccounts++;
        spent += requests;
        const rows = await deps.store.db
          .selectFrom('conversations')
          .select(['id', 'amojo_chat_id'])
          .where('id', 'in', conversationRowIds.length > 0 ? [...conversationRowIds] : [-1])
          .execute();
        checks += await queueChatChecks(
          deps,
          rows.flatMap((row) =>
            row.amojo_chat_id
              ? [{ conversationRowId: asConversationRowId(row.id), amojoChatId: asAmojoChatId(row.amojo_chat_id) }]
              : [],
          ),
        );
        if (readUntil !== null) await saveEventsReadUntil(deps.store.db, { accountId: account.id, seconds: readUntil });
      } catch (error) {
        deps.log.warn(
          { err: error, accountId: account.id, event: 'event_feed_failed' },
          'event feed unreadable this round: scanning the account instead',
        );
        scan.push(account.id);
      }
    }
    if (deferred > 0) {
      deps.log.info(
        { event: 'recovery_budget_spent', budget: budgetPerRound, spent, deferredAccounts: deferred },
        'recovery budget of the round spent: the remaining accounts lead the next round',
      );
    }
    return { feedAccounts, checks, scan, spent, deferred };
  };

  const runRound = (): Promise<RecoveryRound> => {
    running ??= (async () => {
      const { feedAccounts, checks, scan, spent, deferred } = await readFeeds(Math.floor(intervalMs / 2));
      // What the feeds left of the budget, oldest-checked first over all scanned accounts, at most
      // `scanChatsPerRound` of each, so one large account never starves the others.
      const chats: ChatToCheck[] = await listOldestCheckedChats(deps.store.db, {
        accountIds: scan,
        limit: Math.max(0, budgetPerRound - spent),
        perAccount: scanChatsPerRound,
      });
      const scanned = await runScanChecks(chats);
      return {
        feedAccounts,
        scannedAccounts: scan.length,
        checksQueued: checks,
        chatsScanned: scanned,
        spent: spent + chats.length,
        deferredAccounts: deferred,
      };
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    earlierUndelivered: (input) => earlierUndelivered(deps, pages, input),
    checkChat: (job) => checkChat(deps, pages, job),
    runRound,
    async catchUp() {
      const { feedAccounts, checks, scan, spent, deferred } = await readFeeds(0);
      // The recently active chats of scanned accounts are checked in the background: listening must not wait for
      // them (see the interface), and they take no worker slots.
      const now = deps.now().getTime();
      const recent = await listRecentlyActiveChats(deps.store.db, {
        accountIds: scan,
        since: now - 24 * 60 * 60 * 1000,
        limit: Math.min(catchUpChats, Math.max(0, budgetPerRound - spent)),
      });
      running ??= runScanChecks(recent)
        .then((scanned) => ({
          feedAccounts,
          scannedAccounts: scan.length,
          checksQueued: checks,
          chatsScanned: scanned,
          spent: spent + recent.length,
          deferredAccounts: deferred,
        }))
        .finally(() => {
          running = undefined;
        });
      return {
        feedAccounts,
        scannedAccounts: scan.length,
        checksQueued: checks,
        chatsScanned: 0,
        spent: spent + recent.length,
        deferredAccounts: deferred,
      };
    },
    start() {
      if (timer) return;
      timer = setInterval(() => {
        runRound().catch((error: unknown) => deps.log.error({ err: error }, 'outbound recovery round failed'));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
