import type { AmocrmClient } from '@amojo-bridge/sdk';
import type { Job } from '../../queue/index.js';
import { type Account, listAccounts } from '../../store/accounts/index.js';
import type { RelayDeps } from '../deps.js';
import type { ManagerMessage } from '../manager-message.js';
import { type CheckChatPayload, checkChat } from './check-chat.js';
import { earlierUndelivered } from './deliver-in-order.js';
import { RecentPages } from './history-page.js';
import { type EventFeedOptions, pollEventFeed, type TalkChats } from './poll-event-feed.js';
import { queueChatChecks } from './queue-chat-checks.js';
import {
  type ChatToCheck,
  claimOldestCheckedChats,
  countWaitingChecks,
  listRecentlyActiveChats,
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
  /** Chats checked at start, most recently active first, in each account without tokens. Default 500. */
  readonly catchUpChats?: number;
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
  /** Chat checks queued. */
  readonly checksQueued: number;
}

/** Outbound recovery: the one owner of the rules that make up for hooks amojo never resends (see README.md). */
export interface OutboundRecovery {
  /** (a) The undelivered manager messages older than `message`, oldest first, to deliver before it. */
  earlierUndelivered(input: {
    readonly account: Account;
    readonly message: ManagerMessage;
    readonly lastAttempt: boolean;
  }): Promise<ManagerMessage[]>;
  /** The handler of `reconcile` jobs: one chat's check. */
  checkChat(job: Job<CheckChatPayload>): Promise<void>;
  /** (b) One round now: the feed of each account with tokens, the scan of the others. */
  runRound(): Promise<RecoveryRound>;
  /**
   * (c) Before listening after a start: one feed read per account with tokens (covering the downtime from the stored
   * position) and checks queued for the most recently active chats of the others. It does not wait for the checks
   * to run: the order check of (a) already puts a recovered message before any later hook of its chat, and every
   * second spent not listening is a second in which amojo's hooks are lost.
   */
  catchUp(): Promise<RecoveryRound>;
  /** Runs {@link OutboundRecovery.runRound} every `intervalMs` from now on. */
  start(): void;
  /** Stops the timer; a round in progress finishes. */
  stop(): Promise<void>;
}

/** Builds the module; nothing runs until `start()`, `runRound()` or `catchUp()`. */
export function createOutboundRecovery(deps: RelayDeps, options: OutboundRecoveryOptions = {}): OutboundRecovery {
  const intervalMs = options.intervalMs ?? 60_000;
  const scanChatsPerRound = options.scanChatsPerRound ?? 100;
  const catchUpChats = options.catchUpChats ?? 500;
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

  // One pass over the connected accounts. `scanFor` picks the chats of accounts without a feed.
  const pass = async (input: {
    readonly minGapMs: number;
    /** Most checks waiting at once after the scan (backpressure: checks share the worker with deliveries). */
    readonly budget: number;
    readonly scanFor: (accountIds: readonly number[], now: number, room: number) => Promise<ChatToCheck[]>;
  }): Promise<RecoveryRound> => {
    const now = deps.now().getTime();
    const accounts = await listAccounts(deps.store.db, { state: 'connected' });
    const toCheck = new Map<number, ChatToCheck>();
    const feedPositions: { accountId: number; seconds: number }[] = [];
    const scanAccounts: number[] = [];
    let feedAccounts = 0;
    for (const account of accounts) {
      const turn = await takeAccountTurn(deps.store.db, { accountId: account.id, now, minGapMs: input.minGapMs });
      if (!turn) continue; // another process took this account's round
      const client = await clientOf(account);
      if (!client) {
        scanAccounts.push(account.id);
        continue;
      }
      try {
        const { conversationRowIds: ids, readUntil } = await pollEventFeed(deps, {
          account,
          client,
          eventsReadUntil: turn.eventsReadUntil,
          talks,
          options: feed,
        });
        if (readUntil !== null) feedPositions.push({ accountId: account.id, seconds: readUntil });
        feedAccounts++;
        const chats = await deps.store.db
          .selectFrom('conversations')
          .select(['id', 'amojo_chat_id'])
          .where('id', 'in', ids.length > 0 ? ids : [-1])
          .execute();
        for (const row of chats) {
          if (row.amojo_chat_id) toCheck.set(row.id, { conversationRowId: row.id, amojoChatId: row.amojo_chat_id });
        }
      } catch (error) {
        deps.log.warn(
          { err: error, accountId: account.id, event: 'event_feed_failed' },
          'event feed unreadable this round: scanning the account instead',
        );
        scanAccounts.push(account.id);
      }
    }
    // Feed checks first (they name chats with a lost message); the scan fills what is left of the budget.
    const feedChecks = await queueChatChecks(deps, [...toCheck.values()]);
    for (const position of feedPositions) await saveEventsReadUntil(deps.store.db, position);
    const room = input.budget - (await countWaitingChecks(deps.store.db));
    const scanned = room > 0 ? await input.scanFor(scanAccounts, now, room) : [];
    const checksQueued = feedChecks + (await queueChatChecks(deps, scanned));
    return { feedAccounts, scannedAccounts: scanAccounts.length, checksQueued };
  };

  const runRound = (): Promise<RecoveryRound> => {
    running ??= pass({
      minGapMs: Math.floor(intervalMs / 2),
      budget: scanChatsPerRound * 2,
      scanFor: async (accountIds, now, room) => {
        const chats: ChatToCheck[] = [];
        // The budget is per account, so one large account never starves the others.
        const perAccount = Math.max(1, Math.min(scanChatsPerRound, Math.floor(room / Math.max(1, accountIds.length))));
        for (const accountId of accountIds) {
          chats.push(
            ...(await deps.store.transaction((trx) =>
              claimOldestCheckedChats(trx, { accountIds: [accountId], limit: perAccount, now }),
            )),
          );
        }
        return chats;
      },
    }).finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    earlierUndelivered: (input) => earlierUndelivered(deps, pages, input),
    checkChat: (job) => checkChat(deps, pages, job),
    runRound,
    catchUp() {
      return pass({
        minGapMs: 0,
        budget: catchUpChats,
        scanFor: (accountIds, now, room) =>
          listRecentlyActiveChats(deps.store.db, {
            accountIds,
            since: now - 24 * 60 * 60 * 1000,
            limit: Math.min(room, catchUpChats),
          }),
      });
    },
    start() {
      if (timer) return;
      timer = setInterval(() => {
        runRound().catch((error: unknown) => deps.log.error({ err: error }, 'outbound recovery round failed'));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
