import type {
  CrmSnapshot,
  HookLogEntry,
  SandboxChatView,
  SandboxConfig,
  SandboxEvent,
  SandboxMessageView,
} from './types.js';

/** Everything the inbox knows, keyed for cheap live updates. */
export interface InboxState {
  readonly config: SandboxConfig | null;
  readonly chats: Readonly<Record<string, SandboxChatView>>;
  /** Messages of the chats opened so far, oldest first. */
  readonly messages: Readonly<Record<string, readonly SandboxMessageView[]>>;
  /** Newest first, capped at {@link HOOK_LOG_LIMIT}. */
  readonly hooks: readonly HookLogEntry[];
  /** CRM snapshot per account amojo id; `null` when the CRM routes did not answer. */
  readonly crm: Readonly<Record<string, CrmSnapshot | null>>;
  /** Customer typing, chat id -> until (ms epoch), from `typing` events. */
  readonly typing: Readonly<Record<string, number>>;
}

/** How many hook log entries the page keeps. */
export const HOOK_LOG_LIMIT = 200;

/** State changes of the inbox. */
export type InboxAction =
  | { readonly type: 'config'; readonly config: SandboxConfig }
  | { readonly type: 'chats'; readonly chats: readonly SandboxChatView[] }
  | { readonly type: 'messages'; readonly chatId: string; readonly messages: readonly SandboxMessageView[] }
  | { readonly type: 'hooks'; readonly hooks: readonly HookLogEntry[] }
  | { readonly type: 'crm'; readonly accountAmojoId: string; readonly snapshot: CrmSnapshot | null }
  | { readonly type: 'event'; readonly event: SandboxEvent }
  /** Messages from the answer of our own send: shown at once, but never over what the live stream already said. */
  | { readonly type: 'sent'; readonly messages: readonly SandboxMessageView[] };

/** The state before anything loaded. */
export const initialState: InboxState = { config: null, chats: {}, messages: {}, hooks: [], crm: {}, typing: {} };

function byCreatedAt(a: SandboxMessageView, b: SandboxMessageView): number {
  return a.createdAt - b.createdAt;
}

function upsertMessage(list: readonly SandboxMessageView[], message: SandboxMessageView): SandboxMessageView[] {
  const index = list.findIndex((m) => m.id === message.id);
  if (index === -1) return [...list, message].sort(byCreatedAt);
  // A view older than the one shown (a send answer or a fetch that raced a live event) must not roll it back.
  if (list[index]!.rev > message.rev) return list as SandboxMessageView[];
  const next = list.slice();
  next[index] = message;
  return next;
}

function withHook(hooks: readonly HookLogEntry[], hook: HookLogEntry): HookLogEntry[] {
  const rest = hooks.filter((h) => h.id !== hook.id);
  return [hook, ...rest].sort((a, b) => b.at - a.at).slice(0, HOOK_LOG_LIMIT);
}

function applyEvent(state: InboxState, event: SandboxEvent): InboxState {
  switch (event.type) {
    case 'chat':
      return { ...state, chats: { ...state.chats, [event.chat.id]: event.chat } };
    case 'message': {
      const { message } = event;
      // Keep live messages even for chats not opened yet: opening merges them with the fetched list.
      const list = state.messages[message.chatId] ?? [];
      return { ...state, messages: { ...state.messages, [message.chatId]: upsertMessage(list, message) } };
    }
    case 'typing':
      return { ...state, typing: { ...state.typing, [event.chatId]: event.until } };
    case 'hook':
      return { ...state, hooks: withHook(state.hooks, event.hook) };
    case 'crm':
      // The panel refetches when the snapshot disappears; keeping the old one avoids a flash of "loading".
      return state;
  }
}

/** The inbox reducer. */
export function inboxReducer(state: InboxState, action: InboxAction): InboxState {
  switch (action.type) {
    case 'config':
      return { ...state, config: action.config };
    case 'chats':
      return { ...state, chats: Object.fromEntries(action.chats.map((chat) => [chat.id, chat])) };
    case 'messages': {
      // A fetched list is the truth at the time it was read; live messages that came after it are kept.
      const live = new Map((state.messages[action.chatId] ?? []).map((m) => [m.id, m]));
      // Per message, the newest revision wins: a live event can overtake the fetch it raced.
      const fetched = action.messages
        .map((m) => {
          const seen = live.get(m.id);
          return seen && seen.rev > m.rev ? seen : m;
        })
        .sort(byCreatedAt);
      const known = new Set(fetched.map((m) => m.id));
      const latest = fetched.at(-1)?.createdAt ?? 0;
      const newer = [...live.values()].filter((m) => !known.has(m.id) && m.createdAt >= latest);
      return { ...state, messages: { ...state.messages, [action.chatId]: [...fetched, ...newer].sort(byCreatedAt) } };
    }
    case 'hooks':
      return {
        ...state,
        hooks: action.hooks
          .slice()
          .sort((a, b) => b.at - a.at)
          .slice(0, HOOK_LOG_LIMIT),
      };
    case 'crm':
      return { ...state, crm: { ...state.crm, [action.accountAmojoId]: action.snapshot } };
    case 'event':
      return applyEvent(state, action.event);
    case 'sent': {
      // The send answer is a snapshot taken when the hooks were answered; by the time it arrives the event stream may
      // already have brought newer statuses (delivered, read): upsertMessage keeps those (higher revision).
      let messages = state.messages;
      for (const message of action.messages) {
        messages = { ...messages, [message.chatId]: upsertMessage(messages[message.chatId] ?? [], message) };
      }
      return { ...state, messages };
    }
  }
}

/** Chats grouped by source: named sources first (alphabetically), "no source" last; newest activity first inside. */
export function groupChatsBySource(
  chats: readonly SandboxChatView[],
): { readonly sourceExternalId: string | null; readonly chats: readonly SandboxChatView[] }[] {
  const groups = new Map<string | null, SandboxChatView[]>();
  for (const chat of chats) {
    const list = groups.get(chat.sourceExternalId) ?? [];
    list.push(chat);
    groups.set(chat.sourceExternalId, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)))
    .map(([sourceExternalId, list]) => ({
      sourceExternalId,
      chats: list.sort((x, y) => y.lastMessageAt - x.lastMessageAt),
    }));
}
