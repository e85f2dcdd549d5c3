import type {
  CommentPost,
  ContactCard,
  HookMarkup,
  HookTemplate,
  Location,
  MessageType,
  SharedPost,
} from '@amojo-bridge/sdk';

/** A channel connected to an account (spec 1.3). */
export interface ScopeRecord {
  readonly scopeId: string;
  readonly channelId: string;
  readonly accountId: string;
  title: string;
  hookApiVersion: 'v1' | 'v2';
  isTimeWindowDisabled: boolean;
  connected: boolean;
}

/** A chat participant: a client of the integration, a manager of the account or the channel bot. */
export interface ParticipantRecord {
  /** amojo participant id. */
  readonly id: string;
  readonly kind: 'client' | 'manager' | 'bot';
  /** The scope a client belongs to; null for managers and bots. */
  readonly scopeId: string | null;
  /** The integration's participant id; null for managers, the bot, and unbound "write first" clients. */
  clientId: string | null;
  name: string;
  avatar?: string;
  phone?: string;
  email?: string;
  profileLink?: string;
}

/** A chat in one scope (spec 1.3). */
export interface ChatRecord {
  readonly id: string;
  readonly scopeId: string;
  readonly accountId: string;
  readonly channelId: string;
  /** The integration's chat id; null for a "write first" chat until the integration binds it. */
  conversationId: string | null;
  sourceExternalId: string | null;
  /** amojo id of the client participant. */
  clientParticipantId: string;
  contactId: number | null;
  leadId: number | null;
  unread: number;
  lastMessageAt: number;
  lastMessageText: string;
  typingUntil: number | null;
  messageCount: number;
  readonly createdAt: number;
}

/** A message quoted inside another one, resolved to what the hooks and history show. */
export interface EmbeddedRecord {
  readonly id?: string;
  readonly msgid?: string;
  readonly type?: string;
  readonly text?: string;
  readonly media?: string;
  readonly fileName?: string;
  readonly fileSize?: number;
  readonly timestamp?: number;
  readonly msecTimestamp?: number;
  readonly senderId?: string;
  readonly senderName?: string;
}

/** A reaction on a message. */
export interface ReactionRecord {
  readonly emoji: string;
  /** amojo participant id of who reacted. */
  readonly by: string;
  readonly byKind: 'client' | 'manager';
}

/** A message (spec 1.3). */
export interface MessageRecord {
  /** amojo message id. */
  readonly id: string;
  /** The integration's msgid; null for messages written in the sandbox (manager or write-first). */
  clientMsgId: string | null;
  readonly chatId: string;
  readonly scopeId: string;
  readonly direction: 'in' | 'out';
  /** Raised on every emitted change, so a reader can tell which of two views of this message is newer. */
  rev?: number;
  readonly senderId: string;
  readonly receiverId: string | null;
  /** Who put the message into amojo: the integration through the Chats API, or a manager in the sandbox. */
  readonly origin: 'integration' | 'sandbox';
  type: MessageType;
  text: string;
  media: string;
  fileName: string;
  fileSize: number;
  thumbnail: string;
  mediaDuration?: number;
  stickerId?: string;
  location?: Location;
  contact?: ContactCard;
  callbackData?: string;
  sharedPost?: SharedPost;
  post?: CommentPost;
  mediaGroupId?: string;
  markup?: HookMarkup;
  template?: HookTemplate;
  replyTo: EmbeddedRecord | null;
  forwards: { readonly messages: readonly EmbeddedRecord[]; readonly conversationRefId?: string } | null;
  /** Unix milliseconds. */
  readonly createdAt: number;
  readonly silent: boolean;
  edited: boolean;
  status: 'sent' | 'delivered' | 'read' | 'error' | null;
  error?: { readonly code: number; readonly text: string };
  reactions: ReactionRecord[];
}
