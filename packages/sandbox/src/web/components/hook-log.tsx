import { useState } from 'preact/hooks';
import { formatDateTime } from '../format.js';
import type { HookLogEntry } from '../types.js';

function prettyJson(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

function outcome(hook: HookLogEntry): { readonly label: string; readonly ok: boolean } {
  if (hook.dropped) return { label: 'dropped (fault)', ok: false };
  if (hook.attempt.error) return { label: hook.attempt.error, ok: false };
  const status = hook.attempt.status;
  if (status === undefined) return { label: 'pending', ok: true };
  return { label: String(status), ok: status >= 200 && status < 300 };
}

/** The hook log tab: every hook the sandbox sent, what the integration answered and how long it took. */
export function HookLog({ hooks }: { readonly hooks: readonly HookLogEntry[] }) {
  const [openId, setOpenId] = useState<string | null>(null);
  if (hooks.length === 0) {
    return (
      <section class="hook-log" aria-label="Hook log">
        <p class="placeholder">No hooks sent yet. Reply, type or react in a chat to send one.</p>
      </section>
    );
  }
  return (
    <section class="hook-log" aria-label="Hook log">
      <table>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col">URL</th>
            <th scope="col">Answer</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {hooks.map((hook) => {
            const result = outcome(hook);
            const expanded = openId === hook.id;
            return [
              <tr
                key={hook.id}
                class={`hook-row ${result.ok ? 'ok' : 'bad'} ${expanded ? 'expanded' : ''}`}
                onClick={() => setOpenId(expanded ? null : hook.id)}
              >
                <td>{formatDateTime(hook.at)}</td>
                <td>
                  <span class={`kind kind-${hook.kind}`}>{hook.kind}</span>
                </td>
                <td class="mono url" title={hook.url}>
                  <button
                    type="button"
                    class="link-button"
                    aria-expanded={expanded}
                    aria-label={`Show ${hook.kind} hook body`}
                  >
                    {hook.url}
                  </button>
                </td>
                <td>
                  <span class={`answer ${result.ok ? 'ok' : 'bad'}`}>{result.label}</span>
                  {hook.delayedMs > 0 ? <span class="tag">delayed {hook.delayedMs} ms</span> : null}
                </td>
                <td>{Math.round(hook.attempt.durationMs)} ms</td>
              </tr>,
              expanded ? (
                <tr key={`${hook.id}-body`} class="hook-detail">
                  <td colSpan={5}>
                    <div class="mono small">X-Signature: {hook.signature}</div>
                    <pre>{prettyJson(hook.body)}</pre>
                    {hook.attempt.responseBody ? (
                      <>
                        <div class="small">Answer body:</div>
                        <pre>{hook.attempt.responseBody}</pre>
                      </>
                    ) : null}
                  </td>
                </tr>
              ) : null,
            ];
          })}
        </tbody>
      </table>
    </section>
  );
}
