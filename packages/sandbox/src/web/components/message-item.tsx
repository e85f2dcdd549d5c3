import { useState } from 'preact/hooks';
import { formatDateTime, formatSize, formatTime } from '../format.js';
import type { SandboxMessageView } from '../types.js';
import { FileIcon, ReplyIcon, SmileIcon } from './icons.js';
import { ReactionPicker } from './reaction-picker.js';

/** Props of {@link MessageItem}. */
export interface MessageItemProps {
  readonly message: SandboxMessageView;
  /** Emoji the channel declared; no picker when empty. */
  readonly reactions: readonly string[];
  /** Amojo id and name of the manager acting in the page, to tell their own reactions apart. */
  readonly manager: { readonly id: string; readonly name: string } | null;
  /** Display name of a participant id (reactions carry ids). */
  readonly nameOf: (participantId: string) => string;
  readonly onReply: (message: SandboxMessageView) => void;
  readonly onReact: (message: SandboxMessageView, emoji: string, type: 'react' | 'unreact') => void;
}

const STATUS_LABELS = { sent: 'Sent', delivered: 'Delivered', read: 'Read', error: 'Not delivered' } as const;
const STATUS_TICKS = { sent: '✓', delivered: '✓✓', read: '✓✓', error: '!' } as const;

function MessageBody({ message }: { readonly message: SandboxMessageView }) {
  const { media, type } = message;
  // An integration may send a media URL the browser cannot load; then the picture falls back to a file link.
  const [broken, setBroken] = useState(false);
  let attachment = null;
  if (media && !broken && (type === 'picture' || type === 'sticker')) {
    attachment = (
      <a class={`media media-${type}`} href={media} target="_blank" rel="noreferrer">
        <img
          src={message.thumbnail || media}
          alt={message.fileName || type}
          loading="lazy"
          onError={() => setBroken(true)}
        />
      </a>
    );
  } else if (media && type === 'video') {
    // biome-ignore lint/a11y/useMediaCaption: customers' media arrives without caption tracks
    attachment = <video class="media" src={media} controls preload="metadata" />;
  } else if (media && (type === 'audio' || type === 'voice')) {
    // biome-ignore lint/a11y/useMediaCaption: customers' voice messages arrive without caption tracks
    attachment = <audio class="media-audio" src={media} controls preload="none" />;
  } else if (media) {
    attachment = (
      <a class="file" href={media} target="_blank" rel="noreferrer" download={message.fileName || true}>
        <span class="file-icon">
          <FileIcon />
        </span>
        <span class="file-name">{message.fileName || 'file'}</span>
        <span class="file-size">{broken ? `${type} not loadable` : formatSize(message.fileSize)}</span>
      </a>
    );
  }
  return (
    <>
      {attachment}
      {message.text ? <div class="text">{message.text}</div> : null}
      {!attachment && !message.text ? <div class="text muted">({type} message)</div> : null}
    </>
  );
}

function DeliveryStatusLine({ message }: { readonly message: SandboxMessageView }) {
  const { status } = message;
  if (!status) return null;
  return (
    <span class={`status status-${status}`} data-status={status} title={`Delivery status: ${status}`}>
      <span aria-hidden="true">{STATUS_TICKS[status]} </span>
      {STATUS_LABELS[status]}
    </span>
  );
}

/** One message bubble: content, quote, reactions, delivery status and the reply/react actions. */
export function MessageItem({ message, reactions, manager, nameOf, onReply, onReact }: MessageItemProps) {
  const [picking, setPicking] = useState(false);
  const outgoing = message.direction === 'out';
  const isMine = (by: string, byKind: string) =>
    byKind === 'manager' && manager !== null && (by === manager.id || by === manager.name);
  const grouped = new Map<string, { count: number; mine: boolean; by: string[] }>();
  for (const r of message.reactions) {
    const g = grouped.get(r.emoji) ?? { count: 0, mine: false, by: [] };
    g.count += 1;
    g.mine ||= isMine(r.by, r.byKind);
    g.by.push(nameOf(r.by));
    grouped.set(r.emoji, g);
  }
  const myEmoji = new Set([...grouped].filter(([, g]) => g.mine).map(([emoji]) => emoji));

  return (
    <li
      id={`msg-${message.id}`}
      class={`message ${outgoing ? 'out' : 'in'} ${message.status === 'error' ? 'failed' : ''}`}
      data-message-id={message.id}
    >
      <div class="bubble-row">
        <div class="bubble">
          {outgoing ? (
            <div class="author">
              {message.author.name}
              {message.author.kind === 'bot' ? <span class="tag">bot</span> : null}
            </div>
          ) : null}
          {message.replyTo ? (
            <a
              class="quote"
              href={`#msg-${message.replyTo.id}`}
              onClick={(e) => {
                e.preventDefault();
                document.getElementById(`msg-${message.replyTo?.id}`)?.scrollIntoView({ block: 'center' });
              }}
            >
              {message.replyTo.text || 'Quoted message'}
            </a>
          ) : null}
          <MessageBody message={message} />
          {message.status === 'error' ? (
            <div class="error-box">
              Error {message.error?.code ?? ''}: {message.error?.text || 'the integration reported a failure'}
            </div>
          ) : null}
          <div class="meta">
            {message.silent ? <span class="tag">silent</span> : null}
            {message.edited ? <span class="tag">edited</span> : null}
            <time dateTime={new Date(message.createdAt).toISOString()} title={formatDateTime(message.createdAt)}>
              {formatTime(message.createdAt)}
            </time>
            <DeliveryStatusLine message={message} />
          </div>
        </div>
        <div class="actions">
          <button
            type="button"
            class="icon-button"
            aria-label="Reply to message"
            title="Reply"
            onClick={() => onReply(message)}
          >
            <ReplyIcon />
          </button>
          {reactions.length > 0 ? (
            <button
              type="button"
              class="icon-button"
              aria-label="Add reaction"
              aria-expanded={picking}
              title="React"
              onClick={() => setPicking(!picking)}
            >
              <SmileIcon />
            </button>
          ) : null}
          {picking ? (
            <ReactionPicker
              reactions={reactions}
              selected={myEmoji}
              onPick={(emoji) => {
                setPicking(false);
                onReact(message, emoji, myEmoji.has(emoji) ? 'unreact' : 'react');
              }}
              onClose={() => setPicking(false)}
            />
          ) : null}
        </div>
      </div>
      {grouped.size > 0 ? (
        <ul class="reactions" aria-label="Reactions">
          {[...grouped].map(([emoji, g]) => (
            <li key={emoji}>
              <button
                type="button"
                class={`reaction ${g.mine ? 'mine' : ''}`}
                title={`${g.by.join(', ')}${g.mine ? ' (click to remove yours)' : ''}`}
                aria-label={g.mine ? `Remove reaction ${emoji}` : `Reaction ${emoji} by ${g.by.join(', ')}`}
                disabled={!g.mine}
                onClick={() => onReact(message, emoji, 'unreact')}
              >
                {emoji}
                {g.count > 1 ? <span class="count">{g.count}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}
