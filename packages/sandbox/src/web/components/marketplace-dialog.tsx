import { useEffect, useState } from 'preact/hooks';
import { api, type IntegrationView } from '../api.js';

/** Props of {@link MarketplaceDialog}. */
export interface MarketplaceDialogProps {
  readonly accountAmojoId: string;
  readonly accountName: string;
  readonly onClose: () => void;
}

/**
 * "Marketplace": the integrations the sandbox knows, for the current account. "Install" plays the account admin
 * allowing access: the browser leaves for the integration's Redirect URI with a fresh code (its own page answers).
 * "Disable" turns an installed integration off (tokens revoked, disabled hook sent).
 */
export function MarketplaceDialog({ accountAmojoId, accountName, onClose }: MarketplaceDialogProps) {
  const [items, setItems] = useState<readonly IntegrationView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reload = () =>
    api
      .integrations(accountAmojoId)
      .then(setItems)
      .catch((e: unknown) => setError(String(e)));
  useEffect(() => {
    void reload();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [accountAmojoId]);

  const install = async (clientId: string) => {
    setBusy(true);
    setError(null);
    try {
      const { redirectUrl } = await api.authorize(accountAmojoId, clientId);
      window.location.assign(redirectUrl);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  const disable = async (clientId: string) => {
    setBusy(true);
    setError(null);
    try {
      await api.disable(accountAmojoId, clientId);
      await reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="overlay">
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="marketplace-title">
        <h2 id="marketplace-title">Marketplace — {accountName}</h2>
        {items === null && !error ? <p class="muted">Loading integrations…</p> : null}
        {items?.length === 0 ? <p class="muted">No integration is configured in this sandbox.</p> : null}
        <ul class="integrations">
          {(items ?? []).map((item) => (
            <li key={item.clientId} data-client-id={item.clientId}>
              <span class="mono">{item.clientId}</span>{' '}
              <span class={item.installed ? 'installed' : 'muted'}>
                {item.installed ? 'installed' : 'not installed'}
              </span>
              <div class="dialog-buttons">
                <button type="button" class="primary" disabled={busy} onClick={() => install(item.clientId)}>
                  {item.installed ? 'Install again' : 'Install'}
                </button>
                {item.installed ? (
                  <button type="button" class="ghost" disabled={busy} onClick={() => disable(item.clientId)}>
                    Disable
                  </button>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
        {error ? (
          <div class="form-error" role="alert">
            {error}
          </div>
        ) : null}
        <div class="dialog-buttons">
          <button type="button" class="ghost" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
