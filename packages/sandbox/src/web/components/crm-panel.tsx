import type { CrmSnapshot, SandboxChatView } from '../types.js';
import { CloseIcon } from './icons.js';

/** Props of {@link CrmPanel}. */
export interface CrmPanelProps {
  readonly chat: SandboxChatView;
  /** `undefined` while loading, `null` when the CRM routes did not answer. */
  readonly snapshot: CrmSnapshot | null | undefined;
  readonly accountName: string;
  readonly scopeTitle: string | null;
  readonly open: boolean;
  readonly onClose: () => void;
}

function Field({
  label,
  value,
  mono = false,
}: {
  readonly label: string;
  readonly value: string | number | null | undefined;
  readonly mono?: boolean;
}) {
  if (value === undefined || value === null || value === '') return null;
  return (
    <div class="field">
      <dt>{label}</dt>
      <dd class={mono ? 'mono' : ''}>{value}</dd>
    </div>
  );
}

/** The right column: the amoCRM contact and unsorted lead created for the open chat, and the chat's ids. */
export function CrmPanel({ chat, snapshot, accountName, scopeTitle, open, onClose }: CrmPanelProps) {
  const contact =
    snapshot?.contacts.find((c) => c.id === chat.contactId) ??
    snapshot?.contacts.find((c) => c.chatIds.includes(chat.id));
  const lead = snapshot?.leads.find((l) => l.id === chat.leadId) ?? snapshot?.leads.find((l) => l.chatId === chat.id);
  const sourceId = lead?.sourceExternalId ?? chat.sourceExternalId;
  const source = sourceId ? snapshot?.sources.find((s) => s.external_id === sourceId) : undefined;

  return (
    <aside class={`crm-panel ${open ? 'open' : ''}`} aria-label="Contact and lead">
      <div class="panel-head">
        <h2>Contact and lead</h2>
        <button type="button" class="icon-button close-details" aria-label="Hide contact and lead" onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
      {snapshot === undefined ? <p class="placeholder">Loading CRM data…</p> : null}
      {snapshot === null ? <p class="placeholder">CRM data is not available from this sandbox.</p> : null}
      {snapshot ? (
        <>
          <section class="card" aria-label="Contact">
            <h3>Contact</h3>
            {contact ? (
              <dl>
                <Field label="Name" value={contact.name} />
                <Field label="Phone" value={contact.phone} />
                <Field label="Email" value={contact.email} />
                <Field label="Contact id" value={`#${contact.id}`} />
              </dl>
            ) : (
              <p class="muted">
                No contact yet: amoCRM creates one with the first non-silent incoming message of a new chat.
              </p>
            )}
          </section>
          <section class="card" aria-label="Lead">
            <h3>Lead</h3>
            {lead ? (
              <dl>
                <Field label="Lead" value={`#${lead.id} ${lead.name}`} />
                <Field label="Status" value={lead.status === 'unsorted' ? 'Unsorted' : lead.status} />
                <Field label="Pipeline" value={lead.pipelineId} />
                <Field
                  label="Source"
                  value={source ? `${source.name} (${source.external_id})` : (sourceId ?? 'none')}
                />
              </dl>
            ) : (
              <p class="muted">No lead for this chat.</p>
            )}
          </section>
        </>
      ) : null}
      <section class="card" aria-label="Chat ids">
        <h3>Chat</h3>
        <dl>
          <Field label="Account" value={accountName} />
          <Field label="Channel" value={scopeTitle} />
          <Field label="amojo chat id" value={chat.id} mono />
          <Field label="Conversation id" value={chat.conversationId ?? 'not bound yet (write first)'} mono />
          <Field label="Client amojo" value={chat.client.id} mono />
          <Field label="Client id" value={chat.client.clientId} mono />
          <Field label="Phone" value={chat.client.phone} />
          <Field label="Email" value={chat.client.email} />
        </dl>
      </section>
    </aside>
  );
}
