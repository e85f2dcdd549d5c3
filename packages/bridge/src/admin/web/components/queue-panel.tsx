import { useState } from 'preact/hooks';
import { type Api, query } from '../api.js';
import { when } from '../format.js';
import type { Health, Job, Page } from '../types.js';
import { useLoad } from '../use-load.js';
import { Badge, ErrorNote, Note, Table } from './status.js';

const STATES = ['dead', 'queued', 'running', 'done', 'discarded'] as const;

/** One job row with retry and discard for a dead one. */
export function JobRow({
  job,
  onAction,
}: {
  readonly job: Job;
  readonly onAction?: (job: Job, action: 'retry' | 'discard') => void;
}) {
  return (
    <tr>
      <th scope="row">{job.id}</th>
      <td>{job.kind}</td>
      <td>
        <Badge
          tone={
            job.state === 'dead' ? 'bad' : job.state === 'done' ? 'ok' : job.state === 'discarded' ? 'muted' : 'warn'
          }
        >
          {job.state}
        </Badge>
        {/* Waiting for its channel to be fixed, no attempt used: not a failure. */}
        {job.heldFor && <Badge tone="muted">held</Badge>}
      </td>
      <td class="mono small">{job.lane}</td>
      <td>
        {job.attempts}/{job.maxAttempts}
      </td>
      <td class="wrap">{job.lastError ?? '—'}</td>
      <td>{when(job.updatedAt)}</td>
      {onAction && (
        <td class="actions">
          {job.state === 'dead' && (
            <>
              <button type="button" onClick={() => onAction(job, 'retry')} aria-label={`Retry job ${job.id}`}>
                Retry
              </button>
              <button
                type="button"
                class="danger"
                onClick={() => onAction(job, 'discard')}
                aria-label={`Discard job ${job.id}`}
              >
                Discard
              </button>
            </>
          )}
        </td>
      )}
    </tr>
  );
}

/** Column headers matching {@link JobRow}. */
export function JobHead({ actions }: { readonly actions: boolean }) {
  return (
    <thead>
      <tr>
        <th scope="col">Job</th>
        <th scope="col">Kind</th>
        <th scope="col">State</th>
        <th scope="col">Lane</th>
        <th scope="col">Attempts</th>
        <th scope="col">Last error</th>
        <th scope="col">Updated</th>
        {actions && (
          <th scope="col">
            <span class="sr-only">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}

/** The queue: counts by kind and state, then jobs filtered by state and kind, dead ones with retry and discard. */
export function QueuePanel({ api }: { readonly api: Api }) {
  const [state, setState] = useState<string>('dead');
  const [kind, setKind] = useState('');
  const [before, setBefore] = useState<number | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [note, setNote] = useState<string | undefined>();
  const health = useLoad(() => api.get<Health>('/health'), [api], 5000);
  const jobs = useLoad(
    () => api.get<Page<Job>>(`/jobs${query({ state, kind, before, limit: 50 })}`),
    [api, state, kind, before],
    5000,
  );
  const kinds = health.data?.queue.map((row) => row.kind) ?? [];

  const act = async (job: Job, action: 'retry' | 'discard') => {
    if (action === 'discard' && !window.confirm(`Discard job ${job.id}? It will never run again.`)) return;
    setError(undefined);
    try {
      await api.send('POST', `/jobs/${job.id}/${action}`);
      setNote(action === 'retry' ? `Job ${job.id} queued again.` : `Job ${job.id} discarded.`);
      jobs.reload();
      health.reload();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  return (
    <section aria-labelledby="queue-title">
      <h2 id="queue-title">Queue</h2>
      <ErrorNote message={health.error ?? jobs.error ?? error} />
      {note && <Note>{note}</Note>}
      {health.data && (
        <Table caption="Jobs by kind and state">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Queued</th>
              <th scope="col">Held</th>
              <th scope="col">Running</th>
              <th scope="col">Dead</th>
            </tr>
          </thead>
          <tbody>
            {health.data.queue.length === 0 && (
              <tr>
                <td colSpan={5}>No live jobs.</td>
              </tr>
            )}
            {health.data.queue.map((row) => (
              <tr key={row.kind}>
                <th scope="row">{row.kind}</th>
                <td>{row.queued}</td>
                <td>{row.held}</td>
                <td>{row.running}</td>
                <td>{row.dead}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <div class="filters">
        <label for="queue-state">State</label>
        <select
          id="queue-state"
          value={state}
          onChange={(event) => {
            setBefore(undefined);
            setState(event.currentTarget.value);
          }}
        >
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label for="queue-kind">Kind</label>
        <select
          id="queue-kind"
          value={kind}
          onChange={(event) => {
            setBefore(undefined);
            setKind(event.currentTarget.value);
          }}
        >
          <option value="">all</option>
          {[...new Set([...kinds, ...(kind ? [kind] : [])])].map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </div>
      {jobs.data && jobs.data.items.length === 0 && <p>No {state} jobs.</p>}
      {jobs.data && jobs.data.items.length > 0 && (
        <Table caption={`${state} jobs`}>
          <JobHead actions />
          <tbody>
            {jobs.data.items.map((job) => (
              <JobRow key={job.id} job={job} onAction={(j, a) => void act(j, a)} />
            ))}
          </tbody>
        </Table>
      )}
      {jobs.data?.nextBefore && (
        <button type="button" class="secondary" onClick={() => setBefore(jobs.data?.nextBefore ?? undefined)}>
          Older jobs
        </button>
      )}
    </section>
  );
}
