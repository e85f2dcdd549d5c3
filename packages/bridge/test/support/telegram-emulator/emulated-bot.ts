import type { Chat, Message, ReactionType, Update, User } from '@grammyjs/types';
import { type CustomerProfile, EmulatedCustomer } from './emulated-customer.js';
import { FileStore } from './file-store.js';
import { UpdateQueue } from './update-queue.js';

/** A failure the next matching calls answer with instead of doing their work. */
export type InjectedFailure =
  | { readonly kind: 'status'; readonly status: 400 | 403 | 500 | 502 | 503; readonly description?: string }
  | { readonly kind: 'too-many-requests'; readonly retryAfter: number }
  /** Never answers (until the emulator closes), so the client's own timeout fires. */
  | { readonly kind: 'timeout' };

/** One API call the bot made, recorded in order (parameters without the token). */
export interface RecordedCall {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The HTTP status the emulator answered. */
  status: number;
}

/** The bot's webhook as setWebhook left it. */
export interface WebhookSettings {
  readonly url: string;
  readonly secretToken: string | undefined;
  readonly maxConnections: number;
}

/** One bot of the emulator: its identity, chats, files, updates and the calls it made. */
export class EmulatedBot {
  readonly id: number;
  readonly token: string;
  readonly username: string;
  readonly firstName: string;
  readonly files = new FileStore();
  readonly updates = new UpdateQueue();
  readonly calls: RecordedCall[] = [];
  /** Chats by id; a private chat's id is the user's id. */
  readonly chats = new Map<number, { chat: Chat.PrivateChat; messages: Map<number, Message>; nextMessageId: number }>();
  /** Users who blocked the bot. */
  readonly blockedBy = new Set<number>();
  /** Reactions the bot set, by `chatId:messageId`. */
  readonly botReactions = new Map<string, readonly ReactionType[]>();
  /** While true every call with the token answers 401 Unauthorized, as after @BotFather's /revoke. */
  revoked = false;
  /** Calls answered 401 while {@link revoked}, by method name (as in the URL), in order. */
  readonly refusedCalls: string[] = [];
  webhook: WebhookSettings | undefined;
  /** Webhook delivery outcomes, in order: the HTTP status, or the network error. */
  readonly webhookDeliveries: { updateId: number; status?: number; error?: string }[] = [];
  webhookLastError: { date: number; message: string } | undefined;
  readonly #failures: { method: string | undefined; left: number; failure: InjectedFailure }[] = [];
  #nextUserId = 5_000_000_000 + Math.floor(Math.random() * 1_000_000);
  /** Called when a webhook is set or an update is pushed, so deliveries start. */
  onUpdatesChanged: () => void = () => undefined;

  constructor(options: { id: number; token: string; username: string; firstName: string }) {
    this.id = options.id;
    this.token = options.token;
    this.username = options.username;
    this.firstName = options.firstName;
  }

  /** The bot as `getMe` and `from` of its messages describe it. */
  get user(): User {
    return { id: this.id, is_bot: true, first_name: this.firstName, username: this.username };
  }

  /** A Telegram user who will talk to the bot (the chat exists once they send something). */
  customer(profile: CustomerProfile = {}): EmulatedCustomer {
    const user: User = {
      id: profile.id ?? this.#nextUserId++,
      is_bot: false,
      first_name: profile.firstName ?? 'Customer',
      ...(profile.lastName ? { last_name: profile.lastName } : {}),
      ...(profile.username ? { username: profile.username } : {}),
      language_code: profile.languageCode ?? 'en',
    };
    return new EmulatedCustomer(this, user);
  }

  /** The chat of a user, created on first contact. */
  chatOf(user: User): { chat: Chat.PrivateChat; messages: Map<number, Message>; nextMessageId: number } {
    let entry = this.chats.get(user.id);
    if (!entry) {
      const chat: Chat.PrivateChat = {
        id: user.id,
        type: 'private',
        first_name: user.first_name,
        ...(user.last_name ? { last_name: user.last_name } : {}),
        ...(user.username ? { username: user.username } : {}),
      };
      entry = { chat, messages: new Map(), nextMessageId: 1 };
      this.chats.set(user.id, entry);
    }
    return entry;
  }

  /** Stores a message in its chat under the chat's next message id. */
  addMessage(chatId: number, build: (messageId: number) => Message): Message {
    const entry = this.chats.get(chatId);
    if (!entry) throw new Error(`emulator: no chat ${chatId}`);
    const message = build(entry.nextMessageId++);
    entry.messages.set(message.message_id, message);
    return message;
  }

  /** Queues an update (if the bot's allowed_updates want it) and starts delivery. */
  pushUpdate(body: Omit<Update, 'update_id'>): Update | undefined {
    const update = this.updates.push(body);
    if (update) this.onUpdatesChanged();
    return update;
  }

  /** Messages the bot sent to a chat, in order. */
  sentTo(chatId: number): Message[] {
    const entry = this.chats.get(chatId);
    return entry ? [...entry.messages.values()].filter((m) => m.from?.id === this.id) : [];
  }

  /**
   * Makes the next `times` calls of `method` (any method when omitted) fail. Failures are taken in the order they
   * were added.
   */
  failNext(failure: InjectedFailure, options: { method?: string; times?: number } = {}): void {
    this.#failures.push({ method: options.method, left: options.times ?? 1, failure });
  }

  /** The injected failure for this call, if any (consumed). */
  takeFailure(method: string): InjectedFailure | undefined {
    const index = this.#failures.findIndex((f) => f.method === undefined || f.method === method);
    if (index < 0) return undefined;
    const entry = this.#failures[index]!;
    entry.left -= 1;
    if (entry.left <= 0) this.#failures.splice(index, 1);
    return entry.failure;
  }

  /** Calls of one method, in order. */
  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }
}
