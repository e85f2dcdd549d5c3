import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { api, type SendInput } from './api.js';
import { ChatList } from './components/chat-list.js';
import { ChatView } from './components/chat-view.js';
import { CrmPanel } from './components/crm-panel.js';
import { HookLog } from './components/hook-log.js';
import { CloseIcon } from './components/icons.js';
import { MarketplaceDialog } from './components/marketplace-dialog.js';
import { WriteFirstDialog, type WriteFirstValues } from './components/write-first-dialog.js';
import { inboxReducer, initialState } from './state.js';
import type { SandboxChatView, SandboxEvent, SandboxMessageView, SandboxUser } from './types.js';
import { useLiveEvents } from './use-live-events.js';

type Tab = 'chats' | 'hooks';

const MANAGERS_KEY = 'amojo-sandbox-inbox.managers';

function chatIdFromHash(): string | null {
  const match = /^#chat=(.+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]!) : null;
}

function loadManagers(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(MANAGERS_KEY) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The manager inbox: chat list, open chat, contact/lead panel, hook log and the "write first" form. */
export function App() {
  const [state, dispatch] = useReducer(inboxReducer, initialState);
  const [selectedId, setSelectedId] = useState<string | null>(chatIdFromHash);
  const [tab, setTab] = useState<Tab>('chats');
  const [detailsOpen, setDetailsOpen] = useState(false);
  const [writeFirstOpen, setWriteFirstOpen] = useState(false);
  const [marketplaceOpen, setMarketplaceOpen] = useState(false);
  const [managers, setManagers] = useState<Record<string, string>>(loadManagers);
  const [notice, setNotice] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const [visible, setVisible] = useState(!document.hidden);
  const readsInFlight = useRef(new Set<string>());

  const report = useCallback((what: string, error: unknown) => {
    console.error(`inbox: ${what}`, error);
    setNotice(`${what}: ${messageOf(error)}`);
  }, []);

  const loadCrm = useCallback((accountAmojoId: string) => {
    api
      .crm(accountAmojoId)
      .then((snapshot) => dispatch({ type: 'crm', accountAmojoId, snapshot }))
      .catch((error: unknown) => {
        // The CRM routes are optional for the page: show the panel as unavailable instead of failing.
        console.warn('inbox: CRM snapshot unavailable', error);
        dispatch({ type: 'crm', accountAmojoId, snapshot: null });
      });
  }, []);

  const loadMessages = useCallback(
    (chatId: string) => {
      api
        .messages(chatId)
        .then((messages) => dispatch({ type: 'messages', chatId, messages }))
        .catch((error: unknown) => report('Could not load messages', error));
    },
    [report],
  );

  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;

  const reload = useCallback(() => {
    api
      .config()
      .then((config) => {
        dispatch({ type: 'config', config });
        for (const account of config.accounts) loadCrm(account.amojoId);
      })
      .catch((error: unknown) => report('Could not load the sandbox configuration', error));
    api
      .chats()
      .then((chats) => dispatch({ type: 'chats', chats }))
      .catch((error: unknown) => report('Could not load chats', error));
    api
      .hooks()
      .then((hooks) => dispatch({ type: 'hooks', hooks }))
      .catch((error: unknown) => report('Could not load the hook log', error));
    if (selectedRef.current) loadMessages(selectedRef.current);
  }, [loadCrm, loadMessages, report]);

  const onEvent = useCallback(
    (event: SandboxEvent) => {
      dispatch({ type: 'event', event });
      if (event.type === 'crm') loadCrm(event.accountAmojoId);
    },
    [loadCrm],
  );
  // Every (re)connection reloads the lists, so nothing missed while disconnected stays missing.
  const live = useLiveEvents('/_sandbox/api/events', onEvent, reload);

  useEffect(() => {
    const onHash = () => setSelectedId(chatIdFromHash());
    const onVisibility = () => setVisible(!document.hidden);
    window.addEventListener('hashchange', onHash);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.removeEventListener('hashchange', onHash);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 8000);
    return () => clearTimeout(timer);
  }, [notice]);

  const chats = useMemo(() => Object.values(state.chats), [state.chats]);
  // Phones of contacts with a chat, newest first, per scope: the write-first dialog offers them.
  const knownPhones = useMemo(() => {
    const byScope: Record<string, string[]> = {};
    for (const chat of [...chats].sort((a, b) => (b.lastMessageAt ?? 0) - (a.lastMessageAt ?? 0))) {
      const phone = chat.client.phone;
      if (!phone) continue;
      const list = byScope[chat.scopeId] ?? [];
      byScope[chat.scopeId] = list;
      if (!list.includes(phone)) list.push(phone);
    }
    return byScope;
  }, [chats]);
  const selected = selectedId ? state.chats[selectedId] : undefined;
  const config = state.config;

  const typingUntil = useCallback(
    (chat: SandboxChatView) => Math.max(chat.typingUntil ?? 0, state.typing[chat.id] ?? 0),
    [state.typing],
  );
  const isTyping = useCallback((chat: SandboxChatView) => typingUntil(chat) > now, [typingUntil, now]);

  // Re-render when the nearest typing indicator expires.
  useEffect(() => {
    const next = chats.map(typingUntil).filter((until) => until > now);
    if (next.length === 0) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.min(...next) - now + 50);
    return () => clearTimeout(timer);
  }, [chats, typingUntil, now]);
  // A typing event moves `until` forward; refresh `now` so the indicator shows at once.
  useEffect(() => setNow(Date.now()), [state.typing, state.chats]);

  useEffect(() => {
    if (selectedId) loadMessages(selectedId);
    setDetailsOpen(false);
  }, [selectedId, loadMessages]);

  // Opening a chat (and seeing new messages in it) marks it read, as amoCRM does.
  useEffect(() => {
    if (!selected || selected.unread === 0 || tab !== 'chats' || !visible) return;
    if (readsInFlight.current.has(selected.id)) return;
    readsInFlight.current.add(selected.id);
    api
      .read(selected.id)
      .catch((error: unknown) => report('Could not mark the chat read', error))
      .finally(() => readsInFlight.current.delete(selected.id));
  }, [selected, tab, visible, report]);

  useEffect(() => {
    if (selected && state.crm[selected.accountId] !== undefined) loadCrm(selected.accountId);
    // Refetch when the chat gains a contact or a lead.
  }, [selected?.id, selected?.contactId, selected?.leadId]);

  const unreadTotal = chats.reduce((sum, chat) => sum + chat.unread, 0);
  useEffect(() => {
    document.title = `${unreadTotal > 0 ? `(${unreadTotal}) ` : ''}Inbox · amoCRM sandbox`;
  }, [unreadTotal]);

  const accountOf = (accountId: string | undefined) =>
    config?.accounts.find((a) => a.amojoId === accountId || String(a.id) === accountId);
  const currentAccount = accountOf(selected?.accountId) ?? config?.accounts[0];
  const usersOf = (accountId: string | undefined): SandboxUser[] =>
    (accountOf(accountId)?.users ?? []).filter((u) => u.amojoId !== null);
  const managerFor = (accountId: string | undefined): SandboxUser | undefined => {
    const users = usersOf(accountId);
    const chosen = accountId ? managers[accountOf(accountId)?.amojoId ?? accountId] : undefined;
    return users.find((u) => u.amojoId === chosen) ?? users[0];
  };
  const currentManager = managerFor(currentAccount?.amojoId);

  const chooseManager = (amojoId: string) => {
    if (!currentAccount) return;
    const next = { ...managers, [currentAccount.amojoId]: amojoId };
    setManagers(next);
    localStorage.setItem(MANAGERS_KEY, JSON.stringify(next));
  };

  const select = (chatId: string | null) => {
    history.replaceState(null, '', chatId ? `#chat=${encodeURIComponent(chatId)}` : location.pathname);
    setSelectedId(chatId);
    setTab('chats');
  };

  const scopeOf = (scopeId: string) => config?.scopes.find((s) => s.scopeId === scopeId);
  const reactionsOf = (scopeId: string) =>
    config?.channels.find((c) => c.id === scopeOf(scopeId)?.channelId)?.reactions ?? [];
  const allSources = Object.values(state.crm).flatMap((snapshot) => snapshot?.sources ?? []);

  const send = async (
    chat: SandboxChatView,
    text: string,
    files: readonly File[],
    replyTo: SandboxMessageView | null,
  ) => {
    const userId = managerFor(chat.accountId)?.amojoId;
    const common = { ...(userId ? { userId } : {}), ...(replyTo ? { replyToId: replyTo.id } : {}) };
    const uploads = await Promise.all(files.map((file) => api.upload(file)));
    let input: SendInput;
    if (uploads.length === 0) {
      input = { ...common, text };
    } else if (uploads.length === 1) {
      const u = uploads[0]!;
      input = { ...common, type: u.type, media: u.url, fileName: u.fileName, fileSize: u.fileSize, text };
    } else {
      const attachments = uploads.map((u) => ({
        media: u.url,
        fileName: u.fileName,
        fileSize: u.fileSize,
        type: u.type,
      }));
      input = { ...common, text, attachments };
    }
    const result = await api.send(chat.id, input);
    if (result?.messages) dispatch({ type: 'sent', messages: result.messages });
  };

  const writeFirst = async (values: WriteFirstValues) => {
    const scope = scopeOf(values.scopeId);
    const userId = managerFor(scope?.accountId)?.amojoId;
    const result = await api.writeFirst({ ...values, ...(userId ? { userId } : {}) });
    onEvent({ type: 'chat', chat: result.chat });
    if (result.message) dispatch({ type: 'sent', messages: [result.message] });
    setWriteFirstOpen(false);
    select(result.chat.id);
  };

  const manager = currentManager?.amojoId ? { id: currentManager.amojoId, name: currentManager.name } : null;
  const selectedManagerUser = selected ? managerFor(selected.accountId) : undefined;
  const selectedManager = selectedManagerUser?.amojoId
    ? { id: selectedManagerUser.amojoId, name: selectedManagerUser.name }
    : null;

  return (
    <div class="app">
      <header class="topbar">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            a
          </span>
          <span>
            amoCRM <em>sandbox</em>
          </span>
        </div>
        <nav class="tabs" aria-label="Views">
          <button
            type="button"
            class={tab === 'chats' ? 'active' : ''}
            aria-pressed={tab === 'chats'}
            onClick={() => setTab('chats')}
          >
            Chats{unreadTotal > 0 ? <span class="tab-badge">{unreadTotal}</span> : null}
          </button>
          <button
            type="button"
            class={tab === 'hooks' ? 'active' : ''}
            aria-pressed={tab === 'hooks'}
            onClick={() => setTab('hooks')}
          >
            Hook log<span class="tab-count">{state.hooks.length}</span>
          </button>
        </nav>
        <div class="topbar-right">
          <button
            type="button"
            class="ghost marketplace"
            onClick={() => setMarketplaceOpen(true)}
            disabled={!currentAccount}
          >
            Marketplace: install
          </button>
          <button type="button" class="primary write-first" onClick={() => setWriteFirstOpen(true)} disabled={!config}>
            Write first
          </button>
          {currentAccount ? (
            <label class="manager-picker">
              <span class="label-text">
                Manager
                {config && config.accounts.length > 1 ? ` (${currentAccount.name || currentAccount.subdomain})` : ''}
              </span>
              <select
                aria-label="Manager"
                value={currentManager?.amojoId ?? ''}
                onChange={(e) => chooseManager((e.currentTarget as HTMLSelectElement).value)}
              >
                {usersOf(currentAccount.amojoId).map((u) => (
                  <option key={u.amojoId} value={u.amojoId ?? ''}>
                    {u.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <span class={`live live-${live}`} role="status" title="Live updates from the sandbox">
            {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
          </span>
        </div>
      </header>
      {notice ? (
        <div class="notice" role="alert">
          <span>{notice}</span>
          <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => setNotice(null)}>
            <CloseIcon />
          </button>
        </div>
      ) : null}
      {tab === 'hooks' ? (
        <HookLog hooks={state.hooks} />
      ) : (
        <main class={`inbox ${selected ? 'has-chat' : ''}`}>
          <ChatList
            chats={chats}
            selectedId={selectedId}
            sources={allSources}
            isTyping={isTyping}
            onSelect={(id) => select(id)}
          />
          {selected ? (
            <>
              <ChatView
                chat={selected}
                messages={state.messages[selected.id]}
                reactions={reactionsOf(selected.scopeId)}
                manager={selectedManager ?? manager}
                nameOf={(id) =>
                  id === selected.client.id
                    ? selected.client.name
                    : (accountOf(selected.accountId)?.users.find((u) => u.amojoId === id)?.name ?? id)
                }
                scopeTitle={scopeOf(selected.scopeId)?.title ?? null}
                typing={isTyping(selected)}
                onBack={() => select(null)}
                onToggleDetails={() => setDetailsOpen(!detailsOpen)}
                onSend={(text, files, replyTo) => send(selected, text, files, replyTo)}
                onTyping={() => {
                  const userId = managerFor(selected.accountId)?.amojoId ?? undefined;
                  api.typing(selected.id, userId).catch((error: unknown) => report('Typing hook failed', error));
                }}
                onReact={(message, emoji, type) => {
                  const userId = managerFor(selected.accountId)?.amojoId ?? undefined;
                  api
                    .react(message.id, emoji, type, userId)
                    .catch((error: unknown) => report('Reaction failed', error));
                }}
              />
              <CrmPanel
                chat={selected}
                snapshot={state.crm[selected.accountId]}
                accountName={(() => {
                  const account = accountOf(selected.accountId);
                  return account ? account.name || account.subdomain : selected.accountId;
                })()}
                scopeTitle={scopeOf(selected.scopeId)?.title ?? null}
                open={detailsOpen}
                onClose={() => setDetailsOpen(false)}
              />
            </>
          ) : (
            <section class="empty-chat">
              <p>Select a chat on the left, or start one with “Write first”.</p>
            </section>
          )}
        </main>
      )}
      {marketplaceOpen && currentAccount ? (
        <MarketplaceDialog
          accountAmojoId={currentAccount.amojoId}
          accountName={currentAccount.name || currentAccount.subdomain}
          onClose={() => setMarketplaceOpen(false)}
        />
      ) : null}
      {writeFirstOpen && config ? (
        <WriteFirstDialog
          config={config}
          crm={state.crm}
          loadCrm={loadCrm}
          onSubmit={writeFirst}
          onClose={() => setWriteFirstOpen(false)}
          knownPhones={knownPhones}
        />
      ) : null}
    </div>
  );
}
