import type { HistoryItem } from '@amojo-bridge/sdk';
import type { AmojoChatId, AmojoMsgId, ScopeId } from '../../store/ids.js';
import type { OutboundRecoveryDeps } from './recovery-deps.js';

/** amojo's largest history page (spec 3.6). */
export const HISTORY_PAGE_SIZE = 50;

/** One page of a chat's history as read at one moment: newest first, with the amojo ids it holds. */
export interface HistoryPage {
  readonly amojoChatId: AmojoChatId;
  readonly items: readonly HistoryItem[];
  readonly ids: ReadonlySet<string>;
  /** Unix ms when it was read. */
  readonly readAt: number;
  /** Whether the oldest item is the chat's first message (the page was shorter than asked). */
  readonly reachesStart: boolean;
}

/** Reads one history page (`offset` messages from the newest). Throws the SDK's error. */
export async function readHistoryPage(
  deps: Pick<OutboundRecoveryDeps, 'amojo' | 'now'>,
  input: { readonly scopeId: ScopeId; readonly amojoChatId: AmojoChatId; readonly offset?: number },
): Promise<HistoryPage> {
  const items = await deps.amojo.getHistory(input.scopeId, input.amojoChatId, {
    offset: input.offset ?? 0,
    limit: HISTORY_PAGE_SIZE,
  });
  return {
    amojoChatId: input.amojoChatId,
    items,
    ids: new Set(items.map((item) => item.message.id)),
    readAt: deps.now().getTime(),
    reachesStart: items.length < HISTORY_PAGE_SIZE,
  };
}

/** Unix ms of a history item. */
export const sentAtOf = (item: HistoryItem): number => item.msec_timestamp ?? item.timestamp * 1000;

/** Joins consecutive pages (newest first) into one window. */
export function joinPages(pages: readonly HistoryPage[]): HistoryPage {
  const items = pages.flatMap((page) => page.items);
  return {
    amojoChatId: pages[0]?.amojoChatId ?? '',
    items,
    ids: new Set(items.map((item) => item.message.id)),
    readAt: pages[0]?.readAt ?? 0,
    reachesStart: pages.at(-1)?.reachesStart ?? true,
  };
}

/**
 * The newest history window (one or more pages) of each chat read recently by this process, so the deliveries of
 * one lane batch share one read: a message that is in the cached window had every earlier message of that window
 * visible when it was read. Bounded (least recently used out): a window is only useful while its chat's batch is
 * being delivered.
 */
export class RecentPages {
  readonly #pages = new Map<AmojoChatId, HistoryPage>();
  readonly #max: number;

  constructor(max = 2000) {
    this.#max = max;
  }

  /** The cached page of a chat, if it holds `amojoMsgId`. */
  holding(amojoChatId: AmojoChatId, amojoMsgId: AmojoMsgId): HistoryPage | undefined {
    const page = this.#pages.get(amojoChatId);
    if (!page?.ids.has(amojoMsgId)) return undefined;
    this.#pages.delete(amojoChatId);
    this.#pages.set(amojoChatId, page);
    return page;
  }

  /** Remembers a chat's newest page. */
  remember(page: HistoryPage): void {
    this.#pages.delete(page.amojoChatId);
    this.#pages.set(page.amojoChatId, page);
    if (this.#pages.size > this.#max) {
      const oldest = this.#pages.keys().next().value;
      if (oldest !== undefined) this.#pages.delete(oldest);
    }
  }

  /** Number of cached chats. */
  get size(): number {
    return this.#pages.size;
  }
}
