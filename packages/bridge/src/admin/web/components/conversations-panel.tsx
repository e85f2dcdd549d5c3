import { useState } from 'preact/hooks';
import { type Api, query } from '../api.js';
import { messageText, when } from '../format.js';
import type { Conversation, Job, Message, Page } from '../types.js';
import { useLoad } from '../use-load.js';
import { JobHead, JobRow } from './queue-panel.js';
import { Badge, ErrorNote, Table } from './status.js';

/** Every job of one conversation, from its lanes (inbound by row id, outbound and statuses by amojo chat id). */
async function conversationJobs(api: Api, conversation: Conversation): Promise<Job[]> {
  const lanes = [`in:${conversation.id}`];
  if (conversation.amojoChatId) lanes.push(`out:${conversation.amojoChatId}`, `status:${conversation.amojoChatId}`);
  const pages = await Promise.all(
    lanes.flatMap((lane) =>
      ['queued', 'running', 'dead', 'done', 'discarded'].map((state) =>
        api.get<Page<Job>>(`/jobs${query({ lane, state, limit: 100 })}`),
      ),
    ),
  );
  return pages.flatMap((page) => page.items).sort((a, b) => a.id - b.id);
}

function Timeline({ api, conversation }: { readonly api: Api; readonly conversation: Conversation }) {
  const messages = useLoad(
    () => api.get<Page<Message>>(`/conversations/${conversation.id}/messages${query({ limit: 100 })}`),
    [api, conversation.id],
    5000,
  );
  const jobs = useLoad(() => conversationJobs(api, conversation), [api, conversation.id], 5000);
  const jobsOf = (message: Message) =>
    (jobs.data ?? []).filter((job) => (job.payload as { messageRowId?: unknown } | null)?.messageRowId === message.id);
  return (
    <div class="timeline">
      <h3>
        Conversation {conversation.conversationId}
        {conversation.phone ? ` · ${conversation.phone}` : ''}
      </h3>
      <ErrorNote message={messages.error ?? jobs.error} />
      {messages.data && messages.data.items.length === 0 && <p>No messages yet.</p>}
      <ol class="messages">
        {[...(messages.data?.items ?? [])].reverse().map((message) => (
          <li key={message.id} class={`message ${message.direction}`}>
            <div class="meta">
              <span>{message.direction === 'in' ? 'Customer → amoCRM' : 'Manager → customer'}</span>
              <span>{when(message.createdAt)}</span>
              <Badge tone={message.status === 'failed' ? 'bad' : message.status === 'pending' ? 'warn' : 'ok'}>
                {message.status}
              </Badge>
            </div>
            <p class="text">{messageText(message.payload, message.type)}</p>
            {message.statuses.length > 0 && (
              <ul class="statuses" aria-label="Status history">
                {message.statuses.map((status, i) => (
                  <li key={`${status.status}-${i}`}>
                    {status.status} at {when(status.at)}
                    {status.error ? ` — ${status.error}` : ''}
                    {status.errorCode !== null ? ` (code ${status.errorCode})` : ''}
                  </li>
                ))}
              </ul>
            )}
            {jobsOf(message).length > 0 && (
              <ul class="statuses" aria-label="Jobs">
                {jobsOf(message).map((job) => (
                  <li key={job.id}>
                    job {job.id} {job.kind}: {job.state}, {job.attempts} attempt(s)
                    {/* A finished job keeps the error of an earlier attempt: say it is history, not its state. */}
                    {job.lastError
                      ? ` — ${job.state === 'done' ? 'an earlier attempt failed: ' : ''}${job.lastError}`
                      : ''}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      {jobs.data && jobs.data.length > 0 && (
        <details>
          <summary>All {jobs.data.length} jobs of this conversation</summary>
          <Table caption="Jobs of this conversation">
            <JobHead actions={false} />
            <tbody>
              {jobs.data.map((job) => (
                <JobRow key={job.id} job={job} />
              ))}
            </tbody>
          </Table>
        </details>
      )}
    </div>
  );
}

/** Conversations, newest activity first; choosing one shows its message timeline with statuses and jobs. */
export function ConversationsPanel({ api }: { readonly api: Api }) {
  const [before, setBefore] = useState<number | undefined>();
  const [open, setOpen] = useState<Conversation | undefined>();
  const conversations = useLoad(
    () => api.get<Page<Conversation>>(`/conversations${query({ before, limit: 50 })}`),
    [api, before],
  );
  return (
    <section aria-labelledby="conversations-title">
      <h2 id="conversations-title">Conversations</h2>
      <ErrorNote message={conversations.error} />
      {conversations.data && conversations.data.items.length === 0 && <p>No conversations yet.</p>}
      {conversations.data && conversations.data.items.length > 0 && (
        <Table caption="Conversations">
          <thead>
            <tr>
              <th scope="col">Chat</th>
              <th scope="col">Channel</th>
              <th scope="col">amojo chat</th>
              <th scope="col">Last activity</th>
            </tr>
          </thead>
          <tbody>
            {conversations.data.items.map((conversation) => (
              <tr key={conversation.id} class={open?.id === conversation.id ? 'selected' : ''}>
                <th scope="row">
                  <button
                    type="button"
                    class="link"
                    aria-pressed={open?.id === conversation.id}
                    onClick={() => setOpen(conversation)}
                  >
                    {conversation.customerName || conversation.channelChatKey || conversation.conversationId}
                  </button>
                  {conversation.customerName && conversation.channelChatKey && (
                    <div class="small mono">{conversation.channelChatKey}</div>
                  )}
                  <div class="small mono">{conversation.conversationId}</div>
                  {conversation.phone && <div class="small">{conversation.phone}</div>}
                </th>
                <td>
                  {conversation.channel ? (
                    <>
                      {conversation.channel.name ?? conversation.channel.key}
                      <div class="small">
                        {conversation.channel.kind} <span class="mono">{conversation.channel.key}</span>
                      </div>
                    </>
                  ) : (
                    'none'
                  )}
                </td>
                <td class="mono small">{conversation.amojoChatId ?? 'not created yet'}</td>
                <td>{when(conversation.lastActivityAt)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {conversations.data?.nextBefore && (
        <button type="button" class="secondary" onClick={() => setBefore(conversations.data?.nextBefore ?? undefined)}>
          Older conversations
        </button>
      )}
      {open && <Timeline key={open.id} api={api} conversation={open} />}
    </section>
  );
}
