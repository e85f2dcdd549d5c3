import { useState } from 'preact/hooks';
import { type Api, ApiError } from '../api.js';
import { when } from '../format.js';
import type { Account, ChannelHealth, ChannelInstance, ChannelKind, JsonSchema } from '../types.js';
import { useLoad } from '../use-load.js';
import { type FormValues, initialValues, SchemaFields, settingsFrom } from './schema-form.js';
import { Badge, ErrorNote, Note, Table } from './status.js';

/**
 * The kinds this bridge can create, each with the JSON Schema of its settings and its secret settings, from
 * `GET /channel-kinds`. A bridge without that route (before channels were plugins) can only create http instances
 * through the older `POST /channel-instances { kind: 'http', name, url }`; `legacy` says so.
 */
async function loadKinds(api: Api): Promise<{ kinds: ChannelKind[]; legacy: boolean }> {
  try {
    const answer = await api.get<{ items?: unknown[]; kinds?: unknown[] }>('/channel-kinds');
    const list = (answer.items ?? answer.kinds ?? []) as Record<string, unknown>[];
    return {
      legacy: false,
      kinds: list.map((entry) => ({
        kind: String(entry.kind),
        settingsSchema: (entry.settingsSchema ?? entry.settings ?? entry.schema ?? {}) as JsonSchema,
        secretSettings: (entry.secretSettings ?? entry.secretFields ?? entry.secrets ?? []) as string[],
      })),
    };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    const url: JsonSchema = { type: 'string', format: 'uri', description: 'Where the bridge POSTs manager events.' };
    return {
      legacy: true,
      kinds: [
        {
          kind: 'http',
          settingsSchema: { type: 'object', properties: { url }, required: ['url'] },
          secretSettings: [],
        },
      ],
    };
  }
}

interface Created {
  readonly key: string;
  readonly secret?: string;
  readonly eventsUrl?: string;
}

