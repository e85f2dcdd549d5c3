import { useRef } from 'preact/hooks';
import type { Api } from '../api.js';
import { duration } from '../format.js';
import type { Health } from '../types.js';
import { useLoad } from '../use-load.js';
import { Badge, ErrorNote, Table } from './status.js';

const sum = (values: Readonly<Record<string, number>>) => Object.values(values).reduce((a, b) => a + b, 0);

/** Rates between two samples of the counters, as Prometheus' rate() would compute them. */
function ratesOf(previous: Health | undefined, current: Health) {
  if (!previous || current.atMs <= previous.atMs) return undefined;
  const minutes = (current.atMs - previous.atMs) / 60_000;
  const hooks = sum(current.totals.hooks) - sum(previous.totals.hooks);
  const calls = sum(current.totals.amojoCalls) - sum(previous.totals.amojoCalls);
  const errors = (current.totals.amojoCalls.error ?? 0) - (previous.totals.amojoCalls.error ?? 0);
  return { hooksPerMinute: hooks / minutes, amojoErrorRate: calls > 0 ? errors / calls : 0, amojoCalls: calls };
}

/** Readiness, queue lag, oldest queued job, hooks per minute and the amojo error rate, refreshed every 5 s. */
export function HealthPanel({ api }: { readonly api: Api }) {
  // The first sample of this page is the baseline; rates are over the window since it.
  const first = useRef<Health | undefined>(undefined);
  const health = useLoad(() => api.get<Health>('/health'), [api], 5000);
  const current = health.data;
  if (current && !first.current) first.current = current;
  const rates = current ? ratesOf(first.current, current) : undefined;
  const totals = current?.queue.reduce(
    (acc, row) => ({
      queued: acc.queued + row.queued,
      due: acc.due + row.due,
      running: acc.running + row.running,
      dead: acc.dead + row.dead,
    }),
    { queued: 0, due: 0, running: 0, dead: 0 },
  );
  return (
    <section aria-labelledby="health-title">
      <h2 id="health-title">Health</h2>
      <ErrorNote message={health.error} />
      {current && totals && (
        <>
          <dl class="tiles">
            <div class="tile">
              <dt>Readiness</dt>
              <dd>{current.ready ? <Badge tone="ok">Ready</Badge> : <Badge tone="bad">Not ready</Badge>}</dd>
            </div>
            <div class="tile">
              <dt>Queue lag (oldest due job)</dt>
              <dd>{current.oldestDueAgeMs > 0 ? duration(current.oldestDueAgeMs) : 'none waiting'}</dd>
            </div>
            <div class="tile">
              <dt>Jobs queued / running / dead</dt>
              <dd>
                {totals.queued} / {totals.running} /{' '}
                {totals.dead > 0 ? <Badge tone="bad">{totals.dead}</Badge> : totals.dead}
              </dd>
            </div>
            <div class="tile">
              <dt>Hooks per minute</dt>
              <dd>{rates ? rates.hooksPerMinute.toFixed(1) : 'measuring…'}</dd>
            </div>
            <div class="tile">
              <dt>amojo error rate</dt>
              <dd>
                {rates
                  ? rates.amojoCalls === 0
                    ? 'no calls'
                    : `${(rates.amojoErrorRate * 100).toFixed(1)} % of ${rates.amojoCalls}`
                  : 'measuring…'}
              </dd>
            </div>
          </dl>
          <p class="help">
            Rates are over the time since this page opened; the same counters are on /metrics. Checks:{' '}
            {current.checks.map((check, i) => (
              <span key={check.name}>
                {i > 0 && ', '}
                {check.name} {check.ok ? 'ok' : `failed${check.error ? ` (${check.error})` : ''}`}
              </span>
            ))}
            .
          </p>
          {current.queue.length > 0 && (
            <Table caption="Queue by job kind">
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Queued</th>
                  <th scope="col">Due</th>
                  <th scope="col">Running</th>
                  <th scope="col">Dead</th>
                  <th scope="col">Oldest due</th>
                </tr>
              </thead>
              <tbody>
                {current.queue.map((row) => (
                  <tr key={row.kind}>
                    <th scope="row">{row.kind}</th>
                    <td>{row.queued}</td>
                    <td>{row.due}</td>
                    <td>{row.running}</td>
                    <td>{row.dead}</td>
                    <td>{row.oldestDueAgeMs > 0 ? duration(row.oldestDueAgeMs) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </>
      )}
    </section>
  );
}
