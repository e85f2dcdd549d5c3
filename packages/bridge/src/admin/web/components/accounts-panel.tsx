import { useState } from 'preact/hooks';
import type { Api } from '../api.js';
import { when } from '../format.js';
import type { Account } from '../types.js';
import { useLoad } from '../use-load.js';
import { Badge, ErrorNote, Note, Table } from './status.js';

/** Connected and disconnected amoCRM accounts, with connect and disconnect. */
export function AccountsPanel({ api }: { readonly api: Api }) {
  const accounts = useLoad(() => api.get<{ items: Account[] }>('/accounts'), [api]);
  const [accountId, setAccountId] = useState('');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [note, setNote] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const connect = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { account } = await api.send<{ account: Account }>('POST', '/accounts', {
        accountId: accountId.trim(),
        ...(title.trim() ? { title: title.trim() } : {}),
      });
      setNote(`Connected ${account.amojoAccountId} (scope ${account.scopeId}).`);
      setAccountId('');
      accounts.reload();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const disconnect = async (account: Account) => {
    if (!window.confirm(`Disconnect ${account.title ?? account.amojoAccountId}? Its hooks stop.`)) return;
    setError(undefined);
    try {
      await api.send('POST', `/accounts/${account.amojoAccountId}/disconnect`);
      setNote(`Disconnected ${account.amojoAccountId}.`);
      accounts.reload();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  return (
    <section aria-labelledby="accounts-title">
      <h2 id="accounts-title">Accounts</h2>
      <ErrorNote message={accounts.error ?? error} />
      {note && <Note>{note}</Note>}
      {accounts.data && accounts.data.items.length === 0 && <p>No account is connected yet.</p>}
      {accounts.data && accounts.data.items.length > 0 && (
        <Table caption="Accounts">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">State</th>
              <th scope="col">Scope id</th>
              <th scope="col">OAuth</th>
              <th scope="col">Since</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {accounts.data.items.map((account) => (
              <tr key={account.amojoAccountId}>
                <th scope="row">
                  {account.title ?? account.subdomain ?? 'untitled'}
                  <div class="mono small">{account.amojoAccountId}</div>
                </th>
                <td>
                  <Badge tone={account.state === 'connected' ? 'ok' : 'muted'}>{account.state}</Badge>
                </td>
                <td class="mono small">{account.scopeId}</td>
                <td>
                  <OAuthCell account={account} />
                </td>
                <td>{when(account.state === 'connected' ? account.connectedAt : account.disconnectedAt)}</td>
                <td>
                  {account.state === 'connected' && (
                    <button type="button" class="secondary" onClick={() => void disconnect(account)}>
                      Disconnect
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <form class="card" onSubmit={(event) => void connect(event)}>
        <h3>Connect an account</h3>
        <div class="field">
          <label for="connect-account-id">amojo account id</label>
          <input
            id="connect-account-id"
            value={accountId}
            required
            onInput={(event) => setAccountId(event.currentTarget.value)}
            aria-describedby="connect-account-help"
          />
          <p class="help" id="connect-account-help">
            The account's amojo_id (GET /api/v4/account?with=amojo_id), a UUID.
          </p>
        </div>
        <div class="field">
          <label for="connect-title">Title (optional)</label>
          <input id="connect-title" value={title} onInput={(event) => setTitle(event.currentTarget.value)} />
        </div>
        <button type="submit" disabled={busy}>
          Connect
        </button>
      </form>
    </section>
  );
}

/** What the account's OAuth tokens allow: REST calls (sources, contacts) work only in `ok`. */
function OAuthCell({ account }: { readonly account: Account }) {
  switch (account.oauthState) {
    case 'ok':
      return <Badge tone="ok">tokens ok</Badge>;
    case 'needs_reinstall':
      return (
        <>
          <Badge tone="bad">needs reinstall</Badge>
          <div class="small">
            {account.oauthError ?? 'amoCRM refused the refresh token'}. Install the integration again from amoCRM.
          </div>
        </>
      );
    case 'revoked':
      return <Badge tone="muted">revoked (integration disabled)</Badge>;
    default:
      return <span>{account.hasTokens ? 'tokens held' : 'none (connected by hand)'}</span>;
  }
}
