import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { SandboxChatView, SandboxMessageView } from '../types.js';
import { Avatar } from './avatar.js';
import { BackIcon } from './icons.js';
import { MessageItem } from './message-item.js';
import { ReplyBox } from './reply-box.js';

/** Props of {@link ChatView}. */
export interface ChatViewProps {
  readonly chat: SandboxChatView;
  /** `undefined` while loading. */
  readonly messages: readonly SandboxMessageView[] | undefined;
  readonly reactions: readonly string[];
  readonly manager: { readonly id: string; readonly name: string } | null;
  /** Display name of a participant id. */
  readonly nameOf: (participantId: string) => string;
  readonly scopeTitle: string | null;
  readonly typing: boolean;
  readonly onBack: () => void;
  readonly onToggleDetails: () => void;
  readonly onSend: (text: string, files: readonly File[], replyTo: SandboxMessageView | null) => Promise<void>;
  readonly onTyping: () => void;
  readonly onReact: (message: SandboxMessageView, emoji: string, type: 'react' | 'unreact') => void;
}

/** The open conversation: header, messages, typing indicator and the reply box. */
export function ChatView(props: ChatViewProps) {
  const { chat, messages, manager, typing } = props;
  const [replyTo, setReplyTo] = useState<SandboxMessageView | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const count = messages?.length ?? 0;

  useEffect(() => setReplyTo(null), [chat.id]);
  // Follow the conversation: a new message or the typing line scrolls to the bottom.
  useLayoutEffect(() => {
    const el = list.current;
    if (el && count >= 0) el.scrollTop = el.scrollHeight;
  }, [chat.id, count, typing]);

  return (
    <section class="chat-view" aria-label={`Chat with ${chat.client.name}`}>
      <header class="chat-header">
        <button type="button" class="icon-button back" aria-label="Back to chats" onClick={props.onBack}>
          <BackIcon />
        </button>
        <Avatar name={chat.client.name} src={chat.client.avatar} />
        <div class="chat-title">
          <h2>{chat.client.name}</h2>
          <div class="chat-subtitle">
            {typing ? (
              <span class="typing-inline">typing…</span>
            ) : (
              [chat.client.phone, props.scopeTitle].filter(Boolean).join(' · ') || 'Customer'
            )}
          </div>
        </div>
        <button
          type="button"
          class="ghost details-toggle"
          aria-label="Show contact and lead"
          onClick={props.onToggleDetails}
        >
          Contact
        </button>
      </header>
      <ol class="messages" ref={list} aria-live="polite" aria-label="Messages">
        {messages === undefined ? <li class="placeholder">Loading messages…</li> : null}
        {messages?.length === 0 ? <li class="placeholder">No messages yet.</li> : null}
        {messages?.map((message) => (
          <MessageItem
            key={message.id}
            message={message}
            reactions={props.reactions}
            manager={manager}
            nameOf={props.nameOf}
            onReply={setReplyTo}
            onReact={props.onReact}
          />
        ))}
        {typing ? (
          <li class="typing-row" aria-label={`${chat.client.name} is typing`}>
            <span class="typing-dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {chat.client.name} is typing…
          </li>
        ) : null}
      </ol>
      <ReplyBox
        chatId={chat.id}
        replyTo={replyTo}
        onCancelReply={() => setReplyTo(null)}
        onTyping={props.onTyping}
        disabled={manager === null}
        onSend={async (text, files) => {
          await props.onSend(text, files, replyTo);
          setReplyTo(null);
        }}
      />
    </section>
  );
}
