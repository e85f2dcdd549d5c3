import { useEffect, useRef, useState } from 'preact/hooks';
import type { CrmSnapshot, SandboxConfig } from '../types.js';

/** What the form submits. */
export interface WriteFirstValues {
  readonly scopeId: string;
  readonly phone: string;
  readonly text: string;
  readonly sourceExternalId?: string;
}

/** Props of {@link WriteFirstDialog}. */
export interface WriteFirstDialogProps {
  readonly config: SandboxConfig;
  readonly crm: Readonly<Record<string, CrmSnapshot | null>>;
  /** Asks the page to load the CRM snapshot of an account (for its sources). */
  readonly loadCrm: (accountAmojoId: string) => void;
  readonly onSubmit: (values: WriteFirstValues) => Promise<void>;
  readonly onClose: () => void;
  /** Phones of contacts with a chat, newest first, per scope id: offered (and the newest preselected). */
  readonly knownPhones?: Readonly<Record<string, readonly string[]>>;
}

/** The "write first" form: start a chat by phone number the way a manager does from a lead card (spec 3.4.7). */
export function WriteFirstDialog({ config, crm, loadCrm, onSubmit, onClose, knownPhones }: WriteFirstDialogProps) {
  const scopes = config.scopes.filter(
    (s) => s.connected && config.channels.find((c) => c.id === s.channelId)?.writeFirst,
  );
  const [scopeId, setScopeId] = useState(scopes[0]?.scopeId ?? '');
  // The defaults work as they are: the newest contact's phone, and the account's default source (else its first).
  const [phone, setPhone] = useState(knownPhones?.[scopes[0]?.scopeId ?? '']?.[0] ?? '');
  const [source, setSource] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLSelectElement>(null);
  const overlay = useRef<HTMLDivElement>(null);
  const scope = scopes.find((s) => s.scopeId === scopeId);
  const sources = scope ? (crm[scope.accountId]?.sources ?? []) : [];
  const chosenSource = source ?? (sources.find((s) => s.default) ?? sources[0])?.external_id ?? '';
  const phones = knownPhones?.[scopeId] ?? [];

  useEffect(() => {
    if (scope && crm[scope.accountId] === undefined) loadCrm(scope.accountId);
  }, [scope, crm, loadCrm]);
  useEffect(() => {
    first.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    // A press on the dimmed backdrop (not inside the dialog) closes it.
    const onDown = (e: MouseEvent) => e.target === overlay.current && onClose();
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onDown);
    };
  }, [onClose]);

  const accountName = (accountId: string) => {
    const account = config.accounts.find((a) => a.amojoId === accountId);
    return account ? account.name || account.subdomain : accountId;
  };

  return (
    <div class="overlay" ref={overlay}>
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="write-first-title">
        <h2 id="write-first-title">Write first</h2>
        {scopes.length === 0 ? (
          <>
            <p class="muted">
              No connected channel allows writing first: the integration must connect a channel with write-first enabled
              to this account first.
            </p>
            <div class="dialog-buttons">
              <button type="button" class="ghost" onClick={onClose}>
                Close
              </button>
            </div>
          </>
        ) : (
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              setBusy(true);
              setError(null);
              try {
                await onSubmit({
                  scopeId,
                  phone: phone.trim(),
                  text: text.trim(),
                  ...(chosenSource ? { sourceExternalId: chosenSource } : {}),
                });
              } catch (err) {
                setError(err instanceof Error ? err.message : String(err));
              } finally {
                setBusy(false);
              }
            }}
          >
            <label>
              Channel
              <select
                ref={first}
                value={scopeId}
                onChange={(e) => setScopeId((e.currentTarget as HTMLSelectElement).value)}
              >
                {scopes.map((s) => (
                  <option key={s.scopeId} value={s.scopeId}>
                    {s.title} — {accountName(s.accountId)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Phone
              <input
                type="tel"
                required
                placeholder="+79151112233"
                list="write-first-phones"
                value={phone}
                onInput={(e) => setPhone((e.currentTarget as HTMLInputElement).value)}
              />
              <datalist id="write-first-phones">
                {phones.map((p) => (
                  <option key={p} value={p} />
                ))}
              </datalist>
            </label>
            <label>
              Source
              <select value={chosenSource} onChange={(e) => setSource((e.currentTarget as HTMLSelectElement).value)}>
                <option value="">No source</option>
                {sources.map((s) => (
                  <option key={s.external_id} value={s.external_id}>
                    {s.name} ({s.external_id}){s.default ? ' — default' : ''}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Message
              <textarea
                required
                rows={3}
                value={text}
                onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
              />
            </label>
            {error ? (
              <div class="form-error" role="alert">
                {error}
              </div>
            ) : null}
            <div class="dialog-buttons">
              <button type="button" class="ghost" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" class="primary" disabled={busy || !phone.trim() || !text.trim()}>
                {busy ? 'Starting…' : 'Start chat'}
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
