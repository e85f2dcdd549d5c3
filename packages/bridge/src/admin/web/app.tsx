import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi, savedToken, saveToken } from './api.js';
import { AccountsPanel } from './components/accounts-panel.js';
import { ChannelsPanel } from './components/channels-panel.js';
import { ConversationsPanel } from './components/conversations-panel.js';
import { HealthPanel } from './components/health-panel.js';
import { HooksPanel } from './components/hooks-panel.js';
import { QueuePanel } from './components/queue-panel.js';

const SECTIONS = [
  { id: 'health', label: 'Health' },
  { id: 'accounts', label: 'Accounts' },
  { id: 'channels', label: 'Channels' },
  { id: 'conversations', label: 'Conversations' },
  { id: 'queue', label: 'Queue' },
  { id: 'hooks', label: 'Hooks' },
] as const;
type SectionId = (typeof SECTIONS)[number]['id'];

const sectionOf = (hash: string): SectionId => SECTIONS.find((s) => `#${s.id}` === hash)?.id ?? 'health';

function SignIn({ onToken, refused }: { readonly onToken: (token: string) => void; readonly refused: boolean }) {
  const [token, setToken] = useState('');
  return (
    <main class="sign-in">
      <h1>amojo-bridge admin</h1>
      <form
        class="card"
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim()) onToken(token.trim());
        }}
      >
        <div class="field">
          <label for="admin-token">Admin token</label>
          <input
            id="admin-token"
            type="password"
            autoComplete="current-password"
            required
            value={token}
            aria-describedby="admin-token-help"
            onInput={(event) => setToken(event.currentTarget.value)}
          />
          <p class="help" id="admin-token-help">
            The bridge's ADMIN_TOKEN. It is kept in this tab only (sessionStorage) and sent as a Bearer header.
          </p>
        </div>
        {refused && (
          <p class="error" role="alert">
            The bridge refused that token. Check ADMIN_TOKEN and try again.
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

/** The dashboard: sign-in, then one section at a time chosen by the URL fragment (#queue, #hooks, ...). */
export function App() {
  const [token, setToken] = useState<string | null>(savedToken());
  const [refused, setRefused] = useState(false);
  const [section, setSection] = useState<SectionId>(sectionOf(location.hash));
  useEffect(() => {
    const onHash = () => setSection(sectionOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.title = `${SECTIONS.find((s) => s.id === section)?.label} · amojo-bridge admin`;
  }, [section]);
  const api = useMemo(
    () =>
      token
        ? createApi(token, () => {
            saveToken(null);
            setRefused(true);
            setToken(null);
          })
        : undefined,
    [token],
  );
  if (!api) {
    return (
      <SignIn
        refused={refused}
        onToken={(value) => {
          saveToken(value);
          setRefused(false);
          setToken(value);
        }}
      />
    );
  }
  return (
    <>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <header class="top">
        <h1>amojo-bridge admin</h1>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.id}>
                <a href={`#${s.id}`} aria-current={s.id === section ? 'page' : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            saveToken(null);
            setToken(null);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="content" tabIndex={-1}>
        {section === 'health' && <HealthPanel api={api} />}
        {section === 'accounts' && <AccountsPanel api={api} />}
        {section === 'channels' && <ChannelsPanel api={api} />}
        {section === 'conversations' && <ConversationsPanel api={api} />}
        {section === 'queue' && <QueuePanel api={api} />}
        {section === 'hooks' && <HooksPanel api={api} />}
      </main>
    </>
  );
}