function InstanceForm(props: {
  readonly api: Api;
  readonly kinds: readonly ChannelKind[];
  readonly legacy: boolean;
  readonly accounts: readonly Account[];
  readonly editing?: ChannelInstance | undefined;
  readonly onDone: (created?: Created) => void;
}) {
  const { api, kinds, legacy, accounts, editing } = props;
  const [kind, setKind] = useState(editing?.kind ?? kinds[0]?.kind ?? '');
  const current = kinds.find((k) => k.kind === kind);
  const [name, setName] = useState(editing?.name ?? '');
  const [accountId, setAccountId] = useState(editing?.accountId ?? '');
  const [enabled, setEnabled] = useState(editing?.enabled ?? true);
  const [pipeline, setPipeline] = useState(editing?.pipelineId == null ? '' : String(editing.pipelineId));
  const [values, setValues] = useState<FormValues>(() =>
    current ? initialValues(current.settingsSchema, editing?.settings ?? {}, current.secretSettings) : {},
  );
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const prefix = editing ? `edit-${editing.key}` : 'create';

  const chooseKind = (next: string) => {
    setKind(next);
    const chosen = kinds.find((k) => k.kind === next);
    setValues(chosen ? initialValues(chosen.settingsSchema, {}, chosen.secretSettings) : {});
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!current) return;
    setBusy(true);
    setError(undefined);
    const settings = settingsFrom(current.settingsSchema, values);
    // Digits go as the number; anything else as typed, so the bridge refuses it with its own message.
    const typed = pipeline.trim();
    const pipelineId = typed === '' ? null : /^\d+$/.test(typed) ? Number(typed) : typed;
    const pipelineChanged = pipelineId !== (editing?.pipelineId ?? null);
    try {
      if (editing) {
        await api.send('PATCH', `/channel-instances/${encodeURIComponent(editing.key)}`, {
          name: name.trim(),
          enabled,
          settings,
          ...(pipelineChanged ? { pipelineId } : {}),
        });
        props.onDone();
      } else {
        const own = { kind, name: name.trim(), ...(accountId ? { accountId } : {}) };
        // A bridge of the older API (`legacy`) knows no pipeline.
        const body = legacy
          ? { ...own, url: settings.url }
          : { ...own, settings, ...(pipelineId !== null ? { pipelineId } : {}) };
        const answer = await api.send<{ instance: ChannelInstance; secret?: string; eventsUrl?: string }>(
          'POST',
          '/channel-instances',
          body,
        );
        props.onDone({
          key: answer.instance.key,
          ...(answer.secret ? { secret: answer.secret } : {}),
          ...(answer.eventsUrl ? { eventsUrl: answer.eventsUrl } : {}),
        });
      }
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, String(failure)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={(event) => void submit(event)} aria-labelledby={`${prefix}-title`}>
      <h3 id={`${prefix}-title`}>{editing ? `Edit ${editing.name ?? editing.key}` : 'New channel instance'}</h3>
      {!editing && (
        <div class="field">
          <label for={`${prefix}-kind`}>Kind</label>
          <select id={`${prefix}-kind`} value={kind} onChange={(event) => chooseKind(event.currentTarget.value)}>
            {kinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.kind}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="field">
        <label for={`${prefix}-name`}>
          Name<span aria-hidden="true"> *</span>
          <span class="sr-only"> (required)</span>
        </label>
        <input
          id={`${prefix}-name`}
          value={name}
          required
          maxLength={200}
          aria-invalid={error?.field === 'name' ? 'true' : undefined}
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </div>
      {!editing && (
        <div class="field">
          <label for={`${prefix}-account`}>Account</label>
          <select
            id={`${prefix}-account`}
            value={accountId}
            onChange={(event) => setAccountId(event.currentTarget.value)}
          >
            <option value="">{accounts.length === 1 ? 'the connected account' : 'none'}</option>
            {accounts.map((account) => (
              <option key={account.amojoAccountId} value={account.amojoAccountId}>
                {account.title ?? account.amojoAccountId}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="field">
        <label for={`${prefix}-pipeline`}>amoCRM pipeline id</label>
        <input
          id={`${prefix}-pipeline`}
          value={pipeline}
          inputMode="numeric"
          aria-invalid={error?.field === 'pipelineId' ? 'true' : undefined}
          aria-describedby={`${prefix}-pipeline-help`}
          onInput={(event) => setPipeline(event.currentTarget.value)}
        />
        <p class="help" id={`${prefix}-pipeline-help`}>
          Where new leads of this channel land (its amoCRM source's pipeline). Empty: the account's main pipeline.
        </p>
      </div>
      {editing && (
        <div class="field checkbox">
          <input
            id={`${prefix}-enabled`}
            type="checkbox"
            checked={enabled}
            onChange={(event) => setEnabled(event.currentTarget.checked)}
          />
          <label for={`${prefix}-enabled`}>Enabled</label>
        </div>
      )}
      {current && (
        <fieldset>
          <legend>{current.kind} settings</legend>
          <SchemaFields
            schema={current.settingsSchema}
            values={values}
            secrets={current.secretSettings}
            editing={Boolean(editing)}
            idPrefix={prefix}
            errorField={error?.field}
            onChange={(path, value) => setValues((old) => ({ ...old, [path]: value }))}
          />
        </fieldset>
      )}
      <ErrorNote message={error ? `${error.field ? `${error.field}: ` : ''}${error.message}` : undefined} />
      <div class="row">
        <button type="submit" disabled={busy || !current}>
          {editing ? 'Save' : 'Create'}
        </button>
        {editing && (
          <button type="button" class="secondary" onClick={() => props.onDone()}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/** Channel instances of every kind: list, create, edit and remove, with forms generated from each kind's schema. */
export function ChannelsPanel({ api }: { readonly api: Api }) {
  const kinds = useLoad(() => loadKinds(api), [api]);
  const accounts = useLoad(() => api.get<{ items: Account[] }>('/accounts?state=connected'), [api]);
  const instances = useLoad(() => api.get<{ items: ChannelInstance[] }>('/channel-instances'), [api]);
  const [editing, setEditing] = useState<ChannelInstance | undefined>();
  const [created, setCreated] = useState<Created | undefined>();
  const [note, setNote] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();

  const remove = async (instance: ChannelInstance) => {
    if (!window.confirm(`Remove ${instance.name ?? instance.key}? Its messages stop flowing.`)) return;
    setError(undefined);
    try {
      await api.send('DELETE', `/channel-instances/${encodeURIComponent(instance.key)}`);
      setNote(`Removed ${instance.name ?? instance.key}.`);
      instances.reload();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  return (
    <section aria-labelledby="channels-title">
      <h2 id="channels-title">Channel instances</h2>
      <ErrorNote message={kinds.error ?? instances.error ?? error} />
      {note && <Note>{note}</Note>}
      {created && (
        <div class="card created" role="status">
          <p>
            Created instance <code>{created.key}</code>.
          </p>
          {created.secret && (
            <p>
              Its secret, shown only this once: <code class="secret">{created.secret}</code>
            </p>
          )}
          {created.eventsUrl && (
            <p>
              Events URL: <code>{created.eventsUrl}</code>
            </p>
          )}
        </div>
      )}
      {instances.data && instances.data.items.length === 0 && <p>No channel instances yet.</p>}
      {instances.data && instances.data.items.length > 0 && (
        <Table caption="Channel instances">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Key</th>
              <th scope="col">State</th>
              <th scope="col">Health</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {instances.data.items.map((instance) => (
              <tr key={instance.key}>
                <th scope="row">{instance.name ?? '—'}</th>
                <td>{instance.kind}</td>
                <td class="mono small">{instance.key}</td>
                <td>
                  <Badge tone={instance.enabled ? 'ok' : 'muted'}>{instance.enabled ? 'enabled' : 'disabled'}</Badge>
                </td>
                <td>
                  <HealthCell health={instance.health} />
                </td>
                <td>{when(instance.createdAt)}</td>
                <td class="actions">
                  {!kinds.data?.legacy && kinds.data?.kinds.some((k) => k.kind === instance.kind) && (
                    <button type="button" class="secondary" onClick={() => setEditing(instance)}>
                      Edit<span class="sr-only"> {instance.name ?? instance.key}</span>
                    </button>
                  )}
                  <button type="button" class="danger" onClick={() => void remove(instance)}>
                    Remove<span class="sr-only"> {instance.name ?? instance.key}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {kinds.data?.legacy && (
        <p class="help">This bridge publishes no channel kinds (GET /admin/api/channel-kinds): only http instances.</p>
      )}
      {kinds.data && accounts.data && editing && (
        <InstanceForm
          key={`edit-${editing.key}`}
          api={api}
          kinds={kinds.data.kinds}
          legacy={kinds.data.legacy}
          accounts={accounts.data.items}
          editing={editing}
          onDone={() => {
            setEditing(undefined);
            setNote('Saved.');
            instances.reload();
          }}
        />
      )}
      {kinds.data && accounts.data && !editing && (
        <InstanceForm
          key={`create-${created?.key ?? ''}`}
          api={api}
          kinds={kinds.data.kinds}
          legacy={kinds.data.legacy}
          accounts={accounts.data.items}
          onDone={(result) => {
            setCreated(result);
            instances.reload();
          }}
        />
      )}
    </section>
  );
}

const HEALTH_TONES = { ok: 'ok', degraded: 'warn', broken: 'bad', unknown: 'muted', disabled: 'muted' } as const;
const PROBLEM_TEXT: Readonly<Record<string, string>> = {
  bad_credentials: 'credentials refused',
  number_blocked: 'number blocked',
  unreachable: 'messenger unreachable',
  failing: 'sends failing',
};

/** An instance's health: a badge, and what went wrong (with when) for a degraded or broken one. */
function HealthCell({ health }: { readonly health: ChannelHealth | undefined }) {
  if (!health) return <span>—</span>;
  const problem = health.problem ? (PROBLEM_TEXT[health.problem] ?? health.problem) : undefined;
  return (
    <span class="health">
      <Badge tone={HEALTH_TONES[health.state]}>{health.state}</Badge>
      {problem && health.state !== 'ok' && (
        <span class="small">
          {' '}
          {problem}
          {health.reason ? `: ${health.reason}` : ''}
          {health.since ? ` (since ${when(health.since)})` : ''}
        </span>
      )}
    </span>
  );
}
