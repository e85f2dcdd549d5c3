import { useState } from 'preact/hooks';
import { type Api, query } from '../api.js';
import { messageText, when } from '../format.js';
import type { Conversation, ConversationJob, Message, Page } from '../types.js';
import { useLoad } from '../use-load.js';
import { JobHead, JobRow } from './queue-panel.js';
import { Badge, ErrorNote, Table } from './status.js';

/** The admin API path of one conversation: our `conversation_id`, within its account. */
const conversationPath = (conversation: Conversation, what: 'messages' | 'jobs', params: Record<string, number>) =>
  `/conversations/${encodeURIComponent(conversation.conversationId)}/${what}${query({ ...params, accountId: conversation.accountId })}`;

/** Names a conversation among the listed ones (its id is unique per account). */
const conversationKey = (conversation: Conversation) => `${conversation.accountId}/${conversation.conversationId}`;

/** Every job of one conversation's lanes (inbound, outbound, statuses), oldest first. */
async function conversationJobs(api: Api, conversation: Conversation): Promise<ConversationJob[]> {
  const page = await api.get<Page<ConversationJob>>(conversationPath(conversation, 'jobs', { limit: 500 }));
  return [...page.items].sort((a, b) => a.id - b.id);
}

function Timeline({ api, conversation }: { readonly api: Api; readonly conversation: Conversation }) {
  const messages = useLoad(
    () => api.get<Page<Message>>(conversationPath(conversation, 'messages', { limit: 100 })),
    [api, conversationKey(conversation)],
    5000,
  );
  const jobs = useLoad(() => conversationJobs(api, conversation), [api, conversationKey(conversation)], 5000);
  const jobsOf = (message: Message) => (jobs.data ?? []).filter((job) => job.msgid === message.msgid);
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
          <li key={message.msgid} class={`message ${message.direction}`}>
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
              <tr
                key={conversationKey(conversation)}
                class={open && conversationKey(open) === conversationKey(conversation) ? 'selected' : ''}
              >
                <th scope="row">
                  <button
                    type="button"
                    class="link"
                    aria-pressed={open !== undefined && conversationKey(open) === conversationKey(conversation)}
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
      {open && <Timeline key={conversationKey(open)} api={api} conversation={open} />}
    </section>
  );
}
