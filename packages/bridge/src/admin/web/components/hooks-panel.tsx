import { useState } from 'preact/hooks';
import { type Api, query } from '../api.js';
import { when } from '../format.js';
import type { Hook, Page } from '../types.js';
import { useLoad } from '../use-load.js';
import { Badge, ErrorNote, Table } from './status.js';

/** The hook intake log, newest first; rejected hooks with their reason and raw body. */
export function HooksPanel({ api }: { readonly api: Api }) {
  const [outcome, setOutcome] = useState('rejected');
  const [before, setBefore] = useState<number | undefined>();
  const hooks = useLoad(
    () => api.get<Page<Hook>>(`/hooks${query({ outcome, before, limit: 50 })}`),
    [api, outcome, before],
  );
  return (
    <section aria-labelledby="hooks-title">
      <h2 id="hooks-title">Hook log</h2>
      <div class="filters">
        <label for="hooks-outcome">Outcome</label>
        <select
          id="hooks-outcome"
          value={outcome}
          onChange={(event) => {
            setBefore(undefined);
            setOutcome(event.currentTarget.value);
          }}
        >
          <option value="">all</option>
          <option value="accepted">accepted</option>
          <option value="duplicate">duplicate</option>
          <option value="rejected">rejected</option>
        </select>
        <button type="button" class="secondary" onClick={hooks.reload}>
          Refresh
        </button>
      </div>
      <ErrorNote message={hooks.error} />
      {hooks.data && hooks.data.items.length === 0 && <p>No hooks{outcome ? ` with outcome ${outcome}` : ''}.</p>}
      {hooks.data && hooks.data.items.length > 0 && (
        <Table caption="Hooks">
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Outcome</th>
              <th scope="col">Reason</th>
              <th scope="col">Scope</th>
              <th scope="col">Kind</th>
              <th scope="col">Body</th>
            </tr>
          </thead>
          <tbody>
            {hooks.data.items.map((hook) => (
              <tr key={hook.id}>
                <td>{when(hook.receivedAt)}</td>
                <td>
                  <Badge tone={hook.outcome === 'rejected' ? 'bad' : hook.outcome === 'duplicate' ? 'muted' : 'ok'}>
                    {hook.outcome}
                  </Badge>
                  {!hook.signatureOk && <div class="small">signature failed</div>}
                </td>
                <td>{hook.reason ?? '—'}</td>
                <td class="mono small">{hook.scopeId ?? '—'}</td>
                <td>{hook.kind ?? '—'}</td>
                <td>
                  {hook.rawBody ? (
                    <details>
                      <summary>raw body</summary>
                      <pre>{hook.rawBody}</pre>
                    </details>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {hooks.data?.nextBefore && (
        <button type="button" class="secondary" onClick={() => setBefore(hooks.data?.nextBefore ?? undefined)}>
          Older hooks
        </button>
      )}
    </section>
  );
}
