import { formatTime } from '../format.js';
import { groupChatsBySource } from '../state.js';
import type { CrmSource, SandboxChatView } from '../types.js';
import { Avatar } from './avatar.js';

/** Props of {@link ChatList}. */
export interface ChatListProps {
  readonly chats: readonly SandboxChatView[];
  readonly selectedId: string | null;
  readonly sources: readonly CrmSource[];
  readonly isTyping: (chat: SandboxChatView) => boolean;
  readonly onSelect: (chatId: string) => void;
}

/** The left column: chats grouped by source, with unread counts, the last message and live typing. */
export function ChatList({ chats, selectedId, sources, isTyping, onSelect }: ChatListProps) {
  const sourceName = (externalId: string | null) => {
    if (externalId === null) return 'No source';
    const source = sources.find((s) => s.external_id === externalId);
    return source ? source.name : externalId;
  };
  if (chats.length === 0) {
    return (
      <nav class="chat-list" aria-label="Chats">
        <p class="placeholder">
          No chats yet. They appear here as soon as the integration sends a customer's message, or when you write first.
        </p>
      </nav>
    );
  }
  return (
    <nav class="chat-list" aria-label="Chats">
      {groupChatsBySource(chats).map((group) => {
        const unread = group.chats.reduce((sum, c) => sum + c.unread, 0);
        return (
          <section key={group.sourceExternalId ?? ''} class="source-group">
            <h3 class="source-title" title={group.sourceExternalId ?? 'Chats without a source'}>
              <span>{sourceName(group.sourceExternalId)}</span>
              {unread > 0 ? <span class="group-unread">{unread}</span> : null}
            </h3>
            <ul>
              {group.chats.map((chat) => {
                const typing = isTyping(chat);
                return (
                  <li key={chat.id}>
                    <button
                      type="button"
                      class={`chat-item ${chat.id === selectedId ? 'selected' : ''} ${chat.unread > 0 ? 'has-unread' : ''}`}
                      aria-current={chat.id === selectedId ? 'true' : undefined}
                      aria-label={`Open chat with ${chat.client.name}${chat.unread > 0 ? `, ${chat.unread} unread` : ''}`}
                      onClick={() => onSelect(chat.id)}
                    >
                      <Avatar name={chat.client.name} src={chat.client.avatar} />
                      <span class="chat-item-body">
                        <span class="chat-item-top">
                          <span class="chat-item-name">{chat.client.name}</span>
                          <time class="chat-item-time">{chat.lastMessageAt ? formatTime(chat.lastMessageAt) : ''}</time>
                        </span>
                        <span class="chat-item-bottom">
                          {typing ? (
                            <span class="chat-item-last typing-inline">typing…</span>
                          ) : (
                            <span class="chat-item-last">{chat.lastMessageText || '\u00a0'}</span>
                          )}
                          {chat.unread > 0 ? (
                            <span class="unread" title={`${chat.unread} unread`}>
                              {chat.unread}
                            </span>
                          ) : null}
                        </span>
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
